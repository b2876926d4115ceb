package dev.coffer.search;

import static dev.coffer.search.Fixtures.ALEX;
import static dev.coffer.search.Fixtures.DESK;
import static dev.coffer.search.Fixtures.T0;
import static dev.coffer.search.Fixtures.message;
import static dev.coffer.search.Fixtures.stored;
import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.archive.crypto.Encryption;
import dev.coffer.archive.crypto.KeyRing;
import dev.coffer.model.Record;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;

class IndexCheckTest {
  @TempDir Path dir;

  private Path build() throws IOException {
    return build(Encryption.none());
  }

  private Path build(Encryption encryption) throws IOException {
    Path path = dir.resolve("index");
    try (SearchIndex index = SearchIndex.open(path, SearchOptions.defaults(), encryption)) {
      List<Record> records = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        records.add(message("m" + i, DESK, ALEX, T0.plusSeconds(i), "message body number " + i + " 北京 😀"));
      }
      index.committed(stored(1, records));
      assertThat(index.check()).isEmpty();
    }
    return path;
  }

  @Test
  void aSoundIndexHasNoProblems() throws IOException {
    assertThat(SearchIndex.check(build(), Encryption.none())).isEmpty();
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({"false,true", "true,true", "false,false", "true,false"})
  void aFlippedByteInAnyIndexFileIsFound(boolean encrypted, boolean deep) throws IOException {
    Encryption encryption = encrypted
        ? Encryption.of(KeyRing.inMemory("0123456789abcdef0123456789abcdef", "test", 0))
        : Encryption.none();
    Path path = build(encryption);
    List<Path> files;
    try (Stream<Path> list = Files.list(path)) {
      files = list.filter(p -> !p.getFileName().toString().equals("write.lock"))
          .sorted(Comparator.comparing(Path::toString)).toList();
    }
    assertThat(files).isNotEmpty();
    for (Path file : files) {
      byte[] bytes = Files.readAllBytes(file);
      int at = bytes.length / 2;
      bytes[at] ^= 0x01;
      Files.write(file, bytes);
      assertThat(SearchIndex.check(path, encryption, deep)).as(file.getFileName().toString()).isNotEmpty();
      bytes[at] ^= 0x01;
      Files.write(file, bytes);
    }
    assertThat(SearchIndex.check(path, encryption, deep)).isEmpty();
  }

  @Test
  void theQuickCheckFindsAMissingFileOfTheCommitAndASoundIndexIsClean() throws IOException {
    Path path = build();
    assertThat(SearchIndex.check(path, Encryption.none(), false)).isEmpty();
    Path victim;
    try (Stream<Path> list = Files.list(path)) {
      victim = list.filter(p -> !p.getFileName().toString().equals("write.lock")
          && !p.getFileName().toString().startsWith("segments")).sorted().findFirst().orElseThrow();
    }
    Files.delete(victim);
    assertThat(SearchIndex.check(path, Encryption.none(), false)).singleElement().asString()
        .contains(victim.getFileName().toString());
  }

  @Test
  void theQuickCheckRefusesAnIndexAWriterHasOpen() throws IOException {
    Path path = build();
    try (SearchIndex open = SearchIndex.open(path, SearchOptions.defaults(), Encryption.none())) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> SearchIndex.check(path, Encryption.none(), false))
          .isInstanceOf(org.apache.lucene.store.LockObtainFailedException.class);
    }
  }

  @Test
  void aMissingIndexIsOneProblem() throws IOException {
    assertThat(SearchIndex.check(dir.resolve("none"), Encryption.none())).singleElement().asString().contains("no search index");
  }

  @Test
  void aFlippedCiphertextBitWithAForgedCrcIsFoundByTheMac() throws IOException {
    Encryption encryption = Encryption.of(KeyRing.inMemory("0123456789abcdef0123456789abcdef", "test", 0));
    Path path = build(encryption);
    Path largest;
    try (Stream<Path> list = Files.list(path)) {
      largest = list.filter(p -> !p.getFileName().toString().startsWith("segments")
          && !p.getFileName().toString().equals("write.lock")).max(Comparator.comparingLong(p -> p.toFile().length()))
          .orElseThrow();
    }
    byte[] b = Files.readAllBytes(largest);
    int header = 25;
    int logical = b.length - header - 32; // header, ciphertext, MAC trailer
    int covered = logical - 8;            // Lucene's footer checksum covers all but its own 8 bytes
    int position = covered / 2;
    byte[] delta = new byte[covered];
    delta[position] = 1;
    java.util.zip.CRC32 d = new java.util.zip.CRC32();
    d.update(delta);
    java.util.zip.CRC32 zero = new java.util.zip.CRC32();
    zero.update(new byte[covered]);
    int crcDelta = (int) (d.getValue() ^ zero.getValue());
    b[header + position] ^= 1;
    for (int i = 0; i < 4; i++) {
      b[header + logical - 4 + i] ^= (byte) (crcDelta >>> (24 - 8 * i));
    }
    Files.write(largest, b);
    assertThat(SearchIndex.check(path, encryption))
        .anyMatch(p -> p.startsWith(largest.getFileName().toString()) && p.contains("MAC mismatch"));
  }
}
