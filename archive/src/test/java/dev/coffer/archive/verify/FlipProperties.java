package dev.coffer.archive.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Random single-byte damage anywhere in an archive's data directory is always found and named. */
class FlipProperties {
  static Path data;
  static List<Path> files;

  @BeforeContainer
  static void buildArchive() throws IOException {
    Path root = Files.createTempDirectory("coffer-flip-");
    data = VerifyTest.build(root.resolve("data"));
    files = VerifyTest.files(data);
  }

  @AfterContainer
  static void removeArchive() throws IOException {
    try (var walk = Files.walk(data.getParent())) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  @Property(tries = 150)
  void aRandomFlippedByteIsFoundAndNamed(@ForAll @IntRange(min = 0, max = 10_000) int fileChoice,
      @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double where, @ForAll @IntRange(min = 1, max = 255) int xor)
      throws IOException {
    Path file = files.get(fileChoice % files.size());
    long pos = (long) (where * Files.size(file));
    assertFlipFound(data, file, pos, xor);
  }

  /** Flips the byte at {@code pos} with {@code xor}, verifies, restores. */
  static void assertFlipFound(Path data, Path file, long pos, int xor) throws IOException {
    String name = VerifyTest.rel(data, file);
    byte original;
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(pos);
      original = raf.readByte();
      raf.seek(pos);
      raf.writeByte(original ^ xor);
    }
    try {
      VerifyReport r = Verifier.verify(data, VerifyListener.NONE);
      assertThat(r.ok()).as("flip at %s:%d not found", name, pos).isFalse();
      assertThat(r.problems()).as("flip at %s:%d: %s", name, pos, r.problems())
          .anyMatch(p -> p.object().equals(name));
    } finally {
      try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
        raf.seek(pos);
        raf.writeByte(original);
      }
    }
  }
}
