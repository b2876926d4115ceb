package dev.coffer.archive.merkle;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Inclusion and consistency proofs for RFC 6962 trees: generation (RFC 6962 §2.1.1–2.1.2, PATH and
 * SUBPROOF) and verification (the algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2), so a proof made here
 * checks with any Certificate Transparency tool. Leaf indexes are 0-based (the record with serial
 * {@code s} is leaf {@code s - 1}).
 *
 * <p>Generation reads leaf hashes through {@link LeafHashes} and recomputes the subtrees it needs:
 * O(size) hashing; {@link #inclusionRanges} and {@link #consistencyRanges} name those subtrees so a
 * caller can compute them in one sequential pass instead. Verification is O(log size) and needs only
 * the proof.
 */
public final class MerkleProofs {
  private MerkleProofs() {}

  /** Access to the leaf hashes of a tree. */
  @FunctionalInterface
  public interface LeafHashes {
    /** The leaf hash at a 0-based index. */
    byte[] leafHash(long index) throws IOException;
  }

  /** The Merkle Tree Hash of leaves {@code [from, to)} (RFC 6962 MTH). */
  public static byte[] subtreeHash(long from, long to, LeafHashes leaves) throws IOException {
    if (from >= to) {
      return Rfc6962.emptyRoot();
    }
    if (to - from == 1) {
      return leaves.leafHash(from);
    }
    long k = largestPowerOfTwoBelow(to - from);
    return Rfc6962.nodeHash(subtreeHash(from, from + k, leaves), subtreeHash(from + k, to, leaves));
  }

  /** The leaves {@code [from, to)} of one subtree; a proof hash is the Merkle Tree Hash of such a range. */
  public record Range(long from, long to) {
    public Range {
      if (from < 0 || to <= from) {
        throw new IllegalArgumentException("empty or negative leaf range [" + from + ", " + to + ")");
      }
    }
  }

  /**
   * The audit path proving leaf {@code index} is in the tree of {@code size} leaves.
   *
   * @throws IllegalArgumentException unless {@code 0 <= index < size}
   */
  public static List<byte[]> inclusionProof(long index, long size, LeafHashes leaves) throws IOException {
    return hashes(inclusionRanges(index, size), leaves);
  }

  /**
   * The leaf ranges whose Merkle Tree Hashes form the audit path of leaf {@code index} in the tree of
   * {@code size} leaves (RFC 6962 §2.1.1 PATH), in proof order: disjoint, and together every leaf but
   * {@code index}. Callers that read leaves sequentially (a streaming pass over an archive) use this to
   * compute all of them in one pass.
   *
   * @throws IllegalArgumentException unless {@code 0 <= index < size}
   */
  public static List<Range> inclusionRanges(long index, long size) {
    if (index < 0 || index >= size) {
      throw new IllegalArgumentException("leaf index " + index + " is not in a tree of size " + size);
    }
    List<Range> out = new ArrayList<>();
    path(index, 0, size, out);
    return out;
  }

  private static void path(long m, long from, long to, List<Range> out) {
    long n = to - from;
    if (n == 1) {
      return;
    }
    long k = largestPowerOfTwoBelow(n);
    if (m < k) {
      path(m, from, from + k, out);
      out.add(new Range(from + k, to));
    } else {
      path(m - k, from + k, to, out);
      out.add(new Range(from, from + k));
    }
  }

  /**
   * The proof that the tree of {@code size1} leaves is a prefix of the tree of {@code size2} leaves
   * (empty when {@code size1} is 0 or equals {@code size2}).
   *
   * @throws IllegalArgumentException unless {@code 0 <= size1 <= size2}
   */
  public static List<byte[]> consistencyProof(long size1, long size2, LeafHashes leaves) throws IOException {
    return hashes(consistencyRanges(size1, size2), leaves);
  }

  /**
   * The leaf ranges whose Merkle Tree Hashes form the consistency proof from {@code size1} to
   * {@code size2} (RFC 6962 §2.1.2 SUBPROOF), in proof order; disjoint.
   *
   * @throws IllegalArgumentException unless {@code 0 <= size1 <= size2}
   */
  public static List<Range> consistencyRanges(long size1, long size2) {
    if (size1 < 0 || size1 > size2) {
      throw new IllegalArgumentException("no consistency proof from size " + size1 + " to size " + size2);
    }
    List<Range> out = new ArrayList<>();
    if (size1 > 0 && size1 < size2) {
      subproof(size1, 0, size2, true, out);
    }
    return out;
  }

  private static void subproof(long m, long from, long to, boolean wholeKnown, List<Range> out) {
    long n = to - from;
    if (m == n) {
      if (!wholeKnown) {
        out.add(new Range(from, to));
      }
      return;
    }
    long k = largestPowerOfTwoBelow(n);
    if (m <= k) {
      subproof(m, from, from + k, wholeKnown, out);
      out.add(new Range(from + k, to));
    } else {
      subproof(m - k, from + k, to, false, out);
      out.add(new Range(from, from + k));
    }
  }

  private static List<byte[]> hashes(List<Range> ranges, LeafHashes leaves) throws IOException {
    List<byte[]> out = new ArrayList<>(ranges.size());
    for (Range r : ranges) {
      out.add(subtreeHash(r.from(), r.to(), leaves));
    }
    return out;
  }

  /**
   * The root an inclusion proof implies (RFC 9162 §2.1.3.2).
   *
   * @throws IllegalArgumentException if the proof cannot be a proof for this index and size (wrong
   *     length, hashes not 32 bytes, index out of range)
   */
  public static byte[] rootFromInclusionProof(long index, long size, byte[] leafHash, List<byte[]> proof) {
    if (index < 0 || index >= size) {
      throw new IllegalArgumentException("leaf index " + index + " is not in a tree of size " + size);
    }
    checkHash(leafHash, "leaf hash");
    long fn = index;
    long sn = size - 1;
    byte[] r = leafHash;
    for (byte[] p : proof) {
      checkHash(p, "proof hash");
      if (sn == 0) {
        throw new IllegalArgumentException("inclusion proof too long for index " + index + " in size " + size);
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = Rfc6962.nodeHash(p, r);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>>= 1;
          sn >>>= 1;
        }
      } else {
        r = Rfc6962.nodeHash(r, p);
      }
      fn >>>= 1;
      sn >>>= 1;
    }
    if (sn != 0) {
      throw new IllegalArgumentException("inclusion proof too short for index " + index + " in size " + size);
    }
    return r;
  }

  /** True if {@code proof} proves leaf {@code index} (with {@code leafHash}) is in the tree with {@code root}. */
  public static boolean verifyInclusion(long index, long size, byte[] leafHash, List<byte[]> proof, byte[] root) {
    try {
      return Arrays.equals(rootFromInclusionProof(index, size, leafHash, proof), root);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * True if {@code proof} proves the tree of {@code size1} leaves with {@code root1} is a prefix of the
   * tree of {@code size2} leaves with {@code root2} (RFC 9162 §2.1.4.2).
   */
  public static boolean verifyConsistency(long size1, long size2, byte[] root1, byte[] root2, List<byte[]> proof) {
    if (size1 < 0 || size2 < size1) {
      return false;
    }
    if (size1 == size2) {
      return proof.isEmpty() && Arrays.equals(root1, root2);
    }
    if (size1 == 0) {
      return proof.isEmpty();
    }
    if (proof.isEmpty()) {
      return false;
    }
    for (byte[] p : proof) {
      if (p == null || p.length != Rfc6962.HASH_SIZE) {
        return false;
      }
    }
    List<byte[]> path = proof;
    if (Long.bitCount(size1) == 1) {
      path = new ArrayList<>(proof.size() + 1);
      path.add(root1);
      path.addAll(proof);
    }
    long fn = size1 - 1;
    long sn = size2 - 1;
    while ((fn & 1) == 1) {
      fn >>>= 1;
      sn >>>= 1;
    }
    byte[] fr = path.get(0);
    byte[] sr = path.get(0);
    for (int i = 1; i < path.size(); i++) {
      byte[] c = path.get(i);
      if (sn == 0) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        fr = Rfc6962.nodeHash(c, fr);
        sr = Rfc6962.nodeHash(c, sr);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>>= 1;
          sn >>>= 1;
        }
      } else {
        sr = Rfc6962.nodeHash(sr, c);
      }
      fn >>>= 1;
      sn >>>= 1;
    }
    return sn == 0 && Arrays.equals(fr, root1) && Arrays.equals(sr, root2);
  }

  private static void checkHash(byte[] h, String what) {
    if (h == null || h.length != Rfc6962.HASH_SIZE) {
      throw new IllegalArgumentException(what + " is not " + Rfc6962.HASH_SIZE + " bytes");
    }
  }

  /** The largest power of two strictly less than {@code n} (n >= 2). */
  static long largestPowerOfTwoBelow(long n) {
    return Long.highestOneBit(n - 1);
  }
}
