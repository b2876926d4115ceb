package dev.coffer.archive;

import static dev.coffer.archive.RetentionFixtures.COMPLIANCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.archive.layout.ArchiveLayout;
import dev.coffer.archive.retention.BlobDisposal;
import dev.coffer.archive.retention.Disposition;
import dev.coffer.archive.retention.DispositionReport;
import dev.coffer.archive.retention.HoldScope;
import dev.coffer.archive.retention.LegalHold;
import dev.coffer.archive.retention.Retention;
import dev.coffer.archive.retention.RetentionLedger;
import dev.coffer.archive.retention.RetentionPolicy;
import dev.coffer.archive.retention.RetentionViolationException;
import dev.coffer.archive.store.MirroredObjectStore.Policy;
import dev.coffer.archive.verify.Problem;
import dev.coffer.archive.verify.Verifier;
import dev.coffer.archive.verify.VerifyListener;
import dev.coffer.model.Attachment;
import dev.coffer.model.Audit;
import dev.coffer.model.Conversation;
import dev.coffer.model.ConversationKind;
import dev.coffer.model.Ids;
import dev.coffer.model.Message;
import dev.coffer.model.Party;
import dev.coffer.model.Record;
import dev.coffer.model.Source;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Period;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blob disposition: an attachment or raw original goes when, and only when, every record referring to
 * it is disposed; holds, longer retention and a store in flight keep it; the WORM store refuses an early
 * delete; the mirror loses its copy too; verify accepts the removal and still flags a live record's
 * missing blob.
 */
class BlobDispositionTest {
  static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");
  @TempDir Path dir;
  final MovableClock clock = new MovableClock(T0);

  Archive create() throws IOException {
    return Archives.create(dir, ArchiveOptions.defaults().withClock(clock));
  }

  Archive open() throws IOException {
    return Archives.open(dir, ArchiveOptions.defaults().withClock(clock));
  }

  /** A message in {@code conversation} with these attachment blobs and raw original. */
  static Record message(String name, String conversation, String raw, String... attachments) {
    return Message.builder()
        .id(Ids.derive("test/blob-message", name))
        .channel("whatsapp")
        .conversation(new Conversation(conversation, ConversationKind.GROUP, "Desk"))
        .sender(new Party("+15550001111", "Pat"))
        .sentAt(Instant.parse("2026-01-10T09:00:00Z"))
        .text("message " + name)
        .attachments(java.util.Arrays.stream(attachments)
            .map(sha -> new Attachment("IMG-" + sha.substring(0, 6) + ".jpg", "image/jpeg", 3L, sha, null, false, false))
            .toList())
        .source(new Source("test", null, raw, "line 1", null))
        .build();
  }

  static String blob(Archive a, String content) throws IOException {
    return a.putBlob(content.getBytes(StandardCharsets.UTF_8));
  }

  static List<String> digests(List<BlobDisposal.Blob> blobs) {
    return blobs.stream().map(BlobDisposal.Blob::sha256).toList();
  }

  /** Whether the blob's object exists, read from the directory (hasBlob would count as a use of it). */
  boolean stored(String sha) throws IOException {
    return Files.exists(dir.resolve(ArchiveLayout.OBJECTS).resolve(FileFixtures.blobKeyIn(dir, sha)));
  }

  void setKeepPolicy(Archive a) throws IOException {
    Retention.of(a, COMPLIANCE).setPolicy(RetentionPolicy.fromJson(
        "{\"rules\":[{\"conversation\":\"keep\",\"class\":\"books\",\"period\":\"P6Y\"}]}"), "desk keep is books");
  }

