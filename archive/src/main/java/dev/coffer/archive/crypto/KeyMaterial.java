package dev.coffer.archive.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Random bytes and HMAC-SHA256, the two primitives every key derivation here is built from. */
final class KeyMaterial {
  private static final SecureRandom RANDOM = new SecureRandom();

  private KeyMaterial() {}

  static byte[] random(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  static Mac hmac(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no HmacSHA256", e);
    }
  }

  /** HMAC-SHA256(key, label || data...): a 32-byte key derived for one purpose. */
  static byte[] derive(byte[] key, String label, byte[]... data) {
    Mac mac = hmac(key);
    mac.update(utf8(label));
    for (byte[] d : data) {
      mac.update(d);
    }
    return mac.doFinal();
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
