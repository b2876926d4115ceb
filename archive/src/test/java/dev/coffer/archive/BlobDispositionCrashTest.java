package dev.coffer.archive;

import static dev.coffer.archive.RetentionFixtures.COMPLIANCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.archive.layout.ArchiveLayout;
import dev.coffer.archive.retention.Disposition;
import dev.coffer.archive.retention.RetentionLedger;
import dev.coffer.archive.store.ForwardingObjectStore;
import dev.coffer.archive.store.ObjectStore;
import dev.coffer.archive.verify.Verifier;
import dev.coffer.archive.verify.VerifyListener;
import dev.coffer.model.Ids;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Period;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A crash at each step between tombstoning records and deleting their blobs: after reopening, no live
 * record lacks a blob (verify is clean), and the next disposition run removes what is left.
 */
class BlobDispositionCrashTest {
  @TempDir Path dir;
  final MovableClock clock = new MovableClock(Instant.parse("2026-01-15T10:00:00Z"));

  enum Step {
    /** Rewriting the first segment with tombstones fails: no record is disposed yet. */
    TOMBSTONES,
    /** Archiving the disposition.blobs audit record fails: records disposed, every blob still there. */
    BLOB_AUDIT,
    /** The first blob delete fails. */
    FIRST_DELETE,
    /** The third blob delete fails: two are gone, the rest are not. */
    THIRD_DELETE
  }

  @ParameterizedTest
  @EnumSource(Step.class)
  void aCrashBetweenTombstonesAndBlobDeletesIsFinishedByTheNextRun(Step step) throws IOException {
    List<String> own = new ArrayList<>();
    String shared;
    try (Archive a = Archives.create(dir, ArchiveOptions.defaults().withClock(clock).withMaxCommitRecords(2))) {
      dev.coffer.archive.retention.Retention.of(a, COMPLIANCE).setPolicy(dev.coffer.archive.retention.RetentionPolicy.fromJson(
          "{\"rules\":[{\"conversation\":\"keep\",\"class\":\"books\",\"period\":\"P6Y\"}]}"), "desk keep is books");
      shared = a.putBlob("shared with a record that stays".getBytes(StandardCharsets.UTF_8));
      for (int i = 0; i < 5; i++) {
        String sha = a.putBlob(("attachment " + i).getBytes(StandardCharsets.UTF_8));
        own.add(sha);
        a.append(List.of(BlobDispositionTest.message("m" + i, "short", null, sha, shared)));
      }
      a.append(List.of(BlobDispositionTest.message("stays", "keep", null, shared)));
    }
    clock.advance(Period.ofYears(4));
    AtomicBoolean armed = new AtomicBoolean(true);
    Archive a = Archives.open(dir, ArchiveOptions.defaults().withClock(clock), s -> new Crashing(s, step, armed));
    assertThatThrownBy(() -> Disposition.run(a, COMPLIANCE, "past retention", Disposition.HoldQueries.NONE))
        .isInstanceOf(IOException.class);
    ((SegmentedArchive) a).crashForTest();

    int removedBefore = (int) own.stream().filter(sha -> !stored(sha)).count();
    assertThat(removedBefore).isEqualTo(step == Step.THIRD_DELETE ? 2 : 0);
    assertThat(stored(shared)).isTrue();
    // no live record lacks its blob; every tombstone is authorized
    assertThat(Verifier.verify(dir, VerifyListener.NONE).problems()).isEmpty();

    try (Archive b = Archives.open(dir, ArchiveOptions.defaults().withClock(clock))) {
      var report = Disposition.run(b, COMPLIANCE, "again", Disposition.HoldQueries.NONE);
      assertThat(report.blobs().removed()).hasSize(5 - removedBefore);
      for (int i = 0; i < 5; i++) {
        assertThat(b.get(Ids.derive("test/blob-message", "m" + i))).isEmpty();
      }
      assertThat(RetentionFixtures.audits(b, RetentionLedger.BLOB_DISPOSITION)).isNotEmpty();
    }
    assertThat(own).noneMatch(this::stored);
    assertThat(stored(shared)).as("the record that stays still refers to it").isTrue();
    assertThat(Verifier.verify(dir, VerifyListener.NONE).problems()).isEmpty();
  }

  boolean stored(String sha) {
    try {
      return Files.exists(dir.resolve(ArchiveLayout.OBJECTS).resolve(FileFixtures.blobKeyIn(dir, sha)));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Fails the chosen step once. */
  static final class Crashing extends ForwardingObjectStore {
    final Step step;
    final AtomicBoolean armed;
    final AtomicInteger blobDeletes = new AtomicInteger();
    volatile boolean blobsSized;

    Crashing(ObjectStore d, Step step, AtomicBoolean armed) {
      super(d);
      this.step = step;
      this.armed = armed;
    }

    void fail(Step at) throws IOException {
      if (step == at && armed.compareAndSet(true, false)) {
        throw new IOException("injected crash at " + at);
      }
    }

    @Override
    public void put(String key, byte[] bytes) throws IOException {
      if (key.startsWith(ArchiveLayout.REWRITES)) {
        fail(Step.TOMBSTONES);
      } else if (key.startsWith(ArchiveLayout.SEGMENTS) && blobsSized) {
        fail(Step.BLOB_AUDIT); // the first commit after the candidates were sized: the blob audit record
      }
      delegate.put(key, bytes);
    }

    @Override
    public long size(String key) throws IOException {
      if (key.startsWith(ArchiveLayout.BLOBS)) {
        blobsSized = true;
      }
      return delegate.size(key);
    }

    @Override
    public void delete(String key) throws IOException {
      if (key.startsWith(ArchiveLayout.BLOBS)) {
        int n = blobDeletes.incrementAndGet();
        if (n == 1) {
          fail(Step.FIRST_DELETE);
        } else if (n == 3) {
          fail(Step.THIRD_DELETE);
        }
      }
      delegate.delete(key);
    }
  }
}
