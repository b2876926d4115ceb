package dev.coffer.archive.keys;

import dev.coffer.archive.store.CorruptObjectException;
import dev.coffer.model.Digests;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * The archive's Ed25519 checkpoint-signing key pair, and the one place key files are written and read.
 *
 * <p>Files in the archive's {@code keys/} directory, each a PEM text written exactly as
 * {@link #pem} renders it (64-character base64 lines, LF line ends), so that reading can require the
 * file to be byte-identical to the re-rendered key and any changed byte is found:
 * <ul>
 *   <li>{@value #PUBLIC_FILE}: {@code -----BEGIN PUBLIC KEY-----}, X.509 SubjectPublicKeyInfo DER;
 *   <li>{@value #PRIVATE_FILE}: a PEM block of type {@code PRIVATE KEY} holding PKCS#8 DER; permissions 0600.
 * </ul>
 * Reading checks that the private key signs what the public key verifies. Issue 3 adds the data
 * encryption keys here.
 */
public final class SigningKeys {
  public static final String PUBLIC_FILE = "checkpoint-signing.pub";
  public static final String PRIVATE_FILE = "checkpoint-signing.key";
  private static final String ALGORITHM = "Ed25519";

  private final PublicKey publicKey;
  private final PrivateKey privateKey;
  /** The private key's 32-byte seed (RFC 8032), and the public key derived from it, for signing. */
  private final byte[] seed;
  private final byte[] derivedPublic;

  private SigningKeys(PublicKey publicKey, PrivateKey privateKey) {
    this.publicKey = publicKey;
    this.privateKey = privateKey;
    this.seed = ((EdECPrivateKey) privateKey).getBytes()
        .orElseThrow(() -> new IllegalStateException("the Ed25519 private key does not expose its seed"));
    if (seed.length != Ed25519.SECRET_KEY_SIZE) {
      throw new IllegalStateException("an Ed25519 seed of " + seed.length + " bytes");
    }
    this.derivedPublic = new byte[Ed25519.PUBLIC_KEY_SIZE];
    Ed25519.generatePublicKey(seed, 0, derivedPublic, 0);
  }

  /** A new random key pair. */
  public static SigningKeys generate() {
    try {
      KeyPair pair = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
      return new SigningKeys(pair.getPublic(), pair.getPrivate());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no Ed25519", e);
    }
  }

  /** The public key. */
  public PublicKey publicKey() {
    return publicKey;
  }

  /** SHA-256 (hex) of the public key's X.509 encoding: the key's fingerprint, kept in the manifest. */
  public String fingerprint() {
    return fingerprint(publicKey);
  }

  /** SHA-256 (hex) of a public key's X.509 encoding. */
  public static String fingerprint(PublicKey key) {
    return Digests.sha256Hex(key.getEncoded());
  }

  /**
   * Ed25519 signature of {@code message} (64 bytes). Ed25519 signatures are deterministic (RFC 8032):
   * the bytes are the JDK provider's for the same key and message, and {@link #verify} (the JDK's) is
   * what checks them. Signed with Bouncy Castle's RFC 8032 code rather than the JDK's provider, which
   * took about ten times as long per signature (one per group commit, on the commit's critical path;
   * BENCHMARKS.md "Webhook capture (session 6)").
   */
  public byte[] sign(byte[] message) {
    byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
    Ed25519.sign(seed, 0, derivedPublic, 0, message, 0, message.length, signature, 0);
    return signature;
  }

  /** True if {@code signature} is {@code key}'s Ed25519 signature of {@code message}. */
  public static boolean verify(PublicKey key, byte[] message, byte[] signature) {
    try {
      Signature s = Signature.getInstance(ALGORITHM);
      s.initVerify(key);
      s.update(message);
      return s.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Writes both files into {@code dir} (created if needed); never overwrites. The private key file is
   * created with permissions 0600 before any byte is written to it.
   *
   * @throws FileAlreadyExistsException if either file exists
   */
  public void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    writeNew(dir.resolve(PUBLIC_FILE), pem("PUBLIC KEY", publicKey.getEncoded()), false);
    writeNew(dir.resolve(PRIVATE_FILE), pem("PRIVATE KEY", privateKey.getEncoded()), true);
    syncDirectory(dir);
  }

  private static void writeNew(Path file, byte[] bytes, boolean secret) throws IOException {
    boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
    FileChannel ch = posix && secret
        ? FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
            PosixFilePermissions.asFileAttribute(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)))
        : FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try (ch) {
      ch.write(java.nio.ByteBuffer.wrap(bytes));
      ch.force(true);
    }
    if (posix && secret) {
      // The umask can narrow the create mode but never widen it; set it exactly anyway.
      Files.setPosixFilePermissions(file, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
    }
  }

  private static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      if (!System.getProperty("os.name", "").startsWith("Windows")) {
        throw e;
      }
    }
  }

  /**
   * Reads and checks the key pair in {@code dir}.
   *
   * @throws CorruptObjectException naming the file if a file is not exactly a key as written, or the
   *     private key does not belong to the public key
   */
  public static SigningKeys read(Path dir) throws IOException {
    PublicKey pub = readPublic(dir);
    Path file = dir.resolve(PRIVATE_FILE);
    byte[] der = parsePem(file, "PRIVATE KEY");
    PrivateKey priv;
    try {
      priv = KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new CorruptObjectException(file.toString(), "not an Ed25519 private key", e);
    }
    if (!Arrays.equals(priv.getEncoded(), der)) {
      throw new CorruptObjectException(file.toString(), "private key is not in the form Coffer writes", null, null);
    }
    SigningKeys keys = new SigningKeys(pub, priv);
    byte[] probe = "coffer key pair check".getBytes(StandardCharsets.UTF_8);
    if (!verify(pub, probe, keys.sign(probe))) {
      throw new CorruptObjectException(file.toString(), "private key does not match the public key " + PUBLIC_FILE,
          "the pair of " + fingerprint(pub), "another key");
    }
    return keys;
  }

  /**
   * Reads and checks the public key in {@code dir}.
   *
   * @throws CorruptObjectException naming the file if it is not exactly a public key as written
   */
  public static PublicKey readPublic(Path dir) throws IOException {
    Path file = dir.resolve(PUBLIC_FILE);
    byte[] der = parsePem(file, "PUBLIC KEY");
    PublicKey pub;
    try {
      pub = KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new CorruptObjectException(file.toString(), "not an Ed25519 public key", e);
    }
    if (!Arrays.equals(pub.getEncoded(), der)) {
      throw new CorruptObjectException(file.toString(), "public key is not in the form Coffer writes", null, null);
    }
    return pub;
  }

  private static byte[] parsePem(Path file, String label) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    String text = new String(bytes, StandardCharsets.US_ASCII);
    String begin = "-----BEGIN " + label + "-----\n";
    String end = "-----END " + label + "-----\n";
    if (!text.startsWith(begin) || !text.endsWith(end)) {
      throw new CorruptObjectException(file.toString(), "not a PEM " + label, begin.strip() + " ... " + end.strip(), "other text");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(text.substring(begin.length(), text.length() - end.length()));
    } catch (IllegalArgumentException e) {
      throw new CorruptObjectException(file.toString(), "PEM body is not base64", e);
    }
    // Byte-exact: any change to the file, even one the decoder would tolerate, is damage.
    if (!Arrays.equals(pem(label, der), bytes)) {
      throw new CorruptObjectException(file.toString(), "key file differs from its canonical PEM form", null, null);
    }
    return der;
  }

  /** The PEM text Coffer writes: header, base64 in 64-character lines, footer; LF line ends. */
  static byte[] pem(String label, byte[] der) {
    String b64 = Base64.getEncoder().encodeToString(der);
    StringBuilder s = new StringBuilder("-----BEGIN ").append(label).append("-----\n");
    for (int i = 0; i < b64.length(); i += 64) {
      s.append(b64, i, Math.min(b64.length(), i + 64)).append('\n');
    }
    s.append("-----END ").append(label).append("-----\n");
    return s.toString().getBytes(StandardCharsets.US_ASCII);
  }
}
