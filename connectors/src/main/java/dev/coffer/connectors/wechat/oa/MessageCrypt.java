package dev.coffer.connectors.wechat.oa;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * WeChat's message encryption (the WXBizMsgCrypt construction), shared by Official Account and WeCom
 * callbacks.
 *
 * <pre>
 * aes_key    = Base64Decode(EncodingAESKey + "=")                  ; 32 bytes
 * iv         = aes_key[0..16)
 * plaintext  = random(16) || uint32_be(len(msg)) || msg || receive_id   ; appid or CorpID
 * padded     = plaintext || n * byte(n), n = 32 - len(plaintext) mod 32 ; n in 1..32 (block size 32!)
 * Encrypt    = Base64(AES-256-CBC-NoPadding(aes_key, iv, padded))
 * signature  = hex(SHA1(concat(sort(parts))))                       ; parts: token, timestamp, nonce[, Encrypt]
 * </pre>
 *
 * Why the padding is done here: the JCE's PKCS5Padding pads to 16 bytes, and WeChat pads to 32.
 */
final class MessageCrypt {
  private static final HexFormat HEX = HexFormat.of();
  private static final int BLOCK = 32;

  private final byte[] key;

  MessageCrypt(byte[] aesKey) {
    if (aesKey.length != 32) {
      throw new IllegalArgumentException("the AES key must be 32 bytes");
    }
    this.key = aesKey.clone();
  }

  /** The decrypted parts of an Encrypt text. */
  record Plain(byte[] random, byte[] message, String receiveId) {}

  /** Why an Encrypt text could not be decrypted (the signature was already good). */
  static final class CryptException extends Exception {
    private static final long serialVersionUID = 1L;

    CryptException(String message) {
      super(message);
    }
  }

  /** hex(SHA1(concat(sorted parts))): the {@code signature} and {@code msg_signature} of WeChat. */
  static String signature(String... parts) {
    String[] sorted = parts.clone();
    Arrays.sort(sorted);
    MessageDigest sha1;
    try {
      sha1 = MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-1", e);
    }
    for (String p : sorted) {
      sha1.update(p.getBytes(StandardCharsets.UTF_8));
    }
    return HEX.formatHex(sha1.digest());
  }

  /** Compares a received signature with the expected one in constant time (case-insensitive hex). */
  static boolean signatureMatches(String received, String expected) {
    if (received == null) {
      return false;
    }
    byte[] a = received.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
    byte[] b = expected.getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(a, b);
  }

  /** Encrypts with a fresh random prefix. */
  String encrypt(byte[] message, String receiveId) {
    byte[] random = new byte[16];
    new SecureRandom().nextBytes(random);
    // WeChat's own samples use 16 printable characters; any 16 bytes are valid.
    return encrypt(random, message, receiveId);
  }

  /** Encrypts with the given 16-byte random prefix (tests use the published deterministic vectors). */
  String encrypt(byte[] random, byte[] message, String receiveId) {
    if (random.length != 16) {
      throw new IllegalArgumentException("the random prefix must be 16 bytes");
    }
    byte[] id = receiveId.getBytes(StandardCharsets.UTF_8);
    int plainLength = 16 + 4 + message.length + id.length;
    int pad = BLOCK - plainLength % BLOCK;
    ByteBuffer buf = ByteBuffer.allocate(plainLength + pad);
    buf.put(random).putInt(message.length).put(message).put(id);
    for (int i = 0; i < pad; i++) {
      buf.put((byte) pad);
    }
    try {
      Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"),
          new IvParameterSpec(Arrays.copyOfRange(key, 0, 16)));
      return Base64.getEncoder().encodeToString(c.doFinal(buf.array()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-CBC is not available in this JDK", e);
    }
  }

  /** Decrypts an Encrypt text; the caller checks {@link Plain#receiveId()}. */
  Plain decrypt(String encrypt) throws CryptException {
    byte[] cipherText;
    try {
      cipherText = Base64.getMimeDecoder().decode(encrypt.strip());
    } catch (IllegalArgumentException e) {
      throw new CryptException("the Encrypt text is not Base64");
    }
    if (cipherText.length == 0 || cipherText.length % 16 != 0) {
      throw new CryptException("the Encrypt text is " + cipherText.length
          + " bytes, not a whole number of AES blocks");
    }
    byte[] padded;
    try {
      Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
      c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"),
          new IvParameterSpec(Arrays.copyOfRange(key, 0, 16)));
      padded = c.doFinal(cipherText);
    } catch (GeneralSecurityException e) {
      throw new CryptException("AES decryption failed: " + e.getClass().getSimpleName());
    }
    int pad = padded[padded.length - 1] & 0xFF;
    if (pad < 1 || pad > BLOCK || pad > padded.length) {
      throw new CryptException("the padding byte is " + pad
          + ", not 1-32: the EncodingAESKey is probably not this account's");
    }
    for (int i = padded.length - pad; i < padded.length; i++) {
      if ((padded[i] & 0xFF) != pad) {
        throw new CryptException("the padding is not PKCS#7: the EncodingAESKey is probably not this account's");
      }
    }
    int plainLength = padded.length - pad;
    if (plainLength < 20) {
      throw new CryptException("the decrypted text is too short (" + plainLength + " bytes)");
    }
    int length = ByteBuffer.wrap(padded, 16, 4).getInt();
    if (length < 0 || length > plainLength - 20) {
      throw new CryptException("the message length field (" + length + ") does not fit the "
          + plainLength + " decrypted bytes: the EncodingAESKey is probably not this account's");
    }
    byte[] random = Arrays.copyOfRange(padded, 0, 16);
    byte[] message = Arrays.copyOfRange(padded, 20, 20 + length);
    String receiveId = new String(padded, 20 + length, plainLength - 20 - length, StandardCharsets.UTF_8);
    return new Plain(random, message, receiveId);
  }
}
