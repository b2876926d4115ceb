package dev.coffer.search;

import static dev.coffer.search.Fixtures.ALEX;
import static dev.coffer.search.Fixtures.ANNA;
import static dev.coffer.search.Fixtures.BEA;
import static dev.coffer.search.Fixtures.DESK;
import static dev.coffer.search.Fixtures.SOURCE;
import static dev.coffer.search.Fixtures.T0;
import static dev.coffer.search.Fixtures.WEI;
import static dev.coffer.search.Fixtures.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.model.Party;
import dev.coffer.model.Record;
import dev.coffer.model.Unparsed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The index fed by the real archive: listener, catch-up, rebuild. */
class ArchiveEndToEndTest {
  @TempDir Path dir;

  static List<Record> records(int from, int count) {
    List<Record> out = new ArrayList<>();
    Party[] senders = {ALEX, BEA, WEI};
    String[] texts = {"quarterly numbers look good", "明天在北京见面", "call me (555) 123-4567",
        "deal done 👍🏽", "Réunion demain à Zürich"};
    for (int i = from; i < from + count; i++) {
      if (i % 17 == 0) {
        out.add(new Unparsed("u" + i, "whatsapp", DESK, null, null, null, "garbled line " + i, "no header", SOURCE));
      } else {
        out.add(message("m" + i, i % 3 == 0 ? ANNA : DESK, senders[i % 3],
            T0.plusSeconds(60L * (i % 50)), texts[i % texts.length] + " #" + i));
      }
    }
    return out;
  }

  static long containing(List<Record> records, String word) {
    return records.stream()
        .filter(r -> r instanceof dev.coffer.model.Message m && m.text().contains(word)).count();
  }

  @Test
  void recordsAppendedToTheArchiveAreSearchableWithinASecond() throws Exception {
    try (Archive archive = Archives.inMemory(ArchiveOptions.defaults());
        SearchIndex index = SearchIndex.open(dir.resolve("index"))) {
      archive.addCommitListener(index);
      index.catchUp(archive, n -> {});
      archive.append(List.of(message("live1", DESK, ALEX, T0, "breaking news from the desk")));
      long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
      long found = 0;
      while (found == 0 && System.nanoTime() < deadline) {
        found = index.search(SearchRequest.of("breaking")).totalHits();
        if (found == 0) {
          Thread.sleep(10);
        }
      }
      assertThat(found).as("searchable within 1 s of the durable append").isEqualTo(1);
      // a re-delivered record is a duplicate in the archive and nothing new in the index
      archive.append(List.of(message("live1", DESK, ALEX, T0, "breaking news from the desk")));
      index.refresh();
      assertThat(index.search(SearchRequest.of("breaking")).totalHits()).isEqualTo(1);
    }
  }

