package dev.coffer.connectors.wecom;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The highest {@code seq} whose records are durable, kept in one small file.
 *
 * <p>Format: {@code seq=<decimal>\n}. Written by a temporary file, fsync, atomic rename and a
 * directory fsync, so after a crash the file holds either the old or the new value, never a torn
 * one. Written only after {@code Archive.append} has returned for every record up to that seq,
 * so it never runs ahead of the archive; it may lag (a crash between the append and the write),
 * and then a re-run finds those records already archived by id.
 */
final class SeqCursor {
  private final Path file;

  SeqCursor(Path file) {
    this.file = file;
  }

  Path file() {
    return file;
  }

  /** The stored seq, or 0 (GetChatData's "from the oldest retained message") when none. */
  long read() throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
    if (!text.startsWith("seq=")) {
      throw new IOException("the WeCom cursor " + file + " is not 'seq=<number>'");
    }
    try {
      long seq = Long.parseLong(text.substring(4));
      if (seq < 0) {
        throw new NumberFormatException();
      }
      return seq;
    } catch (NumberFormatException e) {
      throw new IOException("the WeCom cursor " + file + " is not 'seq=<number>'", e);
    }
  }

  void write(long seq) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve(file.getFileName() + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(("seq=" + seq + "\n").getBytes(StandardCharsets.US_ASCII)));
      ch.force(true);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Some file systems cannot fsync a directory; the rename is still atomic there.
    }
  }
}
