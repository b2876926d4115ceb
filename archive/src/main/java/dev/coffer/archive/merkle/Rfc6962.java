package dev.coffer.archive.merkle;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * RFC 6962 (Certificate Transparency) Merkle hashing with SHA-256:
 * {@code leaf = SHA-256(0x00 || data)}, {@code node = SHA-256(0x01 || left || right)}, and the root of
 * the empty tree is {@code SHA-256("")}. The domain-separation prefixes make a leaf hash never equal an
 * interior node hash (no second-preimage by moving a subtree into a leaf).
 *
 * <p>In Coffer the leaf data is the record's 32-byte SHA-256 digest (of its RFC 8785 canonical JSON),
 * not the record bytes, so a proof can be checked knowing only a record's digest.
 */
public final class Rfc6962 {
  /** Size of every hash, in bytes. */
  public static final int HASH_SIZE = 32;

  private static final byte[] EMPTY_ROOT = sha256().digest();
  // Tree hashing is many tiny digests: reuse one engine per thread instead of creating one per hash.
  private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(Rfc6962::sha256);

  private Rfc6962() {}

  /** {@code SHA-256(0x00 || data)}. */
  public static byte[] leafHash(byte[] data) {
    MessageDigest md = newDigest();
    md.update((byte) 0x00);
    md.update(data);
    return md.digest();
  }

  /**
   * {@code SHA-256(0x00 || data[off, off + 32))} written to {@code out[outOff, outOff + 32)}: many
   * leaves hashed into one array, nothing allocated per leaf.
   */
  public static void leafHash(byte[] data, int off, byte[] out, int outOff) {
    MessageDigest md = newDigest();
    md.update((byte) 0x00);
    md.update(data, off, HASH_SIZE);
    try {
      md.digest(out, outOff, HASH_SIZE);
    } catch (java.security.DigestException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code SHA-256(0x01 || left || right)}. */
  public static byte[] nodeHash(byte[] left, byte[] right) {
    MessageDigest md = newDigest();
    md.update((byte) 0x01);
    md.update(left);
    md.update(right);
    return md.digest();
  }

  /**
   * {@code SHA-256(0x01 || in[leftOff, +32) || in[rightOff, +32))} written to {@code out[outOff, +32)}
   * (may overlap the inputs): a subtree reduced in place, nothing allocated per node.
   */
  public static void nodeHash(byte[] in, int leftOff, int rightOff, byte[] out, int outOff) {
    MessageDigest md = newDigest();
    md.update((byte) 0x01);
    md.update(in, leftOff, HASH_SIZE);
    md.update(in, rightOff, HASH_SIZE);
    try {
      md.digest(out, outOff, HASH_SIZE);
    } catch (java.security.DigestException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The root of the tree with no leaves: {@code SHA-256("")}. */
  public static byte[] emptyRoot() {
    return EMPTY_ROOT.clone();
  }

  private static MessageDigest newDigest() {
    MessageDigest md = DIGEST.get();
    md.reset();
    return md;
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
