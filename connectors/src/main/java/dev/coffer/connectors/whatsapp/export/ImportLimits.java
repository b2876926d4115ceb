package dev.coffer.connectors.whatsapp.export;

/**
 * Limits that keep hostile input from exhausting memory or disk.
 *
 * @param maxLineBytes a longer line is cut; the rest goes to an unparsed record (raw keeps the bytes)
 * @param maxEntryChars a longer multi-line message continues in an unparsed record
 * @param maxZipTotalBytes the most bytes all zip entries may expand to, counted while reading
 * @param maxZipRatio the most a zip may expand relative to its size on disk
 * @param maxZipEntries the most entries a zip may have
 */
public record ImportLimits(int maxLineBytes, int maxEntryChars, long maxZipTotalBytes,
    int maxZipRatio, int maxZipEntries) {

  /** 1 MiB lines, 4 Mi-char messages, zips up to 16 GiB expanded, ratio 100, 100,000 entries. */
  public static final ImportLimits DEFAULT =
      new ImportLimits(1 << 20, 4 << 20, 16L << 30, 100, 100_000);

  public ImportLimits {
    positive("maxLineBytes", maxLineBytes);
    positive("maxEntryChars", maxEntryChars);
    positive("maxZipTotalBytes", maxZipTotalBytes);
    positive("maxZipRatio", maxZipRatio);
    positive("maxZipEntries", maxZipEntries);
  }

  private static void positive(String name, long v) {
    if (v <= 0) {
      throw new IllegalArgumentException(name + " must be positive, not " + v);
    }
  }
}
