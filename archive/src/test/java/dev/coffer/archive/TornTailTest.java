package dev.coffer.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.archive.layout.ArchiveLayout;
import dev.coffer.archive.store.CorruptObjectException;
import dev.coffer.archive.store.FaultInjectingObjectStore;
import dev.coffer.archive.verify.Verifier;
import dev.coffer.archive.verify.VerifyListener;
import dev.coffer.model.Audit;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A torn write at the end of the log: the last segment lost its tail although it was published (a
 * filesystem that did not keep a synced write). Unacknowledged (no checkpoint covers it): set aside and
 * audited, the archive goes on. Acknowledged: the open refuses rather than discard evidence.
 */
class TornTailTest {
  @TempDir Path dir;

  @Test
  void aTornLastSegmentThatWasNeverAcknowledgedIsQuarantinedAndAudited() throws IOException {
    Path data = dir.resolve("data");
    try (Archive a = Archives.create(data, ArchiveOptions.defaults())) {
      a.append(RecordFixtures.messages(0, 10));
    }
    // The next commit's segment is durable, its checkpoint write fails: the append is not acknowledged.
    Archive b = Archives.open(data, ArchiveOptions.defaults(),
        s -> new FaultInjectingObjectStore(s, 2, FaultInjectingObjectStore.Mode.FAIL_BEFORE));
    assertThatThrownBy(() -> b.append(RecordFixtures.messages(10, 10))).hasMessageContaining("append not acknowledged");
    ((SegmentedArchive) b).crashForTest();
    Path torn = data.resolve(ArchiveLayout.OBJECTS).resolve(ArchiveLayout.segmentKey(11));
    long full = Files.size(torn);
    try (FileChannel ch = FileChannel.open(torn, StandardOpenOption.WRITE)) {
      ch.truncate(full / 2);
    }

    try (Archive c = Archives.open(data, ArchiveOptions.defaults())) {
      assertThat(c.size()).isEqualTo(11); // the 10 acknowledged records and the recovery's audit record
      Audit audit = (Audit) c.get(11).orElseThrow().record();
      assertThat(audit.action()).isEqualTo("recover");
      assertThat(audit.targets()).containsExactly(ArchiveLayout.segmentKey(11));
      assertThat(audit.detail().get("quarantined_torn_segment")).startsWith(ArchiveLayout.segmentKey(11) + " -> quarantine/")
          .contains((full / 2) + " bytes, sha256 ");
      for (long s = 1; s <= 10; s++) {
        assertThat(c.get(s).orElseThrow().record().id()).isEqualTo(RecordFixtures.message(s - 1).id());
      }
      // re-delivery of the lost batch archives it now
      assertThat(c.append(RecordFixtures.messages(10, 10)).appended()).isEqualTo(10);
    }
    // set aside through the object store (so a mirror or S3 keeps it too), byte for byte
    try (Stream<Path> q = Files.list(data.resolve(ArchiveLayout.OBJECTS).resolve(ArchiveLayout.QUARANTINE))) {
      assertThat(q.toList()).singleElement().satisfies(p -> assertThat(Files.size(p)).isEqualTo(full / 2));
    }
    assertThat(data.resolve(ArchiveLayout.QUARANTINE)).doesNotExist();
    assertThat(Verifier.verify(data, VerifyListener.NONE).problems()).isEmpty();
  }

  @Test
  void aTornSegmentThatACheckpointCoversStopsTheOpen() throws IOException {
    Path data = dir.resolve("data");
    Archive a = Archives.create(data, ArchiveOptions.defaults());
    a.append(RecordFixtures.messages(0, 10));
    ((SegmentedArchive) a).crashForTest(); // the id index does not cover it: the open re-reads the segment
    Path seg = data.resolve(ArchiveLayout.OBJECTS).resolve(ArchiveLayout.segmentKey(1));
    try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
      ch.truncate(Files.size(seg) - 7);
    }
    assertThatThrownBy(() -> Archives.open(data, ArchiveOptions.defaults())).isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining(ArchiveLayout.segmentKey(1));
    assertThat(Files.exists(seg)).isTrue();
    assertThat(Files.exists(data.resolve(ArchiveLayout.QUARANTINE))).isFalse();
    assertThat(Files.exists(data.resolve(ArchiveLayout.OBJECTS).resolve(ArchiveLayout.QUARANTINE))).isFalse();
  }
}
