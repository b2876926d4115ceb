package dev.coffer.connectors.whatsapp.export;

/**
 * The order of day, month and year in an export's dates. Exports carry no locale, so the importer
 * decides it once per file from the headers (see {@code docs/whatsapp-export.md}); an operator who
 * knows the exporting phone's locale can set it instead.
 *
 * <p>When a file writes the year with four digits, the year's position comes from the file and only
 * the relative order of day and month is taken from this value (so {@code DMY} also reads
 * {@code 13/2018/06} as day 13, June).
 */
public enum DateOrder {
  /** 31/12/2024 — most of the world. */
  DMY,
  /** 12/31/2024 — United States. */
  MDY,
  /** 2024/12/31 — China, Japan, Korea, ISO. */
  YMD,
  /** 2024/31/12 — rare, for completeness. */
  YDM;

  /** True if the day comes before the month. */
  boolean dayBeforeMonth() {
    return this == DMY || this == YDM;
  }

  /** True if, with only two-digit components, the year is written first. */
  boolean yearFirst() {
    return this == YMD || this == YDM;
  }

  /** Reads {@code dmy}, {@code MDY}, … naming the field on failure. */
  public static DateOrder parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "date order must be one of DMY, MDY, YMD, YDM, not '" + text + "'", e);
    }
  }
}
