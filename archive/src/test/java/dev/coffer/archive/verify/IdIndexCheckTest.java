package dev.coffer.archive.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.archive.layout.ArchiveLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The id index check relies on Lucene's per-file checksums instead of a CheckIndex walk: a changed
 * byte anywhere in any file of the last commit must make the check fail and name a problem.
 */
class IdIndexCheckTest {
  @TempDir Path dir;

  @Test
  void aChangedByteAnywhereInACommittedIdIndexFileIsFound() throws IOException {
    Path data = VerifyTest.build(dir.resolve("data"));
    Path index = data.resolve(ArchiveLayout.ID_INDEX);
    List<String> problems = new ArrayList<>();
    IdIndexCheck.Sink sink = new IdIndexCheck.Sink() {
      @Override
      public void problem(String object, String what, String expected, String actual) {
        problems.add(object + ": " + what);
      }

      @Override
      public void advance(long bytes) {}
    };
    IdIndexCheck.Opened sound = IdIndexCheck.open(index, dev.coffer.archive.Archives.encryption(data, dev.coffer.archive.crypto.MasterKeySource.standard(data)), sink);
    assertThat(sound).isNotNull();
    sound.reader().close();
    assertThat(problems).isEmpty();

    List<Path> files;
    try (Stream<Path> s = Files.list(index)) {
      files = s.filter(p -> !p.getFileName().toString().equals("write.lock")).sorted().toList();
    }
    assertThat(files).hasSizeGreaterThan(1);
    int flips = 0;
    for (Path file : files) {
      byte[] original = Files.readAllBytes(file);
      // Every byte of each file's header and checksum footer, every third byte between (the whole
      // walk took half a minute; the CRC treats every body byte alike).
      for (int pos = 0; pos < original.length; pos += (pos < 64 || pos >= original.length - 32) ? 1 : 3) {
        byte[] damaged = original.clone();
        damaged[pos] ^= (byte) (1 + pos % 255);
        Files.write(file, damaged);
        problems.clear();
        IdIndexCheck.Opened opened = IdIndexCheck.open(index, dev.coffer.archive.Archives.encryption(data, dev.coffer.archive.crypto.MasterKeySource.standard(data)), sink);
        if (opened != null) {
          opened.reader().close();
        }
        assertThat(opened).as("%s byte %d", file.getFileName(), pos).isNull();
        assertThat(problems).as("%s byte %d", file.getFileName(), pos).isNotEmpty();
        flips++;
      }
      Files.write(file, original);
    }
    assertThat(flips).isGreaterThan(300);
  }
}
