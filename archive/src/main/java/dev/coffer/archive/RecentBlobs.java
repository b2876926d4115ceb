package dev.coffer.archive;

import java.util.BitSet;

/**
 * The blobs this process stored or asked about recently, so that blob disposition never removes a blob
 * a caller has just been told is stored and is about to refer to from a record it has not appended yet
 * (a connector stores an attachment, then appends the message: dedupe makes the second store of a
 * disposed message's attachment a no-op).
 *
 * <p>Two generations of a Bloom filter: {@link #rotate} starts a new one at each blob disposition, so a
 * blob touched since the previous disposition is kept. A false positive only keeps a blob until the
 * next run; memory is fixed (2 x 512 KiB) however much is stored. Thread-safe.
 */
final class RecentBlobs {
  private static final int BITS = 1 << 22;
  private BitSet current = new BitSet(BITS);
  private BitSet previous = new BitSet(BITS);

  /** Notes that {@code sha256} (lowercase hex) was stored or found stored. */
  synchronized void touch(String sha256) {
    for (int i = 0; i < 3; i++) {
      current.set(bit(sha256, i));
    }
  }

  /** True if {@code sha256} may have been touched in this generation or the one before. */
  synchronized boolean touched(String sha256) {
    return in(current, sha256) || in(previous, sha256);
  }

  /** Starts a new generation; touches older than the one before are forgotten. */
  synchronized void rotate() {
    previous = current;
    current = new BitSet(BITS);
  }

  private static boolean in(BitSet set, String sha256) {
    for (int i = 0; i < 3; i++) {
      if (!set.get(bit(sha256, i))) {
        return false;
      }
    }
    return true;
  }

  /** Bits from three independent slices of the digest (uniformly distributed by construction). */
  private static int bit(String sha256, int i) {
    return (int) (Long.parseLong(sha256, i * 8, i * 8 + 8, 16) & (BITS - 1));
  }
}
