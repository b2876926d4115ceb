package dev.coffer.connectors.wecom;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A stand-in for Tencent's proprietary message cipher, so tests can build real encrypted pages:
 * the random key is RSA-encrypted exactly as WeCom does it (PKCS#1 v1.5), and the message is
 * AES-GCM under SHA-256(random key). It implements {@link WeComDecryptor} the way an adapter must.
 */
final class TestCipher implements WeComDecryptor {
  final Map<String, byte[]> media = new HashMap<>();
  int decryptCalls;

  static String rsaEncrypt(PublicKey key, String randomKey) throws GeneralSecurityException {
    Cipher rsa = Cipher.getInstance("RSA/ECB/PKCS1Padding");
    rsa.init(Cipher.ENCRYPT_MODE, key);
    return Base64.getEncoder().encodeToString(rsa.doFinal(randomKey.getBytes(StandardCharsets.US_ASCII)));
  }

  static String encrypt(String randomKey, String json) throws GeneralSecurityException {
    byte[] iv = new byte[12];
    new SecureRandom().nextBytes(iv);
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(Cipher.ENCRYPT_MODE, key(randomKey), new GCMParameterSpec(128, iv));
    byte[] ct = c.doFinal(json.getBytes(StandardCharsets.UTF_8));
    byte[] out = Arrays.copyOf(iv, 12 + ct.length);
    System.arraycopy(ct, 0, out, 12, ct.length);
    return Base64.getEncoder().encodeToString(out);
  }

  @Override
  public byte[] decrypt(String randomKey, String encryptChatMsg) throws WeComDecryptorException {
    decryptCalls++;
    try {
      byte[] in = Base64.getDecoder().decode(encryptChatMsg);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key(randomKey), new GCMParameterSpec(128, in, 0, 12));
      return c.doFinal(in, 12, in.length - 12);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new WeComDecryptorException("DecryptData returned 10001 (test cipher: " + e.getClass().getSimpleName() + ")");
    }
  }

  @Override
  public InputStream openMedia(String sdkFileId) throws WeComDecryptorException {
    byte[] bytes = media.get(sdkFileId);
    if (bytes == null) {
      throw new WeComDecryptorException("GetMediaData returned 10010 for an unknown sdkfileid");
    }
    return new ByteArrayInputStream(bytes);
  }

  private static SecretKeySpec key(String randomKey) throws GeneralSecurityException {
    return new SecretKeySpec(MessageDigest.getInstance("SHA-256")
        .digest(randomKey.getBytes(StandardCharsets.US_ASCII)), "AES");
  }
}
