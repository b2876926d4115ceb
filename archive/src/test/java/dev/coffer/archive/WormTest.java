package dev.coffer.archive;

import static dev.coffer.archive.RetentionFixtures.COMPLIANCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.archive.layout.ArchiveLayout;
import dev.coffer.archive.retention.RetentionLedger;
import dev.coffer.archive.retention.RetentionViolationException;
import dev.coffer.archive.store.ObjectExistsException;
import dev.coffer.archive.store.ObjectStore;
import dev.coffer.archive.verify.Verifier;
import dev.coffer.archive.verify.VerifyListener;
import dev.coffer.model.Audit;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every path into the archive that could overwrite or delete a record before its retain-until is
 * refused, changes nothing, and leaves a {@code worm.refused} audit record.
 */
class WormTest {
  @TempDir Path dir;
  final MovableClock clock = new MovableClock(Instant.parse("2026-01-15T10:00:00Z"));

  @Test
  void disposeBeforeRetainUntilIsRefusedAuditedAndChangesNothing() throws IOException {
    try (Archive a = Archives.create(dir, ArchiveOptions.defaults().withClock(clock))) {
      a.append(RecordFixtures.messages(0, 5));
      String id = RecordFixtures.message(2).id();
      byte[] before = a.get(id).orElseThrow().canonical();
      assertThatThrownBy(() -> a.dispose(List.of(id), COMPLIANCE, "tidy up", java.util.Set.of()))
          .isInstanceOf(RetentionViolationException.class).hasMessageContaining("in retention until 2029-01-15");
      assertThat(a.get(id).orElseThrow().canonical()).isEqualTo(before);
      List<Audit> refused = RetentionFixtures.audits(a, RetentionLedger.REFUSED);
      assertThat(refused).singleElement().satisfies(r -> {
        assertThat(r.targets()).containsExactly(id);
        assertThat(r.detail()).containsEntry("attempt", "archive.dispose").containsEntry("role", "compliance");
        assertThat(r.sender().handle()).isEqualTo("os:carol");
      });
      // a day before the end: still refused; the retention trail itself: always refused
      clock.set(Instant.parse("2029-01-15T09:59:59Z"));
      assertThatThrownBy(() -> a.dispose(List.of(id), COMPLIANCE, "early", java.util.Set.of()))
          .isInstanceOf(RetentionViolationException.class);
      clock.set(Instant.parse("2040-01-01T00:00:00Z"));
      String refusalId = refused.get(0).id();
      assertThatThrownBy(() -> a.dispose(List.of(refusalId), COMPLIANCE, "trail", java.util.Set.of()))
          .isInstanceOf(RetentionViolationException.class).hasMessageContaining("retention trail");
      // unknown ids refuse the whole request
      assertThatThrownBy(() -> a.dispose(List.of(id, "no-such-id"), COMPLIANCE, "mixed", java.util.Set.of()))
          .isInstanceOf(RetentionViolationException.class).hasMessageContaining("no such record");
      assertThat(a.get(id)).isPresent();
    }
    assertThat(Verifier.verify(dir, VerifyListener.NONE).problems()).isEmpty();
  }

  @Test
  void theStoreUnderTheArchiveRefusesDeletesAndOverwritesOfEvidence() throws IOException {
    String segment;
    String checkpoint;
    String blob;
    try (Archive a = Archives.create(dir, ArchiveOptions.defaults().withClock(clock))) {
      a.append(RecordFixtures.messages(0, 3));
      blob = ArchiveTest.blobKey(a, a.putBlob("an attachment".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      segment = ArchiveLayout.segmentKey(1);
      checkpoint = ArchiveLayout.checkpointKey(3);
      ObjectStore store = ((SegmentedArchive) a).objectStore();
      byte[] segBytes = store.get(segment);
      for (String key : List.of(segment, checkpoint, blob)) {
        assertThatThrownBy(() -> store.delete(key)).isInstanceOf(RetentionViolationException.class)
            .hasMessageContaining("only disposition removes records");
        assertThat(store.exists(key)).isTrue();
      }
      assertThatThrownBy(() -> store.put(segment, new byte[] {1, 2, 3})).isInstanceOf(ObjectExistsException.class);
      assertThat(store.get(segment)).isEqualTo(segBytes);

      List<Audit> refused = RetentionFixtures.audits(a, RetentionLedger.REFUSED);
      assertThat(refused).extracting(r -> r.detail().get("key")).containsExactly(segment, checkpoint, blob, segment);
      assertThat(refused).extracting(r -> r.detail().get("attempt"))
          .containsExactly("objectstore.delete", "objectstore.delete", "objectstore.delete", "objectstore.put over an existing object");
    }
    assertThat(Verifier.verify(dir, VerifyListener.NONE).problems()).isEmpty();
  }
}