  @Test
  void aSharedBlobGoesOnlyWhenTheLastRecordReferringToItIsDisposed() throws IOException {
    String shared;
    String onlyA;
    String raw;
    try (Archive a = create()) {
      setKeepPolicy(a);
      shared = blob(a, "the same photo forwarded to two desks");
      onlyA = blob(a, "a photo only desk short saw");
      raw = blob(a, "the export file both short messages came from");
      a.append(List.of(message("a", "short", raw, shared, onlyA), message("c", "short", raw),
          message("b", "keep", null, shared)));
    }
    clock.advance(Period.ofYears(4));
    try (Archive a = open()) {
      DispositionReport plan = Disposition.plan(a, Disposition.HoldQueries.NONE);
      assertThat(digests(plan.blobs().removed())).containsExactlyInAnyOrder(onlyA, raw);
      assertThat(digests(plan.blobs().kept())).containsExactly(shared);
      assertThat(plan.blobs().removed()).allSatisfy(b -> assertThat(b.size()).isPositive());
      assertThat(plan.toJson()).contains("blobs_would_remove").contains(onlyA);
      assertThat(stored(onlyA) && stored(raw)).as("a dry run removes nothing").isTrue();
      assertThat(a.size()).as("a dry run writes nothing").isEqualTo(4);

      DispositionReport done = Disposition.run(a, COMPLIANCE, "past retention", Disposition.HoldQueries.NONE);
      assertThat(digests(done.blobs().removed())).containsExactlyInAnyOrder(onlyA, raw);
      assertThat(done.blobs().kept()).singleElement().satisfies(k -> {
        assertThat(k.sha256()).isEqualTo(shared);
        assertThat(k.why()).contains("live record");
      });
      assertThat(done.toText()).contains("removed blob " + onlyA).contains("kept blob " + shared);
      assertThat(stored(onlyA)).isFalse();
      assertThat(stored(raw)).isFalse();
      assertThat(stored(shared)).isTrue();
      // the evidence: which blobs went, how large, under which retain-until
      List<Audit> audits = RetentionFixtures.audits(a, RetentionLedger.BLOB_DISPOSITION);
      assertThat(audits).singleElement().satisfies(au -> {
        assertThat(au.detail().get("sizes")).contains(onlyA).contains(raw).doesNotContain(shared);
        assertThat(au.detail().get("retain_until")).contains("2029-01-15");
        assertThat(au.detail().get("reason")).isEqualTo("past retention");
      });
      assertThat(RetentionFixtures.audits(a, RetentionLedger.DISPOSITION).get(0).detail().get("blobs"))
          .contains(onlyA).contains(raw).contains(shared);
    }
    assertThat(Verifier.verify(dir, VerifyListener.NONE).problems()).isEmpty();

    clock.advance(Period.ofYears(3)); // desk keep's six years are over too
    try (Archive a = open()) {
      DispositionReport done = Disposition.run(a, COMPLIANCE, "books period over", Disposition.HoldQueries.NONE);
      assertThat(digests(done.blobs().removed())).containsExactly(shared);
      assertThat(done.blobs().removed().get(0).retainUntil()).isEqualTo(Instant.parse("2032-01-15T10:00:00Z"));
      assertThat(stored(shared)).isFalse();
      // nothing left to do: no pass over the records, nothing written
      long size = a.size();
      assertThat(a.disposeBlobs(COMPLIANCE, "again")).isEqualTo(BlobDisposal.NONE);
      assertThat(a.size()).isEqualTo(size);
    }
    assertThat(Verifier.verify(dir, VerifyListener.NONE).problems()).isEmpty();
  }

  @Test
  void anAuditRecordsBlobIsCofferStateAndStaysWhenTheRecordIsDisposed() throws IOException {
    String directory;
    try (Archive a = create()) {
      directory = blob(a, "{\"employees\":[]}");
      a.append(List.of(new Audit(Ids.derive("test/directory-import", "1"), "coffer", null, new Party("os:admin", null), T0,
          null, "directory-import", null, java.util.Map.of("directory", directory), null,
          new Source("coffer-cli", null, directory, null, null))));
    }
    clock.advance(Period.ofYears(7)); // past the books floor
    try (Archive a = open()) {
      DispositionReport done = Disposition.run(a, COMPLIANCE, "past retention", Disposition.HoldQueries.NONE);
      assertThat(done.disposable()).extracting(i -> i.id()).contains(Ids.derive("test/directory-import", "1"));
      assertThat(done.blobs().removed()).isEmpty();
      assertThat(stored(directory)).as("a pointer file outside the records still names it").isTrue();
    }
    assertThat(Verifier.verify(dir, VerifyListener.NONE).problems()).isEmpty();
  }

