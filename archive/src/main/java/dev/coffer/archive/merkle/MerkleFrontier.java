package dev.coffer.archive.merkle;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The compact range {@code [0, size)} of an append-only RFC 6962 tree: the roots of its perfect
 * subtrees, largest (leftmost) first, one per set bit of {@code size}. That is all the state needed to
 * append leaves and to compute the root: O(log n) hashes, whatever the size.
 *
 * <p>Not thread-safe; the archive mutates it only while committing.
 */
public final class MerkleFrontier {
  private long size;
  private final List<byte[]> hashes;

  /** The empty tree. */
  public MerkleFrontier() {
    this(0, new ArrayList<>());
  }

  private MerkleFrontier(long size, List<byte[]> hashes) {
    this.size = size;
    this.hashes = hashes;
  }

  /**
   * A frontier from its parts, checked: there must be exactly one 32-byte hash per set bit of size.
   *
   * @throws IllegalArgumentException if the parts are inconsistent
   */
  public static MerkleFrontier of(long size, List<byte[]> hashes) {
    if (size < 0 || Long.bitCount(size) != hashes.size()) {
      throw new IllegalArgumentException(
          "frontier of size " + size + " needs " + Long.bitCount(Math.max(size, 0)) + " hashes, got " + hashes.size());
    }
    List<byte[]> copy = new ArrayList<>(hashes.size());
    for (byte[] h : hashes) {
      if (h.length != Rfc6962.HASH_SIZE) {
        throw new IllegalArgumentException("frontier hash of " + h.length + " bytes");
      }
      copy.add(h.clone());
    }
    return new MerkleFrontier(size, copy);
  }

  /** Appends a leaf given its data (the record digest): hashes it with {@link Rfc6962#leafHash}. */
  public void appendLeafData(byte[] data) {
    appendLeafHash(Rfc6962.leafHash(data));
  }

  /** Appends a leaf given its leaf hash. */
  public void appendLeafHash(byte[] leafHash) {
    if (leafHash.length != Rfc6962.HASH_SIZE) {
      throw new IllegalArgumentException("leaf hash of " + leafHash.length + " bytes");
    }
    byte[] h = leafHash.clone();
    // Merge equal-sized subtrees, like carrying in binary addition.
    for (long s = size; (s & 1) == 1; s >>>= 1) {
      byte[] left = hashes.remove(hashes.size() - 1);
      h = Rfc6962.nodeHash(left, h);
    }
    hashes.add(h);
    size++;
  }

  /** Appends a leaf given its leaf hash at {@code leafHashes[off, off + 32)}. */
  public void appendLeafHash(byte[] leafHashes, int off) {
    byte[] h = java.util.Arrays.copyOfRange(leafHashes, off, off + Rfc6962.HASH_SIZE);
    for (long s = size; (s & 1) == 1; s >>>= 1) {
      h = Rfc6962.nodeHash(hashes.remove(hashes.size() - 1), h);
    }
    hashes.add(h);
    size++;
  }

  /**
   * Appends a whole perfect subtree of {@code 2^level} leaves given its root at {@code hashes[off, off + 32)}:
   * the same frontier as appending its leaves one by one, with at most one hash per level. The
   * subtree must start where the tree ends and be aligned to its size (the tree's size a multiple
   * of {@code 2^level}), as the subtrees of a compact range are.
   *
   * @throws IllegalArgumentException if the tree's size is not a multiple of {@code 2^level}
   */
  public void appendSubtree(int level, byte[] hashes, int off) {
    if (level < 0 || level > 62 || (size & ((1L << level) - 1)) != 0) {
      throw new IllegalArgumentException("a subtree of 2^" + level + " leaves cannot follow " + size + " leaves");
    }
    byte[] h = java.util.Arrays.copyOfRange(hashes, off, off + Rfc6962.HASH_SIZE);
    for (long s = size >>> level; (s & 1) == 1; s >>>= 1) {
      h = Rfc6962.nodeHash(this.hashes.remove(this.hashes.size() - 1), h);
    }
    this.hashes.add(h);
    size += 1L << level;
  }

  /** Number of leaves. */
  public long size() {
    return size;
  }

  /** The tree root at the current size. */
  public byte[] root() {
    if (hashes.isEmpty()) {
      return Rfc6962.emptyRoot();
    }
    byte[] r = hashes.get(hashes.size() - 1);
    for (int i = hashes.size() - 2; i >= 0; i--) {
      r = Rfc6962.nodeHash(hashes.get(i), r);
    }
    return r.clone();
  }

  /** The subtree roots, largest first (copies). */
  public List<byte[]> hashes() {
    return hashes.stream().map(byte[]::clone).toList();
  }

  /** An independent copy. */
  public MerkleFrontier copy() {
    return of(size, hashes);
  }

  /** Serialized form: {@code size:u64 count:u8 count*hash[32]} (big-endian). */
  public byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(8 + 1 + hashes.size() * Rfc6962.HASH_SIZE);
    b.putLong(size).put((byte) hashes.size());
    hashes.forEach(b::put);
    return b.array();
  }

  /**
   * Reads {@link #encode}'s form from {@code b}.
   *
   * @throws IllegalArgumentException if it is malformed
   */
  public static MerkleFrontier decode(ByteBuffer b) {
    if (b.remaining() < 9) {
      throw new IllegalArgumentException("frontier truncated");
    }
    long size = b.getLong();
    int count = Byte.toUnsignedInt(b.get());
    if (b.remaining() < count * Rfc6962.HASH_SIZE) {
      throw new IllegalArgumentException("frontier truncated");
    }
    List<byte[]> hashes = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      byte[] h = new byte[Rfc6962.HASH_SIZE];
      b.get(h);
      hashes.add(h);
    }
    return of(size, hashes);
  }

  /** True if both have the same size and hashes. */
  public boolean sameAs(MerkleFrontier other) {
    if (size != other.size || hashes.size() != other.hashes.size()) {
      return false;
    }
    for (int i = 0; i < hashes.size(); i++) {
      if (!java.util.Arrays.equals(hashes.get(i), other.hashes.get(i))) {
        return false;
      }
    }
    return true;
  }
}
