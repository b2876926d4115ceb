package dev.coffer.connectors.whatsapp.cloud;

import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * SHA-256 digests as Meta writes them: base64 in webhook payloads, lowercase hex in the Graph API's
 * media response. Both are normalised to lowercase hex; anything that is not 32 bytes is not a
 * digest.
 */
final class MediaDigests {
  private MediaDigests() {}

  /** Lowercase hex of a hex or base64 (standard or URL-safe) SHA-256, or null if it is neither. */
  static String normalize(String text) {
    if (text == null) {
      return null;
    }
    String t = text.strip();
    if (t.length() == 64 && t.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      return t.toLowerCase(Locale.ROOT);
    }
    try {
      byte[] b = t.indexOf('-') >= 0 || t.indexOf('_') >= 0
          ? Base64.getUrlDecoder().decode(t) : Base64.getDecoder().decode(t);
      return b.length == 32 ? HexFormat.of().formatHex(b) : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
