package dev.coffer.archive.layout;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * The writer's lock on a data directory, {@code <data>/.lock}: one process at a time may open an archive
 * for writing. The lock is an OS file lock ({@link FileChannel#tryLock}, {@code fcntl} on Linux) held
 * from open to close, so the kernel drops it when the process dies, even by {@code kill -9}: a stale
 * lock file never blocks a restart.
 *
 * <p>The file's text says who holds it and whether the last holder closed cleanly:
 * <pre>
 * lock   = state " pid=" 1*DIGIT " host=" 1*VCHAR " since=" iso-instant LF
 * state  = "open" / "closed"
 * </pre>
 * A holder writes {@code open} when it takes the lock and {@code closed} when it closes. Finding
 * {@code open} in a lock that nobody holds means the last writer stopped without closing (a crash or
 * kill): {@link #uncleanShutdown()} is then true, and the archive records its recovery as an audit
 * record. The text is advice for people and recovery; the OS lock is what excludes.
 */
public final class ArchiveLock implements AutoCloseable {
  /** The lock file's name in the data directory. */
  public static final String FILE = ".lock";

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;
  private final boolean uncleanShutdown;
  private final String previous;

  private ArchiveLock(Path file, FileChannel channel, FileLock lock, String previous) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
    this.previous = previous;
    this.uncleanShutdown = previous.startsWith("open ");
  }

  /**
   * Takes the writer's lock on {@code dataDir}.
   *
   * @throws ArchiveInUseException if another process (or another open archive in this process) holds it
   * @throws IOException if the lock file cannot be created or written (e.g. a read-only directory)
   */
  public static ArchiveLock acquire(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE);
    FileChannel ch;
    try {
      ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new IOException("cannot open the archive's lock file " + file + " for writing (" + e + "); is the data "
          + "directory read-only?", e);
    }
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException e) {
      ch.close();
      throw e;
    }
    if (lock == null) {
      String holder = read(ch);
      ch.close();
      throw new ArchiveInUseException(dataDir, holder);
    }
    try {
      String previous = read(ch);
      write(ch, "open");
      return new ArchiveLock(file, ch, lock, previous);
    } catch (IOException | RuntimeException e) {
      lock.release();
      ch.close();
      throw e;
    }
  }

  /**
   * Who holds the writer's lock on {@code dataDir}, as the lock file says ("open pid=… host=… since=…"),
   * or null if nobody does. Takes and drops a shared lock to find out; changes nothing. A read-only
   * command (verify) calls this to know it is reading beside a running writer.
   */
  public static String writer(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      FileLock probe;
      try {
        probe = ch.tryLock(0, Long.MAX_VALUE, true);
      } catch (OverlappingFileLockException e) {
        probe = null; // this process holds it
      }
      if (probe != null) {
        probe.release();
        return null;
      }
      String holder = read(ch);
      return holder.isEmpty() ? "another process" : holder;
    }
  }

  /** True if the last writer did not close the archive (it crashed or was killed). */
  public boolean uncleanShutdown() {
    return uncleanShutdown;
  }

  /** What the lock file said before this process took it (empty for a new archive). */
  public String previousHolder() {
    return previous;
  }

  /** Marks a clean close and releases the lock. */
  @Override
  public void close() throws IOException {
    try {
      if (channel.isOpen()) {
        write(channel, "closed");
      }
    } finally {
      try {
        lock.release();
      } finally {
        channel.close();
      }
    }
  }

  /** Releases the lock without marking a clean close, as a crash would (for tests of recovery). */
  public void abandon() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }

  private static String read(FileChannel ch) throws IOException {
    long size = Math.min(ch.size(), 4096);
    ByteBuffer buf = ByteBuffer.allocate((int) size);
    while (buf.hasRemaining() && ch.read(buf, buf.position()) > 0) {
      // read fully
    }
    return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).strip();
  }

  private static void write(FileChannel ch, String state) throws IOException {
    String text = state + " pid=" + ProcessHandle.current().pid() + " host=" + host() + " since=" + Instant.now() + "\n";
    ch.truncate(0);
    ByteBuffer buf = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    long pos = 0;
    while (buf.hasRemaining()) {
      pos += ch.write(buf, pos);
    }
    ch.force(true);
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName().replace(' ', '_');
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  @Override
  public String toString() {
    return "ArchiveLock[" + file + "]";
  }
}
