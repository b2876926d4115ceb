package dev.coffer.search;

import java.util.Map;
import java.util.TreeMap;

/**
 * Which archive serials are in the index, to know the highest serial {@code n} such that every serial
 * {@code 1..n} is indexed. The commit listener and a catch-up scan may deliver serials out of order
 * (the listener runs ahead while the scan fills the gap); only the gap-free prefix may be recorded as
 * indexed, or a crash would leave the gap unindexed for good. Not thread-safe: the caller locks.
 */
final class SerialRanges {
  private long through;
  /** Indexed serials beyond {@code through + 1}, as disjoint ranges start → end (inclusive). */
  private final TreeMap<Long, Long> ahead = new TreeMap<>();

  SerialRanges(long through) {
    this.through = through;
  }

  /** Highest serial with every serial from 1 to it indexed. */
  long through() {
    return through;
  }

  void add(long serial) {
    if (serial <= through) {
      return;
    }
    if (serial == through + 1) {
      through = serial;
      // absorb ranges that now touch the prefix
      Map.Entry<Long, Long> first;
      while ((first = ahead.firstEntry()) != null && first.getKey() <= through + 1) {
        through = Math.max(through, first.getValue());
        ahead.pollFirstEntry();
      }
      return;
    }
    Map.Entry<Long, Long> before = ahead.floorEntry(serial);
    if (before != null && before.getValue() >= serial) {
      return;
    }
    long start = serial;
    long end = serial;
    if (before != null && before.getValue() == serial - 1) {
      start = before.getKey();
      ahead.remove(before.getKey());
    }
    Long afterEnd = ahead.remove(serial + 1);
    if (afterEnd != null) {
      end = afterEnd;
    }
    ahead.put(start, end);
  }

  /** Number of disjoint ranges held beyond the prefix (for tests). */
  int pendingRanges() {
    return ahead.size();
  }
}
