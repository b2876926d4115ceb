package dev.coffer.archive.verify;

import dev.coffer.archive.merkle.MerkleFrontier;
import dev.coffer.archive.merkle.Rfc6962;

/**
 * The compact range of leaves {@code [begin, end)} of an RFC 6962 tree: the roots of the fewest
 * perfect subtrees, each aligned to its size, that cover the range, left to right. Appended to a
 * frontier of exactly {@code begin} leaves ({@link MerkleFrontier#appendSubtree}) they give the same
 * frontier as appending every leaf, with O(log n) hashes instead of one per leaf. A verify worker
 * computes one per stretch of a segment between checkpoint sizes, so the ordered fold of the tree
 * does almost no hashing and the leaves' subtrees are hashed in parallel.
 *
 * @param begin first leaf index (0-based) covered
 * @param end   one past the last leaf index covered
 * @param levels each subtree's height: it holds {@code 2^level} leaves
 * @param hashes each subtree's root, 32 bytes each, in the order of {@code levels}
 */
record CompactRange(long begin, long end, byte[] levels, byte[] hashes) {

  /**
   * The compact range of {@code [begin, end)}, from leaf hashes held 32 bytes each in {@code leafHashes},
   * leaf {@code i} at offset {@code 32 * (i - base)}. {@code scratch} must hold {@code 32 * (end - begin)} bytes.
   */
  static CompactRange of(byte[] leafHashes, long base, long begin, long end, byte[] scratch) {
    int n = 0;
    for (long b = begin; b < end; b += 1L << level(b, end)) {
      n++;
    }
    byte[] levels = new byte[n];
    byte[] hashes = new byte[32 * n];
    int i = 0;
    for (long b = begin; b < end; i++) {
      int k = level(b, end);
      int width = 1 << k;
      System.arraycopy(leafHashes, (int) (32 * (b - base)), scratch, 0, 32 * width);
      // Reduce the subtree in place, level by level: node j of a level from nodes 2j and 2j + 1 below it.
      for (int w = width; w > 1; w >>= 1) {
        for (int j = 0; j < w / 2; j++) {
          Rfc6962.nodeHash(scratch, 64 * j, 64 * j + 32, scratch, 32 * j);
        }
      }
      System.arraycopy(scratch, 0, hashes, 32 * i, 32);
      levels[i] = (byte) k;
      b += width;
    }
    return new CompactRange(begin, end, levels, hashes);
  }

  /** The height of the largest subtree that starts at {@code b}, is aligned to its size and ends by {@code end}. */
  static int level(long b, long end) {
    int k = b == 0 ? 62 : Math.min(62, Long.numberOfTrailingZeros(b));
    while ((1L << k) > end - b) {
      k--;
    }
    return k;
  }

  /** Appends every subtree to {@code f}, whose size must be {@link #begin}. */
  void appendTo(MerkleFrontier f) {
    if (f.size() != begin) {
      throw new IllegalStateException("compact range from " + begin + " appended to a tree of " + f.size());
    }
    for (int i = 0; i < levels.length; i++) {
      f.appendSubtree(levels[i], hashes, 32 * i);
    }
  }
}
