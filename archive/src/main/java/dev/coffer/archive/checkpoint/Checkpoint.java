package dev.coffer.archive.checkpoint;

import dev.coffer.archive.keys.SigningKeys;
import dev.coffer.model.Digests;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Objects;

/**
 * A signed tree head: "archive {@code archiveId} held {@code size} records whose Merkle root was
 * {@code root} at {@code time}", signed with the archive's Ed25519 key.
 *
 * <p>The signed bytes ({@link #signedBytes}) follow the C2SP {@code tlog-checkpoint} note body, so
 * transparency-log tooling can read them: four lines, each ending in LF (0x0A), UTF-8:
 * <pre>
 * coffer-archive/&lt;archive id&gt;
 * &lt;size, decimal, no leading zeros&gt;
 * &lt;root, standard base64 with padding, 44 characters&gt;
 * time &lt;epoch milliseconds UTC, decimal&gt;
 * </pre>
 * The signature is Ed25519 (RFC 8032, pure) over exactly those bytes.
 *
 * @param archiveId the archive's id (32 lowercase hex)
 * @param size number of records (leaves) covered
 * @param root RFC 6962 root hash at {@code size} (32 bytes)
 * @param time when it was signed, epoch milliseconds UTC
 * @param signature 64-byte Ed25519 signature of {@link #signedBytes}
 */
public record Checkpoint(String archiveId, long size, byte[] root, long time, byte[] signature) {
  /** The origin line's prefix. */
  public static final String ORIGIN_PREFIX = "coffer-archive/";

  public Checkpoint {
    Objects.requireNonNull(archiveId, "archiveId");
    if (size < 0) {
      throw new IllegalArgumentException("checkpoint size must be >= 0, got " + size);
    }
    if (root.length != 32) {
      throw new IllegalArgumentException("root must be 32 bytes, got " + root.length);
    }
    root = root.clone();
    signature = signature.clone();
  }

  /** Signs a new checkpoint. */
  public static Checkpoint sign(String archiveId, long size, byte[] root, long time, SigningKeys keys) {
    byte[] body = body(archiveId, size, root, time);
    return new Checkpoint(archiveId, size, root, time, keys.sign(body));
  }

  /** The exact bytes the signature covers (see the class comment). */
  public byte[] signedBytes() {
    return body(archiveId, size, root, time);
  }

  static byte[] body(String archiveId, long size, byte[] root, long time) {
    return (ORIGIN_PREFIX + archiveId + "\n" + size + "\n" + Base64.getEncoder().encodeToString(root) + "\ntime " + time + "\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** True if the signature is valid for {@code key}. */
  public boolean verifySignature(PublicKey key) {
    return SigningKeys.verify(key, signedBytes(), signature);
  }

  /** Root as lowercase hex. */
  public String rootHex() {
    return Digests.hex(root);
  }

  @Override
  public byte[] root() {
    return root.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Checkpoint c && c.archiveId.equals(archiveId) && c.size == size && c.time == time
        && java.util.Arrays.equals(c.root, root) && java.util.Arrays.equals(c.signature, signature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(archiveId, size, time, java.util.Arrays.hashCode(root));
  }

  @Override
  public String toString() {
    return "Checkpoint[" + archiveId + " size=" + size + " root=" + rootHex() + " time=" + time + "]";
  }
}
