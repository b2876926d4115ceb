package dev.coffer.archive;

import dev.coffer.archive.layout.ArchiveLayout;
import dev.coffer.archive.merkle.MerkleFrontier;
import dev.coffer.archive.merkle.MerkleProofs.Range;
import dev.coffer.archive.segment.SegmentFormat;
import dev.coffer.archive.store.CorruptObjectException;
import dev.coffer.archive.store.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Computes the Merkle Tree Hashes of disjoint leaf ranges (the hashes of a proof) in one sequential
 * pass over the segments' digests.
 *
 * <p>Why a pass and not a stored tree: the archive keeps no interior nodes, only the frontier, so a
 * proof costs O(n) leaf hashes (about 2n SHA-256 compressions of 65 bytes) plus reading 32 bytes per
 * record from the front of each segment (bodies are neither read nor decompressed). Memory is
 * O(log n): one frontier for the range being hashed. A stored leaf-hash or node file would make a
 * proof O(log n) reads but costs 32+ bytes per record on disk, a second write per commit and its own
 * crash recovery; proofs are rare (an auditor's request), commits are not.
 */
final class LeafScan {
  private LeafScan() {}

  /**
   * The hash of each range, in the order given. Starts reading at the segment {@code startSegment}
   * (the one holding the first leaf of the earliest range).
   *
   * @throws CorruptObjectException if the segments are out of sequence or end before the last range
   */
  static List<byte[]> subtreeHashes(ObjectStore store, long startSegment, List<Range> ranges) throws IOException {
    byte[][] out = new byte[ranges.size()][];
    if (ranges.isEmpty()) {
      return List.of();
    }
    int[] order = IntStream.range(0, ranges.size()).boxed()
        .sorted(Comparator.comparingLong(i -> ranges.get(i).from())).mapToInt(Integer::intValue).toArray();
    int pos = 0;
    MerkleFrontier f = new MerkleFrontier();
    long expected = startSegment;
    try (Stream<String> keys = store.list(ArchiveLayout.SEGMENTS, ArchiveLayout.segmentKey(startSegment))) {
      Iterator<String> it = keys.iterator();
      while (it.hasNext() && pos < order.length) {
        String key = it.next();
        SegmentFormat.HeaderAndDigests seg;
        try (InputStream in = store.open(key)) {
          seg = SegmentFormat.readDigests(key, in);
        }
        if (seg.header().firstSerial() != expected) {
          throw new CorruptObjectException(key, "segment out of sequence (run coffer verify)", String.valueOf(expected),
              String.valueOf(seg.header().firstSerial()));
        }
        long leaf = expected - 1;
        for (byte[] digest : seg.digests()) {
          Range r = ranges.get(order[pos]);
          if (leaf >= r.from()) {
            f.appendLeafData(digest);
            if (leaf == r.to() - 1) {
              out[order[pos]] = f.root();
              f = new MerkleFrontier();
              if (++pos == order.length) {
                break;
              }
            }
          }
          leaf++;
        }
        expected += seg.digests().length;
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    if (pos < order.length) {
      throw new CorruptObjectException(ArchiveLayout.segmentKey(expected), "segments end before leaf "
          + (ranges.get(order[pos]).to() - 1) + " (run coffer verify)", "a segment", "none");
    }
    return List.of(out);
  }
}
