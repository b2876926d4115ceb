package dev.coffer.archive.layout;

import dev.coffer.archive.store.CorruptObjectException;
import dev.coffer.archive.store.MirroredObjectStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Where an archive's redundant copy lives and when a write counts as done:
 * {@code <data>/mirror.conf}, absent when the archive has no mirror.
 *
 * <pre>
 * mirror-conf = "coffer-mirror/1" LF
 *               "location=" absolute-path LF      ; the mirror's directory (a data directory of its own)
 *               "policy=" ("both" / "primary") LF ; acknowledge after both copies, or after the primary
 * </pre>
 * Replaced atomically (temporary file, fsync, rename) by {@code coffer mirror add}.
 *
 * @param location the mirror's directory: absolute, outside the data directory
 * @param policy when a put is acknowledged
 */
public record MirrorConfig(Path location, MirroredObjectStore.Policy policy) {
  public static final String FILE = "mirror.conf";
  public static final String FIRST_LINE = "coffer-mirror/1";

  public MirrorConfig {
    Objects.requireNonNull(location, "mirror location");
    Objects.requireNonNull(policy, "mirror policy");
    if (!location.isAbsolute()) {
      throw new IllegalArgumentException("mirror location must be an absolute path, got " + location);
    }
    location = location.normalize();
  }

  /** Parses a policy name ({@code both} or {@code primary}), naming the field on error. */
  public static MirroredObjectStore.Policy policy(String name) {
    try {
      return MirroredObjectStore.Policy.valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("mirror policy must be 'both' or 'primary', got '" + name + "'");
    }
  }

  /** Refuses a mirror inside the data directory or the data directory inside the mirror: not independent. */
  public void checkIndependentOf(Path dataDir) {
    Path data = dataDir.toAbsolutePath().normalize();
    if (location.startsWith(data) || data.startsWith(location)) {
      throw new IllegalArgumentException("mirror location " + location + " must be outside the data directory " + data
          + " (and not contain it): a copy on the same tree is not independent");
    }
  }

  /** The file's text. */
  public String render() {
    return FIRST_LINE + "\nlocation=" + location + "\npolicy=" + policy.name().toLowerCase(Locale.ROOT) + "\n";
  }

  /** The archive's mirror configuration, if it has one. */
  public static Optional<MirrorConfig> read(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    String[] lines = Files.readString(file, StandardCharsets.UTF_8).split("\n", -1);
    if (lines.length != 4 || !lines[0].equals(FIRST_LINE) || !lines[1].startsWith("location=")
        || !lines[2].startsWith("policy=") || !lines[3].isEmpty()) {
      throw new CorruptObjectException(FILE, "not a mirror configuration", FIRST_LINE + ", location=…, policy=…",
          lines.length - 1 + " lines");
    }
    try {
      return Optional.of(new MirrorConfig(Path.of(lines[1].substring("location=".length())),
          policy(lines[2].substring("policy=".length()))));
    } catch (IllegalArgumentException e) {
      throw new CorruptObjectException(FILE, "mirror configuration field malformed: " + e.getMessage(), e);
    }
  }

  /** Writes (or replaces) {@code <dataDir>/mirror.conf} atomically. */
  public void write(Path dataDir) throws IOException {
    Path tmp = Files.createTempFile(dataDir, ".mirror-", ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(render().getBytes(StandardCharsets.UTF_8));
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Files.move(tmp, dataDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel dir = FileChannel.open(dataDir, StandardOpenOption.READ)) {
        dir.force(true);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
