package dev.coffer.connectors.whatsapp.cloud;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks the {@code X-Hub-Signature-256} header Meta puts on every webhook POST: {@code sha256=} and
 * the lowercase hex HMAC-SHA256 of the raw request body, keyed with the app secret.
 *
 * <p>The MAC is computed over the bytes exactly as received (never over re-serialised JSON: Meta
 * escapes non-ASCII as {@code \\uXXXX}, so any re-encoding breaks it) and compared in constant time
 * ({@link MessageDigest#isEqual}), so a caller probing with forged headers learns nothing from timing.
 */
public final class CloudApiSignature {
  private static final String PREFIX = "sha256=";

  private CloudApiSignature() {}

  /**
   * True when {@code header} is {@code sha256=<64 hex digits>} (hex case-insensitive, surrounding
   * spaces ignored) and those digits are the HMAC-SHA256 of {@code body} under {@code appSecret}.
   * A null, empty or malformed header, or an empty secret, gives false; it never throws on input.
   *
   * @param body the raw request body, as received
   * @param header the {@code X-Hub-Signature-256} header value, may be null
   * @param appSecret the app secret's bytes (UTF-8 of the secret shown in the Meta app dashboard)
   */
  public static boolean verify(byte[] body, String header, byte[] appSecret) {
    if (body == null || header == null || appSecret == null || appSecret.length == 0) {
      return false;
    }
    String h = header.strip();
    if (h.length() != PREFIX.length() + 64 || !h.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      return false;
    }
    byte[] claimed = new byte[32];
    for (int i = 0; i < 32; i++) {
      int hi = Character.digit(h.charAt(PREFIX.length() + 2 * i), 16);
      int lo = Character.digit(h.charAt(PREFIX.length() + 2 * i + 1), 16);
      if (hi < 0 || lo < 0) {
        return false;
      }
      claimed[i] = (byte) ((hi << 4) | lo);
    }
    return MessageDigest.isEqual(hmac(body, appSecret), claimed);
  }

  /** The header value Meta would send for {@code body}: {@code sha256=} and lowercase hex. */
  public static String sign(byte[] body, byte[] appSecret) {
    if (appSecret == null || appSecret.length == 0) {
      throw new IllegalArgumentException("appSecret must not be empty");
    }
    return PREFIX + java.util.HexFormat.of().formatHex(hmac(body, appSecret));
  }

  /** The app secret as Meta keys the MAC with it: its UTF-8 bytes. */
  public static byte[] secret(String appSecret) {
    return appSecret.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] hmac(byte[] body, byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("the JDK has no usable HmacSHA256", e);
    }
  }
}