  @Test
  void catchUpIndexesWhatTheArchiveHasAndOnlyWhatIsNew() throws IOException {
    Path data = dir.resolve("data");
    try (Archive archive = Archives.create(data, ArchiveOptions.defaults())) {
      archive.append(records(1, 300));
      try (SearchIndex index = open(data.resolve("index"), archive)) {
        AtomicLong progress = new AtomicLong();
        assertThat(index.catchUp(archive, progress::set)).isEqualTo(300);
        assertThat(progress.get()).isEqualTo(300);
        assertThat(index.indexedThrough()).isEqualTo(300);
        assertThat(index.search(SearchRequest.of("北京")).totalHits()).isEqualTo(containing(records(1, 300), "北京"));
      }
      // the index was closed while more records arrived
      archive.append(records(301, 50));
      try (SearchIndex index = open(data.resolve("index"), archive)) {
        assertThat(index.indexedThrough()).isEqualTo(300);
        assertThat(index.catchUp(archive, n -> {})).isEqualTo(50);
        assertThat(index.indexedThrough()).isEqualTo(350);
        assertThat(index.search(SearchRequest.builder().query("quarterly").limit(1).build()).totalHits())
            .isEqualTo(containing(records(1, 350), "quarterly"));
        assertThat(index.check()).isEmpty();
      }
      assertThat(SearchIndex.check(data.resolve("index"), archive.encryption())).isEmpty();
      // the index holds no plaintext: its files are encrypted under the archive's keys
      try (var files = Files.list(data.resolve("index"))) {
        for (Path f : files.toList()) {
          assertThat(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1)).as(f.toString())
              .doesNotContain("quarterly").doesNotContain("5551234567");
        }
      }
    }
  }

  @Test
  void rebuildFromTheArchiveEqualsTheIncrementallyFedIndex() throws IOException {
    Path data = dir.resolve("data");
    try (Archive archive = Archives.create(data, ArchiveOptions.defaults())) {
      try (SearchIndex live = open(data.resolve("index"), archive)) {
        archive.addCommitListener(live);
        live.catchUp(archive, n -> {});
        for (int batch = 0; batch < 10; batch++) {
          archive.append(records(1 + batch * 40, 40));
        }
        archive.append(records(1, 40)); // all duplicates
      }
      Path rebuilt = dir.resolve("rebuilt");
      Files.createDirectories(rebuilt);
      Files.writeString(rebuilt.resolve("stale-file"), "old index leftovers");
      AtomicLong progress = new AtomicLong();
      assertThat(SearchIndex.rebuild(rebuilt, archive, progress::set)).isEqualTo(400);
      assertThat(progress.get()).isEqualTo(400);
      assertThat(rebuilt.resolve("stale-file")).doesNotExist();
      try (SearchIndex a = open(data.resolve("index"), archive); SearchIndex b = open(rebuilt, archive)) {
        assertThat(a.indexedThrough()).isEqualTo(b.indexedThrough()).isEqualTo(400);
        assertThat(a.conversations()).isEqualTo(b.conversations());
        assertThat(a.conversationSerials("c-desk", null, 1000)).isEqualTo(b.conversationSerials("c-desk", null, 1000));
        for (String q : List.of("北京", "+1 555 123 4567", "👍", "zurich", "garbled", "")) {
          SearchRequest r = SearchRequest.builder().query(q).sort(SearchRequest.Sort.OLDEST).limit(1000).build();
          assertThat(a.search(r)).as(q).isEqualTo(b.search(r));
        }
      }
    }
  }

  @Test
  void anIndexOfAnotherArchiveIsRefused() throws IOException {
    try (Archive first = Archives.inMemory(ArchiveOptions.defaults());
        Archive second = Archives.inMemory(ArchiveOptions.defaults())) {
      first.append(records(1, 5));
      second.append(records(1, 5));
      try (SearchIndex index = SearchIndex.open(dir.resolve("index"))) {
        index.catchUp(first, n -> {});
      }
      try (SearchIndex index = SearchIndex.open(dir.resolve("index"))) {
        assertThatThrownBy(() -> index.catchUp(second, n -> {}))
            .isInstanceOf(StaleIndexException.class).hasMessageContaining("rebuild");
      }
      SearchIndex.rebuild(dir.resolve("index"), second, n -> {}); // rebuilt under the archive's keys
      try (SearchIndex index = open(dir.resolve("index"), second)) {
        assertThat(index.catchUp(second, n -> {})).isZero();
      }
    }
  }

  @Test
  void anEncryptedIndexOfAnotherArchiveCannotBeOpenedAndIsRebuilt() throws IOException {
    try (Archive first = Archives.inMemory(ArchiveOptions.defaults());
        Archive second = Archives.inMemory(ArchiveOptions.defaults())) {
      first.append(records(1, 5));
      second.append(records(1, 5));
      try (SearchIndex index = open(dir.resolve("index"), first)) {
        index.catchUp(first, n -> {});
      }
      assertThatThrownBy(() -> open(dir.resolve("index"), second)).isInstanceOf(StaleIndexException.class)
          .hasMessageContaining("cannot be read with this archive's keys");
      SearchIndex.rebuild(dir.resolve("index"), second, n -> {});
      try (SearchIndex index = open(dir.resolve("index"), second)) {
        assertThat(index.catchUp(second, n -> {})).isZero();
        assertThat(index.search(SearchRequest.of("北京")).totalHits()).isEqualTo(containing(records(1, 5), "北京"));
      }
    }
  }

  /** The index of an archive, encrypted under its keys (as the CLI opens it). */
  static SearchIndex open(Path indexDir, Archive archive) throws IOException {
    return SearchIndex.open(indexDir, SearchOptions.defaults(), archive.encryption());
  }
}
