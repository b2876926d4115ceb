package dev.coffer.cli;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Date options and display: days are read in the operator's zone, instants as ISO-8601. */
final class Dates {
  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private Dates() {}

  /** Start of a --since value: a day's first instant in {@code zone}, or an ISO instant. */
  static Instant start(String value, ZoneId zone, String option) {
    if (value == null) {
      return null;
    }
    try {
      return LocalDate.parse(value).atStartOfDay(zone).toInstant();
    } catch (DateTimeParseException notADay) {
      return instant(value, option);
    }
  }

  /** End of an --until value: the last instant of a day in {@code zone} (inclusive), or an ISO instant. */
  static Instant end(String value, ZoneId zone, String option) {
    if (value == null) {
      return null;
    }
    try {
      return LocalDate.parse(value).plusDays(1).atStartOfDay(zone).toInstant().minusMillis(1);
    } catch (DateTimeParseException notADay) {
      return instant(value, option);
    }
  }

  private static Instant instant(String value, String option) {
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(option + " must be a date (2026-11-24) or an instant "
          + "(2026-11-24T19:03:22Z), was '" + value + "'");
    }
  }

  /** An instant as local date-time text in {@code zone}, or "(no time)". */
  static String local(Instant t, ZoneId zone) {
    return t == null ? "(no time)          " : LOCAL.format(ZonedDateTime.ofInstant(t, zone));
  }
}
