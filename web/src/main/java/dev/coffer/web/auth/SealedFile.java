package dev.coffer.web.auth;

import dev.coffer.archive.crypto.Encryption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * One small file of the web app's state in the data directory (users, sign-in lockouts), sealed with
 * the archive's keys ({@link Encryption#sealFile}) when the archive is encrypted, owner-only
 * ({@code 0600}) always, and replaced atomically: the new version is written to a temporary file
 * beside it, forced to disk and renamed over the old one, so a crash leaves the old or the new file,
 * never half of one.
 */
public final class SealedFile {
  private final Path file;
  private final Encryption encryption;
  private final String name;

  /**
   * @param file where it lives
   * @param encryption the archive's ({@link Encryption#none()} for an archive without encryption)
   * @param name what it is, authenticated with the content (a sealed file renamed to another's
   *     place does not open)
   */
  public SealedFile(Path file, Encryption encryption, String name) {
    this.file = file;
    this.encryption = encryption;
    this.name = name;
  }

  public Path path() {
    return file;
  }

  /** True when the archive is encrypted, so this file is sealed. */
  public boolean sealed() {
    return encryption.enabled();
  }

  /** The plaintext, or null when the file does not exist. Tightens looser permissions. */
  public byte[] read() throws IOException {
    if (!Files.exists(file)) {
      return null;
    }
    restrict(file);
    byte[] bytes = Files.readAllBytes(file);
    if (encryption.enabled() && !Encryption.looksSealed(bytes)) {
      throw new IOException(file + " is not sealed with the archive's keys (an unencrypted copy put in its place?)");
    }
    return encryption.openFile(name, bytes);
  }

  /** Seals {@code plain} and replaces the file with it, durably. */
  public void write(byte[] plain) throws IOException {
    byte[] bytes = encryption.sealFile(name, plain);
    if (!Files.isDirectory(file.getParent())) {
      Files.createDirectories(file.getParent(),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cannot replace " + file + " atomically", e);
    }
    syncDirectory(file.getParent());
  }

  static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some file systems cannot open a directory for sync; the rename itself is atomic.
    }
  }

  static void restrict(Path f) throws IOException {
    try {
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: nothing to tighten
    }
  }
}
