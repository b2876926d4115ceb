package dev.coffer.web.auth;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Locale;
import java.util.OptionalLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-based one-time passwords (RFC 6238 over RFC 4226): HMAC-SHA1, 6 digits, 30-second steps,
 * accepting the current step and one step either side (clock drift). The caller refuses a step it
 * has already accepted for that user ({@link #matchingStep} returns it), so a code works only once.
 */
public final class Totp {
  /** Seconds per step. */
  public static final int STEP_SECONDS = 30;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

  private Totp() {}

  /** A fresh 160-bit secret, base32 (what authenticator apps take). */
  public static String newSecret() {
    byte[] b = new byte[20];
    RANDOM.nextBytes(b);
    return base32(b);
  }

  /** The {@code otpauth://} URI an authenticator app reads (shown as text; no image library needed). */
  public static String uri(String issuer, String account, String secret) {
    String label = enc(issuer) + ":" + enc(account);
    return "otpauth://totp/" + label + "?secret=" + secret + "&issuer=" + enc(issuer)
        + "&algorithm=SHA1&digits=6&period=" + STEP_SECONDS;
  }

  /** The code for the step containing {@code at}. */
  public static String code(String secret, Instant at) {
    return code(base32Decode(secret), Math.floorDiv(at.getEpochSecond(), STEP_SECONDS));
  }

  /**
   * The step (current, previous or next) whose code equals {@code code}, compared in constant time.
   *
   * @return empty when no step within the window matches, or the code is not 6 digits
   */
  public static OptionalLong matchingStep(String secret, String code, Instant now) {
    if (code == null) {
      return OptionalLong.empty();
    }
    String c = code.replace(" ", "").strip();
    if (!c.matches("[0-9]{6}")) {
      return OptionalLong.empty();
    }
    byte[] key = base32Decode(secret);
    long step = Math.floorDiv(now.getEpochSecond(), STEP_SECONDS);
    long found = -1;
    for (long s = step - 1; s <= step + 1; s++) {
      // no early exit: the same work whichever step matches
      if (MessageDigest.isEqual(code(key, s).getBytes(), c.getBytes())) {
        found = s;
      }
    }
    return found < 0 ? OptionalLong.empty() : OptionalLong.of(found);
  }

  static String code(byte[] key, long step) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(key, "HmacSHA1"));
      byte[] h = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
      int o = h[h.length - 1] & 0x0f;
      int bin = ((h[o] & 0x7f) << 24) | ((h[o + 1] & 0xff) << 16) | ((h[o + 2] & 0xff) << 8) | (h[o + 3] & 0xff);
      return String.format(Locale.ROOT, "%06d", bin % 1_000_000);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA1 is part of every JDK", e);
    }
  }

  static String base32(byte[] data) {
    StringBuilder sb = new StringBuilder();
    int buffer = 0;
    int bits = 0;
    for (byte b : data) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        sb.append(BASE32.charAt((buffer >> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    if (bits > 0) {
      sb.append(BASE32.charAt((buffer << (5 - bits)) & 31));
    }
    return sb.toString();
  }

  /** @throws IllegalArgumentException if {@code s} is not base32 */
  static byte[] base32Decode(String s) {
    String in = s.replace("=", "").replace(" ", "").toUpperCase(Locale.ROOT);
    ByteBuffer out = ByteBuffer.allocate(in.length() * 5 / 8);
    int buffer = 0;
    int bits = 0;
    for (int i = 0; i < in.length(); i++) {
      int v = BASE32.indexOf(in.charAt(i));
      if (v < 0) {
        throw new IllegalArgumentException("secret: not base32");
      }
      buffer = (buffer << 5) | v;
      bits += 5;
      if (bits >= 8) {
        out.put((byte) (buffer >> (bits - 8)));
        bits -= 8;
      }
    }
    return java.util.Arrays.copyOf(out.array(), out.position());
  }

  private static String enc(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }
}
