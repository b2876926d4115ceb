package dev.coffer.search;

import static dev.coffer.search.Fixtures.ALEX;
import static dev.coffer.search.Fixtures.DESK;
import static dev.coffer.search.Fixtures.message;
import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.archive.retention.Actor;
import dev.coffer.archive.retention.Disposition;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Disposed records leave the index, stay out after a rebuild, and do not stall the indexed prefix. */
class DisposedRecordsTest {
  @TempDir Path dir;


  @Test
  void disposedRecordsLeaveTheIndexAndARebuildDoesNotBringThemBack() throws IOException {
    Path data = dir.resolve("data");
    Instant old = Instant.parse("2019-01-10T10:00:00Z");
    try (Archive a = Archives.create(data, ArchiveOptions.defaults().withClock(Clock.fixed(old, ZoneOffset.UTC)))) {
      a.append(List.of(message("m1", DESK, ALEX, old, "pangolin futures"), message("m2", DESK, ALEX, old, "ibis options")));
    }
    try (Archive a = Archives.open(data, ArchiveOptions.defaults())) {
      a.append(List.of(message("m3", DESK, ALEX, Instant.now(), "pangolin again today")));
    }
    try (IndexedArchive ia = IndexedArchive.open(data, ArchiveOptions.defaults(), IndexedArchive.CatchUpProgress.SILENT)) {
      assertThat(ia.index().search(SearchRequest.of("pangolin")).totalHits()).isEqualTo(2);
      Disposition.run(ia.archive(), new Actor("os:test", null, "admin"), "retention ended", Disposition.HoldQueries.NONE);
      ia.index().refresh();
      assertThat(ia.index().search(SearchRequest.of("pangolin")).hits()).extracting(Hit::id).containsExactly("m3");
      assertThat(ia.index().search(SearchRequest.of("ibis")).totalHits()).isZero();
    }
    try (Archive a = Archives.open(data, ArchiveOptions.defaults())) {
      SearchIndex.rebuild(IndexedArchive.indexDir(data), a, n -> { });
    }
    try (Archive a = Archives.open(data, ArchiveOptions.defaults());
        SearchIndex index = SearchIndex.open(IndexedArchive.indexDir(data), SearchOptions.defaults(), a.encryption())) {
      // the tombstones' serials count as covered: a reopen does not re-read everything after them
      assertThat(index.indexedThrough()).isEqualTo(a.size());
      assertThat(index.search(SearchRequest.of("pangolin")).hits()).extracting(Hit::id).containsExactly("m3");
      assertThat(index.search(SearchRequest.of("ibis")).totalHits()).isZero();
    }
  }
}
