package dev.coffer.archive.crypto;

import dev.coffer.model.Digests;
import java.util.HexFormat;

/**
 * The name a blob is stored under, from the SHA-256 of its plaintext. In an encrypted archive the name
 * is {@code HMAC-SHA256(blob-name key, digest)}, the key being derived from the archive's first data
 * key: the same file gets the same name inside one archive (dedupe works) but different names in
 * different archives, and the name does not reveal the digest (anyone who has a file could otherwise
 * test whether an archive holds it). Unencrypted archives name blobs by their digest.
 */
public final class BlobNames {
  /** Names are the digests themselves (archives created without encryption). */
  public static final BlobNames DIGEST = new BlobNames(null);

  private final byte[] secret;

  private BlobNames(byte[] secret) {
    this.secret = secret;
  }

  static BlobNames keyed(byte[] firstDataKey) {
    return new BlobNames(KeyMaterial.derive(firstDataKey, "coffer/blob-name/1"));
  }

  /** The 64-hex name of the blob whose plaintext has SHA-256 {@code sha256} (lowercase hex). */
  public String nameOf(String sha256) {
    if (!Digests.isSha256Hex(sha256)) {
      throw new IllegalArgumentException("not a lowercase hex SHA-256: " + sha256);
    }
    if (secret == null) {
      return sha256;
    }
    return HexFormat.of().formatHex(KeyMaterial.hmac(secret).doFinal(HexFormat.of().parseHex(sha256)));
  }

  /** True if names are keyed (not the plain digest). */
  public boolean keyed() {
    return secret != null;
  }
}
