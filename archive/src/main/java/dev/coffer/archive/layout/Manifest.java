package dev.coffer.archive.layout;

import dev.coffer.archive.store.CorruptObjectException;
import dev.coffer.model.Ids;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * The archive's manifest, {@code <data>/archive.manifest}: what makes a directory a Coffer archive.
 * Written once at creation; read on every open.
 *
 * <pre>
 * manifest = ("coffer-archive-manifest/1" / "coffer-archive-manifest/2") LF
 *            "archive-id=" 32HEXLC LF
 *            "created=" epoch-millis LF
 *            "signing-key-sha256=" 64HEXLC LF        ; SHA-256 of the public key's X.509 DER
 *            ["encryption=" scheme LF]                ; version 2 only: "aes-256-gcm/1"
 *            "crc32c=" 8HEXLC LF                      ; CRC-32C of every preceding byte
 * </pre>
 * Version 1 (no encryption line) is an archive created before encryption at rest: its scheme is
 * {@code none}. New archives write version 2. Reading requires the file to be byte-identical to the
 * re-rendered manifest.
 *
 * @param archiveId random id of this archive (32 lowercase hex)
 * @param created creation time, epoch milliseconds UTC
 * @param signingKeyFingerprint SHA-256 hex of the checkpoint-signing public key
 * @param encryption how the archive is encrypted at rest: {@code aes-256-gcm/1} or {@code none}
 */
public record Manifest(String archiveId, long created, String signingKeyFingerprint, String encryption) {
  public static final String FIRST_LINE = "coffer-archive-manifest/1";
  public static final String FIRST_LINE_V2 = "coffer-archive-manifest/2";
  /** The encryption value of a version-1 manifest. */
  public static final String NO_ENCRYPTION = "none";

  public Manifest {
    Objects.requireNonNull(archiveId, "archiveId");
    Objects.requireNonNull(signingKeyFingerprint, "signingKeyFingerprint");
    Objects.requireNonNull(encryption, "encryption");
    if (!Ids.isValid(archiveId)) {
      throw new IllegalArgumentException("archive id must be 32 lowercase hex, got " + archiveId);
    }
    if (encryption.isEmpty() || !encryption.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException("encryption scheme must be printable ASCII without spaces, got '" + encryption + "'");
    }
  }

  /** A manifest of an archive without encryption (version 1). */
  public Manifest(String archiveId, long created, String signingKeyFingerprint) {
    this(archiveId, created, signingKeyFingerprint, NO_ENCRYPTION);
  }

  /** The file's bytes. */
  public byte[] render() {
    boolean v1 = NO_ENCRYPTION.equals(encryption);
    String body = (v1 ? FIRST_LINE : FIRST_LINE_V2) + "\narchive-id=" + archiveId + "\ncreated=" + created
        + "\nsigning-key-sha256=" + signingKeyFingerprint + "\n" + (v1 ? "" : "encryption=" + encryption + "\n");
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    CRC32C crc = new CRC32C();
    crc.update(b);
    return (body + "crc32c=" + HexFormat.of().toHexDigits((int) crc.getValue()) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Writes the manifest as a new file (never overwrites), atomically: a temporary file is written and
   * fsynced, then linked to its name (which fails if the name exists), so a crash leaves either no
   * manifest or the whole one — never an empty or partial file, which would make the directory an
   * unreadable archive. The directory is fsynced after.
   */
  public void write(Path dataDir) throws IOException {
    Path file = dataDir.resolve(ArchiveLayout.MANIFEST);
    Path tmp = Files.createTempFile(dataDir, ".manifest-", ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(render());
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Files.createLink(file, tmp);
    } finally {
      Files.deleteIfExists(tmp);
    }
    try (FileChannel dir = FileChannel.open(dataDir, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException e) {
      if (!System.getProperty("os.name", "").startsWith("Windows")) {
        throw e;
      }
    }
  }

  /**
   * Reads and checks {@code <dataDir>/archive.manifest}.
   *
   * @throws java.nio.file.NoSuchFileException if there is none
   * @throws CorruptObjectException if it is not exactly a manifest as written
   */
  public static Manifest read(Path dataDir) throws IOException {
    Path file = dataDir.resolve(ArchiveLayout.MANIFEST);
    byte[] bytes = Files.readAllBytes(file);
    String text = new String(bytes, StandardCharsets.UTF_8);
    String[] lines = text.split("\n", -1);
    String name = ArchiveLayout.MANIFEST;
    boolean v2 = lines.length > 0 && lines[0].equals(FIRST_LINE_V2);
    int n = v2 ? 7 : 6;
    if (lines.length != n || !(v2 || lines[0].equals(FIRST_LINE)) || !lines[n - 1].isEmpty()) {
      throw new CorruptObjectException(name, "not a Coffer manifest", FIRST_LINE + " and 4 fields, or "
          + FIRST_LINE_V2 + " and 5", lines.length - 1 + " lines");
    }
    Manifest m;
    try {
      m = new Manifest(field(lines[1], "archive-id="), Long.parseLong(field(lines[2], "created=")),
          field(lines[3], "signing-key-sha256="), v2 ? field(lines[4], "encryption=") : NO_ENCRYPTION);
      if (v2 && NO_ENCRYPTION.equals(m.encryption())) {
        throw new IllegalArgumentException("a version-2 manifest names an encryption scheme");
      }
    } catch (IllegalArgumentException e) {
      throw new CorruptObjectException(name, "manifest field malformed", e);
    }
    byte[] expected = m.render();
    if (!java.util.Arrays.equals(expected, bytes)) {
      String want = new String(expected, StandardCharsets.UTF_8);
      String crcWant = want.substring(want.lastIndexOf("crc32c="));
      throw new CorruptObjectException(name, "manifest checksum or form mismatch", crcWant.strip(), lines[n - 2]);
    }
    return m;
  }

  private static String field(String line, String name) {
    if (!line.startsWith(name)) {
      throw new IllegalArgumentException("expected " + name + "…, found another line");
    }
    return line.substring(name.length());
  }
}
