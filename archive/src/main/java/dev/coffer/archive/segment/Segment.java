package dev.coffer.archive.segment;

import java.util.List;

/**
 * One group commit: consecutive records with serials {@code firstSerial .. firstSerial + count - 1},
 * written as one immutable object (see {@link SegmentFormat} for the bytes).
 *
 * @param firstSerial serial of the first entry (from 1)
 * @param archivedAt commit time, epoch milliseconds UTC: the recorded archive time of every entry
 * @param entries the records, in serial order (at least one)
 */
public record Segment(long firstSerial, long archivedAt, List<SegmentEntry> entries) {
  public Segment {
    if (firstSerial < 1) {
      throw new IllegalArgumentException("firstSerial must be >= 1, got " + firstSerial);
    }
    if (entries.isEmpty()) {
      throw new IllegalArgumentException("a segment holds at least one record");
    }
    entries = List.copyOf(entries);
  }

  /** True if any entry is a tombstone (the segment was rewritten by disposition). */
  public boolean hasTombstones() {
    for (SegmentEntry e : entries) {
      if (e.disposed()) {
        return true;
      }
    }
    return false;
  }

  /** Number of records. */
  public int count() {
    return entries.size();
  }

  /** Serial of the last entry. */
  public long lastSerial() {
    return firstSerial + entries.size() - 1;
  }

  /** True if {@code serial} is in this segment. */
  public boolean holds(long serial) {
    return serial >= firstSerial && serial <= lastSerial();
  }

  /** The entry with {@code serial}. */
  public SegmentEntry entry(long serial) {
    if (!holds(serial)) {
      throw new IllegalArgumentException("serial " + serial + " is not in segment " + firstSerial + ".." + lastSerial());
    }
    return entries.get((int) (serial - firstSerial));
  }
}
