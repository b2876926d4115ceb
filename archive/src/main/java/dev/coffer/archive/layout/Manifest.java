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
 * manifest = "coffer-archive-manifest/1" LF
 *            "archive-id=" 32HEXLC LF
 *            "created=" epoch-millis LF
 *            "signing-key-sha256=" 64HEXLC LF        ; SHA-256 of the public key's X.509 DER
 *            "crc32c=" 8HEXLC LF                      ; CRC-32C of every preceding byte
 * </pre>
 * Reading requires the file to be byte-identical to the re-rendered manifest.
 *
 * @param archiveId random id of this archive (32 lowercase hex)
 * @param created creation time, epoch milliseconds UTC
 * @param signingKeyFingerprint SHA-256 hex of the checkpoint-signing public key
 */
public record Manifest(String archiveId, long created, String signingKeyFingerprint) {
  public static final String FIRST_LINE = "coffer-archive-manifest/1";

  public Manifest {
    Objects.requireNonNull(archiveId, "archiveId");
    Objects.requireNonNull(signingKeyFingerprint, "signingKeyFingerprint");
    if (!Ids.isValid(archiveId)) {
      throw new IllegalArgumentException("archive id must be 32 lowercase hex, got " + archiveId);
    }
  }

  /** The file's bytes. */
  public byte[] render() {
    String body = FIRST_LINE + "\narchive-id=" + archiveId + "\ncreated=" + created
        + "\nsigning-key-sha256=" + signingKeyFingerprint + "\n";
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
    if (lines.length != 6 || !lines[0].equals(FIRST_LINE) || !lines[5].isEmpty()) {
      throw new CorruptObjectException(name, "not a Coffer manifest", FIRST_LINE + " and 4 fields", lines.length - 1 + " lines");
    }
    Manifest m;
    try {
      m = new Manifest(field(lines[1], "archive-id="), Long.parseLong(field(lines[2], "created=")),
          field(lines[3], "signing-key-sha256="));
    } catch (IllegalArgumentException e) {
      throw new CorruptObjectException(name, "manifest field malformed", e);
    }
    byte[] expected = m.render();
    if (!java.util.Arrays.equals(expected, bytes)) {
      String want = new String(expected, StandardCharsets.UTF_8);
      String crcWant = want.substring(want.lastIndexOf("crc32c="));
      throw new CorruptObjectException(name, "manifest checksum or form mismatch", crcWant.strip(), lines[4]);
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
