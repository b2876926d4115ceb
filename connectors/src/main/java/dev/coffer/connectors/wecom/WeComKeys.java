package dev.coffer.connectors.wecom;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;

/**
 * The firm's RSA private keys for the conversation archive, by {@code publickey_ver}.
 *
 * <p>Every time the firm uploads a new public key in the admin console (管理工具 → 会话内容存档),
 * WeCom numbers it (1, 2, 3, …) and encrypts new messages' random keys to it; messages archived
 * earlier stay encrypted to the version in force then. So every old private key must be kept:
 * this holds all of them, and {@link #decryptRandomKey} picks the one a page item names.
 *
 * <p>Key files are PEM, PKCS#1 ({@code RSA PRIVATE KEY}) or PKCS#8 ({@code PRIVATE KEY}), not
 * password-protected. {@link #fromDirectory} reads files named {@code <version>.pem} (e.g.
 * {@code 3.pem}) or {@code key-<version>.pem}. Keys are never logged or printed; {@link #toString()}
 * names only the versions.
 */
public final class WeComKeys {
  private static final Pattern FILE = Pattern.compile("(?:key-?|v)?(\\d{1,6})\\.pem");
  private static final Pattern PEM = Pattern.compile(
      "-----BEGIN ([A-Z ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");

  private final Map<Integer, PrivateKey> keys;

  private WeComKeys(Map<Integer, PrivateKey> keys) {
    this.keys = Collections.unmodifiableMap(new TreeMap<>(keys));
  }

  /** No keys: every encrypted item is kept encrypted with a diagnostic. */
  public static WeComKeys none() {
    return new WeComKeys(Map.of());
  }

  /** The given keys by version. */
  public static WeComKeys of(Map<Integer, PrivateKey> keys) {
    Objects.requireNonNull(keys, "keys");
    return new WeComKeys(keys);
  }

  /**
   * Reads every {@code <version>.pem} (or {@code key-<version>.pem}) in {@code dir}.
   *
   * @throws IllegalArgumentException naming the file when one is not a usable RSA private key, or
   *     when the directory holds no key file
   */
  public static WeComKeys fromDirectory(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("WeCom key directory " + dir + " is not a directory");
    }
    Map<Integer, PrivateKey> keys = new TreeMap<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        Matcher m = FILE.matcher(f.getFileName().toString());
        if (m.matches() && Files.isRegularFile(f)) {
          keys.put(Integer.parseInt(m.group(1)), readPem(f));
        }
      }
    }
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("WeCom key directory " + dir
          + " holds no key file named <publickey_ver>.pem (e.g. 1.pem, 2.pem)");
    }
    return new WeComKeys(keys);
  }

  /** Adds (or replaces) one version's key from a PEM file. */
  public WeComKeys with(int version, Path pemFile) throws IOException {
    Map<Integer, PrivateKey> more = new TreeMap<>(keys);
    more.put(version, readPem(pemFile));
    return new WeComKeys(more);
  }

  /** The versions held, ascending. */
  public java.util.Set<Integer> versions() {
    return keys.keySet();
  }

  /** Why a random key could not be recovered (no key for the version, or the key does not fit). */
  public static final class KeyException extends Exception {
    private static final long serialVersionUID = 1L;

    KeyException(String message) {
      super(message);
    }
  }

  /**
   * Recovers the random key of one page item: Base64-decode, then RSA/ECB/PKCS1Padding with the
   * private key of {@code version}.
   *
   * @throws KeyException with a message an operator can act on (which versions are held, or that
   *     the key of that version does not match)
   */
  public String decryptRandomKey(int version, String encryptRandomKey) throws KeyException {
    PrivateKey key = keys.get(version);
    if (key == null) {
      throw new KeyException("no private key for publickey_ver " + version + " (held: "
          + (keys.isEmpty() ? "none" : keys.keySet()) + "); add " + version
          + ".pem to the key directory — old key versions must be kept");
    }
    byte[] cipherText;
    try {
      cipherText = Base64.getMimeDecoder().decode(encryptRandomKey);
    } catch (IllegalArgumentException e) {
      throw new KeyException("encrypt_random_key is not Base64");
    }
    try {
      Cipher rsa = Cipher.getInstance("RSA/ECB/PKCS1Padding");
      rsa.init(Cipher.DECRYPT_MODE, key);
      return new String(rsa.doFinal(cipherText), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new KeyException("the private key of publickey_ver " + version
          + " does not decrypt encrypt_random_key (" + e.getClass().getSimpleName()
          + "): is the file for that version the key whose public half was uploaded?");
    }
  }

  @Override
  public String toString() {
    return "WeComKeys" + keys.keySet();
  }

  static PrivateKey readPem(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    Matcher m = PEM.matcher(text);
    if (!m.find()) {
      throw new IllegalArgumentException("WeCom key file " + file + " holds no PEM block");
    }
    String label = m.group(1);
    byte[] der = Base64.getMimeDecoder().decode(m.group(2));
    byte[] pkcs8 = switch (label) {
      case "PRIVATE KEY" -> der;
      case "RSA PRIVATE KEY" -> pkcs1ToPkcs8(der);
      default -> throw new IllegalArgumentException("WeCom key file " + file + " holds a '" + label
          + "' block; an unencrypted RSA private key (PKCS#1 or PKCS#8) is needed");
    };
    try {
      return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("WeCom key file " + file + " is not a readable RSA private key", e);
    }
  }

  /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo, which the JDK reads. */
  static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
    byte[] version = {0x02, 0x01, 0x00};
    byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7,
        0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    byte[] octets = der(0x04, pkcs1);
    byte[] body = new byte[version.length + algorithm.length + octets.length];
    System.arraycopy(version, 0, body, 0, version.length);
    System.arraycopy(algorithm, 0, body, version.length, algorithm.length);
    System.arraycopy(octets, 0, body, version.length + algorithm.length, octets.length);
    return der(0x30, body);
  }

  private static byte[] der(int tag, byte[] content) {
    int n = content.length;
    byte[] length;
    if (n < 0x80) {
      length = new byte[] {(byte) n};
    } else if (n < 0x100) {
      length = new byte[] {(byte) 0x81, (byte) n};
    } else if (n < 0x10000) {
      length = new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
    } else {
      length = new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
    }
    byte[] out = new byte[1 + length.length + n];
    out[0] = (byte) tag;
    System.arraycopy(length, 0, out, 1, length.length);
    System.arraycopy(content, 0, out, 1 + length.length, n);
    return out;
  }
}
