package dev.coffer.model;

import java.util.HexFormat;

/** SHA-256 digests in the lowercase hex form coffer/1 uses everywhere. */
public final class Digests {
  private static final HexFormat HEX = HexFormat.of();

  private Digests() {}

  /** SHA-256 of {@code bytes}. */
  public static byte[] sha256(byte[] bytes) {
    return Ids.sha256().digest(bytes);
  }

  /** SHA-256 of {@code bytes}, lowercase hex. */
  public static String sha256Hex(byte[] bytes) {
    return HEX.formatHex(sha256(bytes));
  }

  /** Lowercase hex of {@code bytes}. */
  public static String hex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }

  /** Bytes of a hex string; throws {@link IllegalArgumentException} if it is not hex. */
  public static byte[] unhex(String hex) {
    return HEX.parseHex(hex);
  }

  /** True if {@code s} is a lowercase hex SHA-256 (64 characters). */
  public static boolean isSha256Hex(String s) {
    if (s == null || s.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }
}
