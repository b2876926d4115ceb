package dev.coffer.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.archive.store.FaultInjectingObjectStore;
import dev.coffer.archive.verify.Verifier;
import dev.coffer.archive.verify.VerifyListener;
import dev.coffer.model.Digests;
import dev.coffer.model.Record;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Blobs appended with their records ({@link Archive#append(List, List)}) go into one blob pack per
 * group commit, written before the commit's segment: readable like any blob, found again after a
 * reopen, a crash or a rebuild of the id index, and never named by a durable record while not durable.
 */
class PackedBlobTest {
  @TempDir Path dir;

  static byte[] body(int i) {
    return ("{\"raw webhook body\":" + i + "}").getBytes(StandardCharsets.UTF_8);
  }

  static byte[] read(Archive a, String sha) throws IOException {
    try (InputStream in = a.openBlob(sha)) {
      return in.readAllBytes();
    }
  }

  long objects(Path data, String prefix) throws IOException {
    Path p = data.resolve("objects").resolve(prefix);
    if (!Files.isDirectory(p)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(p)) {
      return s.filter(Files::isRegularFile).count();
    }
  }

  @Test
  void blobsOfOneCommitShareOnePackAndReadBackAfterReopenCrashAndRebuild() throws IOException {
    Path data = dir.resolve("a");
    Archives.create(data, ArchiveOptions.defaults()).close();
    Archive a = Archives.open(data, ArchiveOptions.defaults());
    AppendResult r = a.append(RecordFixtures.messages(0, 3), List.of(body(1), body(2), body(1)));
    assertThat(r.appended()).isEqualTo(3);
    assertThat(objects(data, "packs")).isEqualTo(1);
    assertThat(objects(data, "blobs")).isZero();
    for (int i : new int[] {1, 2}) {
      String sha = Digests.sha256Hex(body(i));
      assertThat(a.hasBlob(sha)).isTrue();
      assertThat(read(a, sha)).isEqualTo(body(i));
    }
    assertThat(a.hasBlob(Digests.sha256Hex(body(3)))).isFalse();
    assertThatThrownBy(() -> a.openBlob(Digests.sha256Hex(body(3)))).isInstanceOf(java.nio.file.NoSuchFileException.class);
    // Stored again with other records: the blob is not packed twice, and putBlob does not copy it.
    a.append(RecordFixtures.messages(3, 1), List.of(body(2)));
    assertThat(a.putBlob(body(1))).isEqualTo(Digests.sha256Hex(body(1)));
    assertThat(objects(data, "packs")).isEqualTo(1);
    assertThat(objects(data, "blobs")).isZero();
    a.close();

    try (Archive b = Archives.open(data, ArchiveOptions.defaults())) {
      assertThat(read(b, Digests.sha256Hex(body(1)))).isEqualTo(body(1));
      b.append(RecordFixtures.messages(10, 2), List.of(body(4)));
      ((SegmentedArchive) b).crashForTest(); // the id index's last additions are lost
    }
    try (Archive c = Archives.open(data, ArchiveOptions.defaults())) {
      assertThat(read(c, Digests.sha256Hex(body(4)))).isEqualTo(body(4));
      assertThat(c.hasBlob(Digests.sha256Hex(body(2)))).isTrue();
    }
    Archives.dropIdIndex(data);
    try (Archive d = Archives.open(data, ArchiveOptions.defaults())) {
      for (int i : new int[] {1, 2, 4}) {
        assertThat(read(d, Digests.sha256Hex(body(i)))).isEqualTo(body(i));
      }
    }
    assertThat(Verifier.verify(data, VerifyListener.NONE).problems()).isEmpty();
    assertThat(Verifier.verify(data, VerifyListener.NONE).blobs()).isEqualTo(3);
  }

  @Test
  void aReDeliveryInOtherBytesStoresItsBodyThoughEveryRecordIsADuplicate() throws IOException {
    Path data = dir.resolve("b");
    try (Archive a = Archives.create(data, ArchiveOptions.defaults())) {
      a.append(RecordFixtures.messages(0, 2), List.of(body(1)));
      AppendResult again = a.append(RecordFixtures.messages(0, 2), List.of(body(2)));
      assertThat(again.duplicates()).isEqualTo(2);
      assertThat(read(a, Digests.sha256Hex(body(2)))).isEqualTo(body(2));
      // a blob-only call is stored too
      a.append(List.of(), List.of(body(3)));
      assertThat(a.hasBlob(Digests.sha256Hex(body(3)))).isTrue();
    }
    assertThat(Verifier.verify(data, VerifyListener.NONE).problems()).isEmpty();
  }

  @Test
  void concurrentAppendersShareGroupCommitsBodiesIncluded() throws Exception {
    Path data = dir.resolve("c");
    int n = 64;
    try (Archive a = Archives.create(data, ArchiveOptions.defaults())) {
      List<Thread> threads = new ArrayList<>();
      List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
      for (int i = 0; i < n; i++) {
        int k = i;
        threads.add(Thread.ofVirtual().start(() -> {
          try {
            a.append(RecordFixtures.messages(k, 1), List.of(body(k)));
          } catch (Throwable t) {
            errors.add(t);
          }
        }));
      }
      for (Thread t : threads) {
        t.join();
      }
      assertThat(errors).isEmpty();
      assertThat(a.size()).isEqualTo(n);
      for (int i = 0; i < n; i++) {
        assertThat(read(a, Digests.sha256Hex(body(i)))).isEqualTo(body(i));
      }
      // one pack per commit, never more packs than segments
      assertThat(objects(data, "packs")).isBetween(1L, objects(data, "segments"));
    }
  }

  /**
   * The kill between the blob write and the commit, and the moments after: the n-th write of an
   * append with blobs fails (pack, segment, checkpoint; before or after its bytes are durable), the
   * process stops as in a crash; the reopened archive holds no record whose blob is missing, and the
   * sender's retry archives every record exactly once with its blob.
   */
  @ParameterizedTest
  @EnumSource(value = FaultInjectingObjectStore.Mode.class, names = {"FAIL_BEFORE", "FAIL_AFTER"})
  void aCrashAtAnyWriteOfACommitWithBlobsLosesNothingAcknowledgedAndTheRetryArchivesOnce(
      FaultInjectingObjectStore.Mode mode) throws IOException {
    for (int failAt = 1; failAt <= 3; failAt++) {
      Path data = dir.resolve(mode + "-" + failAt);
      try (Archive a = Archives.create(data, ArchiveOptions.defaults())) {
        a.append(RecordFixtures.messages(0, 2), List.of(body(0))); // acknowledged before the fault
      }
      int at = failAt;
      Archive a = Archives.open(data, ArchiveOptions.defaults(), s -> new FaultInjectingObjectStore(s, at, mode));
      List<Record> records = RecordFixtures.messages(100, 3);
      List<byte[]> blobs = List.of(body(1), body(2));
      assertThatThrownBy(() -> a.append(records, blobs)).as("write %d, %s", failAt, mode).isInstanceOf(IOException.class);
      ((SegmentedArchive) a).crashForTest();

      try (Archive b = Archives.open(data, ArchiveOptions.defaults())) {
        assertThat(read(b, Digests.sha256Hex(body(0)))).isEqualTo(body(0));
        boolean recordsDurable = b.contains(records.get(0).id());
        for (Record r : records) {
          assertThat(b.contains(r.id())).isEqualTo(recordsDurable);
        }
        // a durable record never names a blob that is not durable
        if (recordsDurable) {
          assertThat(b.hasBlob(Digests.sha256Hex(body(1)))).isTrue();
          assertThat(b.hasBlob(Digests.sha256Hex(body(2)))).isTrue();
        } else {
          assertThat(b.hasBlob(Digests.sha256Hex(body(1)))).as("pack of a commit without its segment").isFalse();
        }
        long before = b.size();
        AppendResult retry = b.append(records, blobs);
        assertThat(retry.appended() + retry.duplicates()).isEqualTo(3);
        assertThat(retry.appended()).isEqualTo(recordsDurable ? 0 : 3);
        long[] seen = new long[1];
        b.scan(1, s -> {
          if (records.stream().anyMatch(r -> r.id().equals(s.record().id()))) {
            seen[0]++;
          }
          return true;
        });
        assertThat(seen[0]).as("each record once").isEqualTo(3);
        assertThat(b.size()).isGreaterThanOrEqualTo(before);
        assertThat(read(b, Digests.sha256Hex(body(1)))).isEqualTo(body(1));
        assertThat(read(b, Digests.sha256Hex(body(2)))).isEqualTo(body(2));
      }
      assertThat(Verifier.verify(data, VerifyListener.NONE).problems()).as("write %d, %s", failAt, mode).isEmpty();
    }
  }

  @Test
  void aPackWithoutItsSegmentIsReportedByVerifyOnlyBelowTheLatestCheckpoint() throws IOException {
    Path data = dir.resolve("e");
    try (Archive a = Archives.create(data, ArchiveOptions.defaults())) {
      a.append(RecordFixtures.messages(0, 2), List.of(body(1)));
    }
    Path segments = data.resolve("objects").resolve("segments");
    try (Stream<Path> s = Files.walk(segments)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        Files.delete(p);
      }
    }
    assertThat(Verifier.verify(data, VerifyListener.NONE).problems())
        .anySatisfy(p -> assertThat(p.what()).contains("blob pack without its segment"));
  }
}
