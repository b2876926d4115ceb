package dev.coffer.server.directory;

import dev.coffer.archive.Archive;
import dev.coffer.model.Audit;
import dev.coffer.model.Digests;
import dev.coffer.model.Ids;
import dev.coffer.model.Party;
import dev.coffer.model.Source;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Keeps the directory in the archive, so phone numbers are never plaintext on disk outside it: each
 * imported version is an archive blob (encrypted at rest with the archive's blobs) and an {@code audit}
 * record ({@code directory-import}, naming the blob's digest) records who imported it and when. The
 * only thing outside the archive is a pointer to the latest version: {@code <data>/directory/current},
 * one line holding the blob's SHA-256 (a digest reveals nothing; an attacker who swaps it can only point
 * at another archived version, and the audit trail names the real latest). Imports hold the
 * directory's own lock ({@link DirectoryInbox#locked}), and the pointer is replaced atomically, so a
 * running server reading it sees the old version or the new one.
 */
public final class DirectoryStore {
  /** The audit action of an import. */
  public static final String IMPORT_ACTION = "directory-import";

  private DirectoryStore() {}

  /** The pointer file inside a data directory. */
  public static Path pointer(Path dataDir) {
    return dataDir.resolve("directory").resolve("current");
  }

  /**
   * Archives a directory as the latest version: blob, then audit record (both durable), then the
   * pointer (written atomically).
   *
   * @return the blob's digest
   */
  public static String importDirectory(Archive archive, Path dataDir, Directory directory, String actor,
      String host, String fileName) throws IOException {
    byte[] json = directory.toJson();
    String digest = archive.putBlob(json);
    Instant now = Instant.now();
    int handles = directory.employees().stream().mapToInt(e -> e.handles().size()).sum();
    String id = Ids.derive("coffer/audit", actor, now.toString(), IMPORT_ACTION, UUID.randomUUID().toString());
    Map<String, String> detail = new java.util.LinkedHashMap<>();
    detail.put("directory", digest);
    detail.put("employees", String.valueOf(directory.employees().size()));
    detail.put("handles", String.valueOf(handles));
    if (fileName != null) {
      detail.put("file", fileName);
    }
    archive.append(List.of(new Audit(id, "coffer", null, new Party(actor, null), now, null, IMPORT_ACTION, null,
        detail, host, new Source("coffer-cli", null, digest, null, null))));
    writePointer(dataDir, digest);
    return digest;
  }

  /** The latest imported directory, or the empty one if none was imported. */
  public static Directory load(Archive archive, Path dataDir) throws IOException {
    String digest = latestDigest(dataDir);
    if (digest == null) {
      return Directory.empty();
    }
    byte[] json;
    try (InputStream in = archive.openBlob(digest)) {
      json = in.readAllBytes();
    }
    if (!Digests.sha256Hex(json).equals(digest)) {
      throw new IOException("directory blob " + digest + " does not match its digest");
    }
    return Directory.fromStored(json);
  }

  /** The latest directory's blob digest, or null if none was imported. */
  public static String latestDigest(Path dataDir) throws IOException {
    try {
      String s = Files.readString(pointer(dataDir), StandardCharsets.US_ASCII).strip();
      if (!Digests.isSha256Hex(s)) {
        throw new IOException(pointer(dataDir) + " does not hold a SHA-256 digest");
      }
      return s;
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private static void writePointer(Path dataDir, String digest) throws IOException {
    Path target = pointer(dataDir);
    Files.createDirectories(target.getParent());
    writeAtomically(target, (digest + "\n").getBytes(StandardCharsets.US_ASCII));
  }

  /** Temporary file, fsync, atomic rename (replacing), directory fsync. */
  static void writeAtomically(Path target, byte[] bytes) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(java.nio.ByteBuffer.wrap(bytes));
      ch.force(true);
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException e) {
      // some file systems cannot fsync a directory; the rename itself is atomic
    }
  }
}