  @Test
  void aSmallBlobStoredInACommitsPackGoesWithItsPackAndVerifyFindsItBefore() throws IOException {
    byte[] body = "a webhook body stored with its records".getBytes(StandardCharsets.UTF_8);
    String sha = dev.coffer.model.Digests.sha256Hex(body);
    try (Archive a = create()) {
      a.append(List.of(message("w", "short", sha)), List.of(body));
    }
    assertThat(Verifier.verify(dir, VerifyListener.NONE).problems()).as("a packed blob counts as stored").isEmpty();
    clock.advance(Period.ofYears(4));
    try (Archive a = open()) {
      DispositionReport done = Disposition.run(a, COMPLIANCE, "past retention", Disposition.HoldQueries.NONE);
      assertThat(done.disposable()).hasSize(1);
      assertThat(digests(done.blobs().removed())).containsExactly(sha);
      assertThat(done.blobs().packs()).singleElement().satisfies(p -> assertThat(p.name()).startsWith(ArchiveLayout.PACKS));
      assertThat(a.hasBlob(sha)).isFalse();
    }
    assertThat(Verifier.verify(dir, VerifyListener.NONE).problems()).isEmpty();
  }

  @Test
  void aLegalHoldOrARestrictedRecordInRetentionKeepsASharedBlob() throws IOException {
    String held;
    String restricted;
    LegalHold hold;
    try (Archive a = create()) {
      setKeepPolicy(a);
      held = blob(a, "a contract scan");
      restricted = blob(a, "a passport photo");
      a.append(List.of(message("h1", "short", null, held), message("h2", "matter", null, held),
          message("r1", "short", null, restricted), message("r2", "keep", null, restricted)));
      hold = Retention.of(a, COMPLIANCE).createHold("Doe v. Desk", "litigation",
          List.of(new HoldScope.Conversation("matter")), Set.of());
      Retention.of(a, COMPLIANCE).restrict(Ids.derive("test/blob-message", "r2"), "erasure request during retention");
    }
    clock.advance(Period.ofYears(4));
    try (Archive a = open()) {
      DispositionReport done = Disposition.run(a, COMPLIANCE, "past retention", Disposition.HoldQueries.NONE);
      assertThat(done.held()).extracting(DispositionReport.Held::id).containsExactly(Ids.derive("test/blob-message", "h2"));
      assertThat(digests(done.blobs().kept())).containsExactlyInAnyOrder(held, restricted);
      assertThat(done.blobs().removed()).isEmpty();
      assertThat(stored(held) && stored(restricted)).isTrue();
      Retention.of(a, COMPLIANCE).releaseHold(hold.id(), "settled");
      DispositionReport after = Disposition.run(a, COMPLIANCE, "hold released", Disposition.HoldQueries.NONE);
      assertThat(digests(after.blobs().removed())).containsExactly(held);
      assertThat(stored(restricted)).as("the restricted record is still in retention").isTrue();
    }
    assertThat(Verifier.verify(dir, VerifyListener.NONE).problems()).isEmpty();
  }

  @Test
  void aBlobStoredAgainWhileItsOldRecordsAreDisposedIsKeptForTheRecordOnItsWay() throws IOException {
    String photo;
    try (Archive a = create()) {
      photo = blob(a, "a photo sent again years later");
      a.append(List.of(message("old", "short", null, photo)));
    }
    clock.advance(Period.ofYears(4));
    try (Archive a = open()) {
      Disposition.run(a, COMPLIANCE, "past retention", Disposition.HoldQueries.NONE);
      assertThat(a.hasBlob(photo)).isFalse();
    }
    try (Archive a = open()) {
      // the same bytes arrive again: stored anew
      assertThat(blob(a, "a photo sent again years later")).isEqualTo(photo);
      a.append(List.of(message("new", "short", null, photo)));
      assertThat(a.hasBlob(photo)).isTrue();
    }
    Path other = dir.resolveSibling(dir.getFileName() + "-2");
    // and within one process: stored (deduped to a no-op) just before a disposition whose records
    // referred to it, appended after. "control" is the same without the second store: it goes.
    try (Archive a = Archives.create(other, ArchiveOptions.defaults().withClock(clock))) {
      String again = blob(a, "forwarded twice");
      String control = blob(a, "forwarded once");
      a.append(List.of(message("first", "short", null, again), message("once", "short", null, control)));
      clock.advance(Period.ofYears(4));
      a.dispose(List.of(Ids.derive("test/blob-message", "first"), Ids.derive("test/blob-message", "once")), COMPLIANCE,
          "past retention", Set.of());
      assertThat(digests(a.disposeBlobs(COMPLIANCE, "first run").kept())).as("both stored since the previous run")
          .containsExactlyInAnyOrder(again, control);
      assertThat(blob(a, "forwarded twice")).isEqualTo(again); // a connector stores the attachment...
      BlobDisposal d = a.disposeBlobs(COMPLIANCE, "second run"); // ...a disposition runs meanwhile...
      assertThat(digests(d.removed())).containsExactly(control);
      assertThat(d.kept()).singleElement().satisfies(k -> {
        assertThat(k.sha256()).isEqualTo(again);
        assertThat(k.why()).contains("on its way");
      });
      a.append(List.of(message("second", "short", null, again))); // ...then the message is appended
      assertThat(a.hasBlob(again)).isTrue();
      assertThat(a.disposeBlobs(COMPLIANCE, "next run").kept()).singleElement()
          .satisfies(k -> assertThat(k.why()).contains("live record"));
    }
    assertThat(Verifier.verify(other, VerifyListener.NONE).problems()).isEmpty();
  }

