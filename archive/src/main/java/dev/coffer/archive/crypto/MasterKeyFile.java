package dev.coffer.archive.crypto;

import dev.coffer.archive.store.CorruptObjectException;
import dev.coffer.model.Digests;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;
import java.util.zip.CRC32C;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A master key held locally: 256 random bits, in a file created with permissions 0600 or given in the
 * environment. It wraps data keys with AES-256-GCM ({@code nonce:bytes[12] || ciphertext || tag}).
 *
 * <pre>
 * master-key-file = "coffer-master-key/1" LF
 *                   "id=" 16HEX LF                 ; the first 16 hex of the fingerprint
 *                   "created=" 1*DIGIT LF          ; epoch milliseconds UTC
 *                   "aes-256=" 44base64 LF         ; the 32 key bytes, standard base64
 *                   "crc32c=" 8HEX LF              ; CRC-32C of every preceding byte
 * fingerprint     = hex(SHA-256("coffer/master-key-id/1" || key bytes))
 * </pre>
 *
 * Reading requires the exact bytes {@link #render} writes and that the id is the key's. The file name
 * in an archive is {@code keys/master-<id>.key}. The id and fingerprint are one-way: showing them does
 * not reveal the key.
 */
public final class MasterKeyFile implements MasterKey {
  static final String FIRST_LINE = "coffer-master-key/1";
  static final String PREFIX = "master-";
  static final String SUFFIX = ".key";
  private static final int NONCE = 12;

  private final byte[] key;
  private final String id;
  private final String fingerprint;
  private final long created;
  private final String origin;

  private MasterKeyFile(byte[] key, long created, String origin) {
    if (key.length != 32) {
      throw new IllegalArgumentException("a master key is 32 bytes (AES-256), got " + key.length);
    }
    this.key = key.clone();
    this.fingerprint = fingerprintOf(key);
    this.id = fingerprint.substring(0, 16);
    this.created = created;
    this.origin = origin;
  }

  /** A new random master key. */
  public static MasterKeyFile generate(long createdMillis) {
    return new MasterKeyFile(KeyMaterial.random(32), createdMillis, "new");
  }

  /**
   * A master key given as the base64 of 32 bytes (the {@code COFFER_MASTER_KEY} form).
   *
   * @throws IllegalArgumentException naming {@code origin} if it is not that
   */
  public static MasterKeyFile fromBase64(String base64, String origin) {
    byte[] b;
    try {
      b = Base64.getDecoder().decode(base64.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(origin + " is not base64 (it must hold 32 random bytes in base64)");
    }
    if (b.length != 32) {
      throw new IllegalArgumentException(origin + " must hold 32 bytes (AES-256) in base64, got " + b.length + " bytes");
    }
    return new MasterKeyFile(b, -1, origin);
  }

  /** The file name of this key inside an archive's {@code keys/} directory. */
  public String fileName() {
    return PREFIX + id + SUFFIX;
  }

  /** True if {@code name} is a master key file name, {@code master-<16 hex>.key}. */
  public static boolean isKeyFileName(String name) {
    return name.startsWith(PREFIX) && name.endsWith(SUFFIX)
        && name.length() == PREFIX.length() + 16 + SUFFIX.length()
        && name.substring(PREFIX.length(), PREFIX.length() + 16).chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  }

  @Override
  public String id() {
    return id;
  }

  /** SHA-256 fingerprint (64 hex) identifying the key without revealing it. */
  public String fingerprint() {
    return fingerprint;
  }

  @Override
  public long created() {
    return created;
  }

  @Override
  public String origin() {
    return origin;
  }

  private static String fingerprintOf(byte[] key) {
    byte[] label = "coffer/master-key-id/1".getBytes(StandardCharsets.UTF_8);
    byte[] b = Arrays.copyOf(label, label.length + key.length);
    System.arraycopy(key, 0, b, label.length, key.length);
    return Digests.sha256Hex(b);
  }

  @Override
  public byte[] wrap(byte[] dataKey, byte[] aad) throws GeneralSecurityException {
    byte[] nonce = KeyMaterial.random(NONCE);
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
    c.updateAAD(aad);
    byte[] ct = c.doFinal(dataKey);
    return ByteBuffer.allocate(NONCE + ct.length).put(nonce).put(ct).array();
  }

  @Override
  public byte[] unwrap(byte[] wrapped, byte[] aad) throws GeneralSecurityException {
    if (wrapped.length < NONCE + 16) {
      throw new GeneralSecurityException("wrapped key too short");
    }
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, wrapped, 0, NONCE));
    c.updateAAD(aad);
    return c.doFinal(wrapped, NONCE, wrapped.length - NONCE);
  }

  /** The file's bytes. */
  byte[] render() {
    String body = FIRST_LINE + "\nid=" + id + "\ncreated=" + created + "\naes-256="
        + Base64.getEncoder().encodeToString(key) + "\n";
    byte[] b = body.getBytes(StandardCharsets.US_ASCII);
    CRC32C crc = new CRC32C();
    crc.update(b);
    return (body + "crc32c=" + HexFormat.of().toHexDigits((int) crc.getValue()) + "\n").getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Writes this key as a new file {@code file} (never overwrites), created with permissions 0600
   * before any byte is written, fsynced with its directory.
   */
  public void writeTo(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
    Set<PosixFilePermission> owner = Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    try (FileChannel ch = posix
        ? FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
            PosixFilePermissions.asFileAttribute(owner))
        : FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(render()));
      ch.force(true);
    }
    if (posix) {
      Files.setPosixFilePermissions(file, owner); // the umask can only narrow the create mode
    }
    KeyRing.syncDirectory(dir);
  }

  /**
   * Reads a master key file.
   *
   * @throws CorruptObjectException naming the file if it is not exactly a key file as written
   */
  public static MasterKeyFile read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    String name = file.toString();
    String[] lines = new String(bytes, StandardCharsets.US_ASCII).split("\n", -1);
    if (lines.length != 6 || !lines[0].equals(FIRST_LINE) || !lines[5].isEmpty()) {
      throw new CorruptObjectException(name, "not a Coffer master key file", FIRST_LINE + " and 4 fields",
          (lines.length - 1) + " lines");
    }
    MasterKeyFile k;
    try {
      long created = Long.parseLong(field(lines[2], "created="));
      k = new MasterKeyFile(Base64.getDecoder().decode(field(lines[3], "aes-256=")), created, name);
    } catch (IllegalArgumentException e) {
      throw new CorruptObjectException(name, "master key file field malformed", e);
    }
    if (!Arrays.equals(k.render(), bytes)) {
      throw new CorruptObjectException(name, "master key file checksum, id or form mismatch", "id " + k.id(), lines[1]);
    }
    return k;
  }

  private static String field(String line, String prefix) {
    if (!line.startsWith(prefix)) {
      throw new IllegalArgumentException("expected " + prefix + "…");
    }
    return line.substring(prefix.length());
  }

  @Override
  public String toString() {
    return "MasterKey[" + id + " from " + origin + "]"; // never the key
  }
}
