package dev.coffer.archive;

import static dev.coffer.archive.BlobDispositionTest.message;
import static dev.coffer.archive.RetentionFixtures.COMPLIANCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.archive.layout.ArchiveLayout;
import dev.coffer.archive.retention.BlobDisposal;
import dev.coffer.archive.retention.Disposition;
import dev.coffer.archive.retention.DispositionReport;
import dev.coffer.archive.retention.HoldScope;
import dev.coffer.archive.retention.Retention;
import dev.coffer.archive.retention.RetentionLedger;
import dev.coffer.archive.retention.RetentionPolicy;
import dev.coffer.archive.store.ForwardingObjectStore;
import dev.coffer.archive.store.ObjectStore;
import dev.coffer.archive.verify.Problem;
import dev.coffer.archive.verify.Verifier;
import dev.coffer.archive.verify.VerifyListener;
import dev.coffer.model.Digests;
import dev.coffer.model.Ids;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Period;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blob disposition of packed blobs (webhook raw bodies a group commit stored in one pack): a pack all
 * of whose blobs may go is deleted whole through the WORM store, listed in the report (dry run too) and
 * audited; a pack with a blob that stays is kept whole; a commit split by retention period gets one pack
 * per period; a crash at the delete is finished by the next run; verify accepts the removed pack and
 * still flags a live record's missing packed blob.
 */
class PackDispositionTest {
  static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");
  @TempDir Path dir;
  final MovableClock clock = new MovableClock(T0);

