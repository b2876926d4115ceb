package dev.coffer.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Derives stable ids from natural keys, so that a re-delivered item (webhook retry, overlapping export,
 * re-run) gets the id it got the first time.
 *
 * <p>Algorithm (fixed for coffer/1; anyone can recompute it): SHA-256 over the namespace and each part,
 * each written as its UTF-8 length (4 bytes, big-endian) followed by its UTF-8 bytes; the id is the
 * first 16 bytes of that digest in lowercase hex (32 characters). Length prefixes make the encoding
 * unambiguous: {@code ("ab","c")} and {@code ("a","bc")} give different ids. A null part is written as
 * length {@code 0xFFFFFFFF} with no bytes, distinct from the empty string.
 */
public final class Ids {
  private static final HexFormat HEX = HexFormat.of();

  private Ids() {}

  /**
   * The id for a natural key.
   *
   * @param namespace what kind of thing is identified, e.g. {@code whatsapp-export/message}
   * @param parts the natural key's parts, in a fixed order
   */
  public static String derive(String namespace, String... parts) {
    MessageDigest sha = sha256();
    update(sha, namespace);
    for (String part : parts) {
      update(sha, part);
    }
    byte[] digest = sha.digest();
    return HEX.formatHex(digest, 0, 16);
  }

  /** True if {@code id} has the form {@link #derive} produces. */
  public static boolean isValid(String id) {
    if (id == null || id.length() != 32) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private static void update(MessageDigest sha, String part) {
    if (part == null) {
      sha.update(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
      return;
    }
    byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
    int n = bytes.length;
    sha.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
    sha.update(bytes);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
