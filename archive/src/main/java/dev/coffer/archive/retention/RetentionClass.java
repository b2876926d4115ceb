package dev.coffer.archive.retention;

import java.time.Period;
import java.util.Locale;

/**
 * The regulatory classes a retention period is measured against, each with its default floor: the
 * shortest period a policy may give records of that class.
 */
public enum RetentionClass {
  /** Business communications (SEC 17a-4(b)(4), FINRA 4511): 3 years. */
  COMMUNICATIONS(Period.ofYears(3)),
  /** Books and records (SEC 17a-4(a), FINRA 4511(b)): 6 years. Coffer's own audit records are in this class. */
  BOOKS(Period.ofYears(6)),
  /** MiFID II Art. 16(7), DR 2017/565 Art. 76: 5 years. */
  MIFID(Period.ofYears(5));

  private final Period defaultFloor;

  RetentionClass(Period defaultFloor) {
    this.defaultFloor = defaultFloor;
  }

  /** The floor when no policy says otherwise; no policy may set a floor below it. */
  public Period defaultFloor() {
    return defaultFloor;
  }

  /** The name used in policy JSON and on the command line: {@code communications}, {@code books}, {@code mifid}. */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** @throws IllegalArgumentException naming the accepted values */
  public static RetentionClass parse(String s) {
    for (RetentionClass c : values()) {
      if (c.jsonName().equals(s)) {
        return c;
      }
    }
    throw new IllegalArgumentException("retention class '" + s + "' is not one of communications, books, mifid");
  }
}