  @Test
  void theWormStoreRefusesABlobDeleteBeforeItsRetainUntilAndAuditsIt() throws IOException {
    try (Archive a = create()) {
      String sha = blob(a, "an attachment in retention");
      a.append(List.of(message("m", "short", null, sha)));
      assertThatThrownBy(() -> ((SegmentedArchive) a).deleteBlobForTest(sha, T0.plus(Period.ofDays(1))))
          .isInstanceOf(RetentionViolationException.class).hasMessageContaining("in retention until");
      assertThat(a.hasBlob(sha)).isTrue();
      assertThat(RetentionFixtures.audits(a, RetentionLedger.REFUSED)).singleElement()
          .satisfies(au -> assertThat(au.detail().get("attempt")).contains("before its retain-until"));
      // and the plain delete path refuses blobs whatever the date
      assertThatThrownBy(() -> ((SegmentedArchive) a).objectStore().delete(FileFixtures.blobKeyIn(dir, sha)))
          .isInstanceOf(RetentionViolationException.class);
      assertThat(a.hasBlob(sha)).isTrue();
    }
  }

  @Test
  void verifyFlagsAMissingBlobALiveRecordRefersTo() throws IOException {
    String sha;
    try (Archive a = create()) {
      sha = blob(a, "an attachment someone deletes by hand");
      a.append(List.of(message("m", "short", null, sha)));
    }
    assertThat(Verifier.verify(dir, VerifyListener.NONE).problems()).isEmpty();
    Files.delete(dir.resolve(ArchiveLayout.OBJECTS).resolve(FileFixtures.blobKeyIn(dir, sha)));
    List<Problem> problems = Verifier.verify(dir, VerifyListener.NONE).problems();
    assertThat(problems).singleElement().satisfies(p -> {
      assertThat(p.what()).contains("blob " + sha + " is missing").contains("live record 1");
    });
  }

  @Test
  void theMirrorLosesItsCopyToo() throws IOException {
    Path data = dir.resolve("data");
    Path mirror = dir.resolve("mirror");
    String sha;
    try (Archive a = Archives.create(data, ArchiveOptions.defaults().withClock(clock))) {
      sha = blob(a, "a voice note");
    }
    Mirrors.add(data, mirror, Policy.BOTH, "os:admin", "host-1");
    try (Archive a = Archives.open(data, ArchiveOptions.defaults().withClock(clock))) {
      a.append(List.of(message("m", "short", null, sha)));
    }
    String key = FileFixtures.blobKeyIn(data, sha);
    assertThat(Files.exists(mirror.resolve(ArchiveLayout.OBJECTS).resolve(key))).isTrue();
    clock.advance(Period.ofYears(4));
    try (Archive a = Archives.open(data, ArchiveOptions.defaults().withClock(clock))) {
      assertThat(digests(Disposition.run(a, COMPLIANCE, "past retention", Disposition.HoldQueries.NONE).blobs().removed()))
          .containsExactly(sha);
    }
    assertThat(Files.exists(data.resolve(ArchiveLayout.OBJECTS).resolve(key))).isFalse();
    assertThat(Files.exists(mirror.resolve(ArchiveLayout.OBJECTS).resolve(key))).isFalse();
    assertThat(Mirrors.compare(data).problems()).isEmpty();
    assertThat(Verifier.verify(data, VerifyListener.NONE).problems()).isEmpty();
    // the mirror holds no master key: it is verified with the primary's (as an escrowed key would be)
    assertThat(Verifier.verify(mirror, VerifyListener.NONE,
        dev.coffer.archive.crypto.MasterKeySource.standard(data, java.util.Map.of())).problems()).isEmpty();
  }
}
