package dev.coffer.web;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Times, sizes and colours as the pages show them. */
final class Formats {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEEE, d MMMM yyyy", Locale.ENGLISH);
  private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);
  /** How many sender colours the stylesheet defines ({@code .c0} to {@code .c11}). */
  static final int COLOURS = 12;

  private Formats() {}

  static String time(Instant t, ZoneId zone) {
    return t == null ? "" : TIME.format(t.atZone(zone));
  }

  static String day(Instant t, ZoneId zone) {
    return t == null ? "Unknown date" : DAY.format(t.atZone(zone));
  }

  static String dateTime(Instant t, ZoneId zone) {
    return t == null ? "" : DATE_TIME.format(t.atZone(zone));
  }

  /** The UTC instant as ISO-8601, for the hover title. */
  static String utc(Instant t) {
    return t == null ? "no time in the source" : t.toString().replace("T", " ").replace("Z", " UTC");
  }

  static String size(Long bytes) {
    if (bytes == null) {
      return "";
    }
    if (bytes < 1024) {
      return bytes + " B";
    }
    if (bytes < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.0f KB", bytes / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024));
  }

  /** A stable colour index for a sender within a group. */
  static int colour(String key) {
    return key == null ? 0 : Math.floorMod(key.hashCode(), COLOURS);
  }

  static String who(String name, String handle) {
    if (name != null && !name.isBlank()) {
      return name;
    }
    return handle == null ? "Unknown" : handle;
  }

  static ZoneId zone(String id) {
    if (id != null && !id.isBlank() && id.length() < 64) {
      try {
        return ZoneId.of(id);
      } catch (java.time.DateTimeException e) {
        // fall through to UTC
      }
    }
    return ZoneId.of("UTC");
  }
}