  static byte[] body(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String sha(byte[] b) {
    return Digests.sha256Hex(b);
  }

  Archive open() throws IOException {
    return Archives.open(dir, ArchiveOptions.defaults().withClock(clock));
  }

  List<String> packFiles() throws IOException {
    Path packs = dir.resolve(ArchiveLayout.OBJECTS).resolve(ArchiveLayout.PACKS);
    if (!Files.isDirectory(packs)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(packs)) {
      return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** Two webhook deliveries in one group commit, each record's raw original its body. */
  void appendTwoWebhooks(Archive a, String conv1, String conv2) throws IOException {
    byte[] b1 = body("{\"entry\":[{\"id\":\"1\",\"text\":\"hello\"}]}");
    byte[] b2 = body("{\"entry\":[{\"id\":\"2\",\"text\":\"world\"}]}");
    a.append(List.of(message("w1", conv1, sha(b1)), message("w2", conv2, sha(b2))), List.of(b1, b2));
  }

  @Test
  void aPackWhoseBodiesAllExpiredIsRemovedWholeListedAuditedAndVerifyIsClean() throws IOException {
    try (Archive a = Archives.create(dir, ArchiveOptions.defaults().withClock(clock))) {
      appendTwoWebhooks(a, "short", "short");
    }
    String s1 = sha(body("{\"entry\":[{\"id\":\"1\",\"text\":\"hello\"}]}"));
    String s2 = sha(body("{\"entry\":[{\"id\":\"2\",\"text\":\"world\"}]}"));
    assertThat(packFiles()).hasSize(1);
    clock.advance(Period.ofYears(4));
    try (Archive a = open()) {
      DispositionReport plan = Disposition.plan(a, Disposition.HoldQueries.NONE);
      assertThat(plan.blobs().packs()).singleElement().satisfies(p -> {
        assertThat(p.name()).startsWith(ArchiveLayout.PACKS);
        assertThat(p.blobs()).extracting(BlobDisposal.Blob::sha256).containsExactlyInAnyOrder(s1, s2);
      });
      assertThat(plan.toJson()).contains("packs_would_remove");
      assertThat(packFiles()).as("a dry run changes nothing").hasSize(1);

      DispositionReport done = Disposition.run(a, COMPLIANCE, "past retention", Disposition.HoldQueries.NONE);
      assertThat(done.blobs().packs()).singleElement().satisfies(p -> {
        assertThat(p.size()).isPositive();
        assertThat(p.retainUntil()).isBefore(clock.instant());
        assertThat(p.blobs()).allSatisfy(b -> assertThat(b.size()).isPositive());
      });
      assertThat(done.blobs().removed()).extracting(BlobDisposal.Blob::sha256).containsExactlyInAnyOrder(s1, s2);
      assertThat(done.toText()).contains("removed blob pack " + done.blobs().packs().get(0).name());
      assertThat(a.hasBlob(s1) || a.hasBlob(s2)).isFalse();
      assertThat(RetentionFixtures.audits(a, RetentionLedger.BLOB_DISPOSITION)).singleElement()
          .satisfies(au -> assertThat(au.detail().get("packs")).contains(done.blobs().packs().get(0).name())
              .contains(s1).contains(s2));
      assertThat(a.disposeBlobs(COMPLIANCE, "again").removed()).as("nothing left").isEmpty();
    }
    assertThat(packFiles()).isEmpty();
    assertThat(Verifier.verify(dir, VerifyListener.NONE).problems()).isEmpty();

    // the same body delivered again after its pack went: packed anew and readable (the id index's
    // entry for the removed pack is ignored)
    try (Archive a = open()) {
      byte[] again = body("{\"entry\":[{\"id\":\"1\",\"text\":\"hello\"}]}");
      a.append(List.of(message("w1-again", "short", s1)), List.of(again));
      assertThat(a.openBlob(s1).readAllBytes()).isEqualTo(again);
    }
    try (Archive a = open()) {
      assertThat(a.openBlob(s1).readAllBytes()).isEqualTo(body("{\"entry\":[{\"id\":\"1\",\"text\":\"hello\"}]}"));
    }
    assertThat(Verifier.verify(dir, VerifyListener.NONE).problems()).isEmpty();
  }

  @Test
  void aHeldRecordKeepsItsWholePack() throws IOException {
    String s1 = sha(body("{\"entry\":[{\"id\":\"1\",\"text\":\"hello\"}]}"));
    try (Archive a = Archives.create(dir, ArchiveOptions.defaults().withClock(clock))) {
      appendTwoWebhooks(a, "short", "matter");
      Retention.of(a, COMPLIANCE).createHold("Doe v. Desk", "litigation", List.of(new HoldScope.Conversation("matter")),
          Set.of());
    }
    clock.advance(Period.ofYears(4));
    try (Archive a = open()) {
      DispositionReport plan = Disposition.plan(a, Disposition.HoldQueries.NONE);
      assertThat(plan.blobs().packs()).isEmpty();
      assertThat(plan.blobs().removed()).isEmpty();
      assertThat(plan.blobs().kept()).extracting(BlobDisposal.Blob::sha256).contains(s1);

      DispositionReport done = Disposition.run(a, COMPLIANCE, "past retention", Disposition.HoldQueries.NONE);
      assertThat(done.held()).extracting(DispositionReport.Held::id).containsExactly(Ids.derive("test/blob-message", "w2"));
      assertThat(done.blobs().packs()).isEmpty();
      assertThat(done.blobs().removed()).isEmpty();
      assertThat(done.blobs().kept()).singleElement().satisfies(k -> {
        assertThat(k.sha256()).isEqualTo(s1);
        assertThat(k.why()).contains("goes only as a whole").contains("no record referring to it is disposed");
      });
      assertThat(a.openBlob(s1).readAllBytes()).isEqualTo(body("{\"entry\":[{\"id\":\"1\",\"text\":\"hello\"}]}"));
    }
    assertThat(packFiles()).hasSize(1);
    assertThat(Verifier.verify(dir, VerifyListener.NONE).problems()).isEmpty();
  }

  @Test
  void aCommitSplitByRetentionPeriodGetsAPackPerPeriodAndTheExpiredOneGoes() throws IOException {
    String s2 = sha(body("{\"entry\":[{\"id\":\"2\",\"text\":\"world\"}]}"));
    try (Archive a = Archives.create(dir, ArchiveOptions.defaults().withClock(clock))) {
      Retention.of(a, COMPLIANCE).setPolicy(RetentionPolicy.fromJson(
          "{\"rules\":[{\"conversation\":\"keep\",\"class\":\"books\",\"period\":\"P6Y\"}]}"), "desk keep is books");
      appendTwoWebhooks(a, "short", "keep");
    }
    assertThat(packFiles()).as("one pack per retention period").hasSize(2);
    clock.advance(Period.ofYears(4));
    try (Archive a = open()) {
      DispositionReport done = Disposition.run(a, COMPLIANCE, "past retention", Disposition.HoldQueries.NONE);
      assertThat(done.blobs().packs()).hasSize(1);
      assertThat(done.blobs().kept()).isEmpty();
      assertThat(a.openBlob(s2).readAllBytes()).isEqualTo(body("{\"entry\":[{\"id\":\"2\",\"text\":\"world\"}]}"));
    }
    assertThat(packFiles()).hasSize(1);
    assertThat(Verifier.verify(dir, VerifyListener.NONE).problems()).isEmpty();
  }

  @Test
  void aCrashAtThePackDeleteIsFinishedByTheNextRunAndVerifyAcceptsTheStateBetween() throws IOException {
    try (Archive a = Archives.create(dir, ArchiveOptions.defaults().withClock(clock))) {
      appendTwoWebhooks(a, "short", "short");
    }
    clock.advance(Period.ofYears(4));
    AtomicBoolean armed = new AtomicBoolean(true);
    Archive a = Archives.open(dir, ArchiveOptions.defaults().withClock(clock), s -> new FailingPackDelete(s, armed));
    assertThatThrownBy(() -> Disposition.run(a, COMPLIANCE, "past retention", Disposition.HoldQueries.NONE))
        .isInstanceOf(IOException.class).hasMessageContaining("injected");
    ((SegmentedArchive) a).crashForTest();
    assertThat(packFiles()).hasSize(1);
    assertThat(Verifier.verify(dir, VerifyListener.NONE).problems()).isEmpty();
    try (Archive b = open()) {
      DispositionReport again = Disposition.run(b, COMPLIANCE, "again", Disposition.HoldQueries.NONE);
      assertThat(again.blobs().packs()).hasSize(1);
      assertThat(RetentionFixtures.audits(b, RetentionLedger.BLOB_DISPOSITION)).as("named before each attempt").hasSize(2);
    }
    assertThat(packFiles()).isEmpty();
    assertThat(Verifier.verify(dir, VerifyListener.NONE).problems()).isEmpty();
  }

  @Test
  void theWormStoreRefusesAPackDeleteBeforeItsRetainUntil() throws IOException {
    try (Archive a = Archives.create(dir, ArchiveOptions.defaults().withClock(clock))) {
      appendTwoWebhooks(a, "short", "short");
      SegmentedArchive sa = (SegmentedArchive) a;
      assertThatThrownBy(() -> sa.deletePackForTest(ArchiveLayout.packKey(1), T0.plus(Period.ofDays(1))))
          .hasMessageContaining("in retention until");
      assertThatThrownBy(() -> sa.objectStore().delete(ArchiveLayout.packKey(1))).hasMessageContaining("refused");
      assertThat(RetentionFixtures.audits(a, RetentionLedger.REFUSED)).hasSize(2);
    }
    assertThat(packFiles()).hasSize(1);
  }

  @Test
  void verifyFlagsALiveRecordsMissingPackedBlob() throws IOException {
    try (Archive a = Archives.create(dir, ArchiveOptions.defaults().withClock(clock))) {
      appendTwoWebhooks(a, "short", "short");
    }
    try (Stream<Path> s = Files.walk(dir.resolve(ArchiveLayout.OBJECTS).resolve(ArchiveLayout.PACKS))) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        Files.delete(p);
      }
    }
    List<Problem> problems = Verifier.verify(dir, VerifyListener.NONE).problems();
    assertThat(problems).hasSize(2).allSatisfy(p -> assertThat(p.what()).contains("is missing").contains("live record"));
  }

  static long packsUnder(Path dataDir) throws IOException {
    Path packs = dataDir.resolve(ArchiveLayout.OBJECTS).resolve(ArchiveLayout.PACKS);
    if (!Files.isDirectory(packs)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(packs)) {
      return s.filter(Files::isRegularFile).count();
    }
  }

  @Test
  void theMirrorLosesItsCopyOfThePackToo() throws IOException {
    Path data = dir.resolve("data");
    Path mirror = dir.resolve("mirror");
    try (Archive a = Archives.create(data, ArchiveOptions.defaults().withClock(clock))) {
      a.append(List.of(message("first", "short", null)));
    }
    Mirrors.add(data, mirror, dev.coffer.archive.store.MirroredObjectStore.Policy.BOTH, "os:admin", "host-1");
    try (Archive a = Archives.open(data, ArchiveOptions.defaults().withClock(clock))) {
      appendTwoWebhooks(a, "short", "short");
    }
    assertThat(packsUnder(data)).isEqualTo(1);
    assertThat(packsUnder(mirror)).isEqualTo(1);
    clock.advance(Period.ofYears(4));
    try (Archive a = Archives.open(data, ArchiveOptions.defaults().withClock(clock))) {
      assertThat(Disposition.run(a, COMPLIANCE, "past retention", Disposition.HoldQueries.NONE).blobs().packs()).hasSize(1);
    }
    assertThat(packsUnder(data)).isZero();
    assertThat(packsUnder(mirror)).isZero();
    assertThat(Mirrors.compare(data).problems()).isEmpty();
    assertThat(Verifier.verify(data, VerifyListener.NONE).problems()).isEmpty();
    assertThat(Verifier.verify(mirror, VerifyListener.NONE,
        dev.coffer.archive.crypto.MasterKeySource.standard(data, java.util.Map.of())).problems()).isEmpty();
  }

  /** Fails the first delete of a blob pack once (a crash between the audit record and the delete). */
  static final class FailingPackDelete extends ForwardingObjectStore {
    final AtomicBoolean armed;

    FailingPackDelete(ObjectStore d, AtomicBoolean armed) {
      super(d);
      this.armed = armed;
    }

    @Override
    public void delete(String key) throws IOException {
      if (key.startsWith(ArchiveLayout.PACKS) && armed.compareAndSet(true, false)) {
        throw new IOException("injected crash at the delete of " + key);
      }
      delegate.delete(key);
    }
  }
}
