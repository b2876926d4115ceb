package dev.coffer.archive;

import static dev.coffer.archive.RetentionFixtures.COMPLIANCE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.archive.layout.ArchiveLayout;
import dev.coffer.archive.proof.ProofVerifier;
import dev.coffer.archive.retention.Disposition;
import dev.coffer.archive.retention.DispositionReport;
import dev.coffer.archive.retention.Retention;
import dev.coffer.archive.retention.RetentionPolicy;
import dev.coffer.archive.verify.Verifier;
import dev.coffer.archive.verify.VerifyListener;
import dev.coffer.model.Audit;
import dev.coffer.model.Party;
import dev.coffer.model.Record;
import dev.coffer.model.Source;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Period;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Segment layout by retention: records of one commit that expire at different times go to different
 * segments, so disposition tombstones whole segments and copies no live record (counted by
 * {@link DispositionReport#liveRecordsCopied()}); serials, proofs and verify are unchanged.
 */
class SegmentLayoutTest {
  static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");
  @TempDir Path dir;
  final MovableClock clock = new MovableClock(T0);

  Archive create() throws IOException {
    return Archives.create(dir, ArchiveOptions.defaults().withClock(clock));
  }

  Archive open() throws IOException {
    return Archives.open(dir, ArchiveOptions.defaults().withClock(clock));
  }

  long segments() throws IOException {
    if (!Files.exists(dir.resolve(ArchiveLayout.OBJECTS).resolve(ArchiveLayout.SEGMENTS))) {
      return 0;
    }
    try (Stream<Path> walk = Files.walk(dir.resolve(ArchiveLayout.OBJECTS).resolve(ArchiveLayout.SEGMENTS))) {
      return walk.filter(Files::isRegularFile).count();
    }
  }

  static Record searchAudit(long n) {
    return new Audit(dev.coffer.model.Ids.derive("test/search-audit", Long.toString(n)), "coffer", null,
        new Party("os:rick", null), T0, null, "search", List.of(), Map.of("query", "q" + n), null,
        new Source("test", null, null, null, null));
  }

  static Record message(long n, String conversation) {
    Record m = RecordFixtures.message(n);
    return dev.coffer.model.Message.builder().id(m.id()).channel("whatsapp")
        .conversation(new dev.coffer.model.Conversation(conversation, dev.coffer.model.ConversationKind.GROUP, "Desk"))
        .sender(m.sender()).sentAt(m.sentAt()).text("message " + n).source(m.source()).build();
  }

  @Test
  void auditRecordsInOneCommitWithMessagesGetTheirOwnSegmentAndDispositionCopiesNoLiveRecord() throws IOException {
    List<Record> batch = new ArrayList<>(RecordFixtures.messages(0, 5));
    batch.add(searchAudit(1)); // books: six years, the messages three
    batch.addAll(RecordFixtures.messages(5, 5));
    try (Archive a = create()) {
      long before = segments();
      var result = a.append(batch);
      // serials in append order, gap-free, whatever the layout
      assertThat(result.outcomes()).extracting(AppendResult.Outcome::serial)
          .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
      assertThat(segments() - before).isEqualTo(3);
    }
    clock.advance(Period.ofYears(4));
    try (Archive a = open()) {
      DispositionReport done = Disposition.run(a, COMPLIANCE, "past retention", Disposition.HoldQueries.NONE);
      assertThat(done.disposable()).hasSize(10);
      assertThat(done.segmentsRewritten()).isEqualTo(2);
      assertThat(done.liveRecordsCopied()).as("no live record shared a segment with a disposed one").isZero();
      assertThat(a.get(6)).isPresent();
      assertThat(ProofVerifier.verify(a.proveInclusion(6, a.size()), a.signingKey()).valid()).isTrue();
    }
    assertThat(Verifier.verify(dir, VerifyListener.NONE).problems()).isEmpty();
  }

  @Test
  void withThePolicyKnownRecordsAreSplitByThePeriodTheirRuleGives() throws IOException {
    try (Archive a = create()) {
      Retention.of(a, COMPLIANCE).setPolicy(RetentionPolicy.fromJson(
          "{\"rules\":[{\"conversation\":\"keep\",\"class\":\"books\",\"period\":\"P6Y\"}]}"), "desk keep is books");
      long before = segments();
      a.append(List.of(message(0, "short"), message(1, "short"), message(2, "keep"), message(3, "keep"),
          message(4, "short"), message(5, "short")));
      assertThat(segments() - before).isEqualTo(3);
    }
    clock.advance(Period.ofYears(4));
    try (Archive a = open()) {
      DispositionReport done = Disposition.run(a, COMPLIANCE, "past retention", Disposition.HoldQueries.NONE);
      assertThat(done.disposable()).hasSize(4);
      assertThat(done.liveRecordsCopied()).isZero();
    }
    assertThat(Verifier.verify(dir, VerifyListener.NONE).problems()).isEmpty();
  }

  @Test
  void oneCallersRecordsAlternatingBetweenPeriodsStayInOneSegmentAndTheRewriteCountsTheCopies() throws IOException {
    List<Record> alternating = new ArrayList<>();
    for (int i = 0; i < 2 * SegmentedArchive.MAX_RETENTION_RUNS; i++) {
      alternating.add(message(i, i % 2 == 0 ? "short" : "keep"));
    }
    try (Archive a = create()) {
      Retention.of(a, COMPLIANCE).setPolicy(RetentionPolicy.fromJson(
          "{\"rules\":[{\"conversation\":\"keep\",\"class\":\"books\",\"period\":\"P6Y\"}]}"), "desk keep is books");
      long before = segments();
      a.append(alternating);
      assertThat(segments() - before).as("a segment per run would cost a commit per record").isEqualTo(1);
    }
    clock.advance(Period.ofYears(4));
    try (Archive a = open()) {
      DispositionReport done = Disposition.run(a, COMPLIANCE, "past retention", Disposition.HoldQueries.NONE);
      assertThat(done.disposable()).hasSize(SegmentedArchive.MAX_RETENTION_RUNS);
      assertThat(done.liveRecordsCopied()).isEqualTo(SegmentedArchive.MAX_RETENTION_RUNS);
      assertThat(done.toText()).contains(SegmentedArchive.MAX_RETENTION_RUNS + " live record(s) copied");
    }
  }

  @Test
  void concurrentCallersOfOneGroupCommitAreGroupedByRetention() throws Exception {
    try (Archive a = create()) {
      CountDownLatch inListener = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      a.addCommitListener(records -> {
        if (records.get(0).serial() == 1) {
          inListener.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      });
      Thread first = Thread.ofPlatform().start(() -> append(a, List.of(message(100, "short"))));
      inListener.await();
      // queued behind the held commit, in this order: message, audit, message
      List<Thread> queued = new ArrayList<>();
      for (Record r : List.of(message(1, "short"), searchAudit(2), message(3, "short"))) {
        Thread t = Thread.ofPlatform().start(() -> append(a, List.of(r)));
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TERMINATED) {
          Thread.onSpinWait();
        }
        queued.add(t);
      }
      long before = segments();
      release.countDown();
      first.join();
      for (Thread t : queued) {
        t.join();
      }
      assertThat(a.size()).isEqualTo(4);
      assertThat(segments() - before).as("the two messages together, the audit record apart").isEqualTo(2);
    }
    assertThat(Verifier.verify(dir, VerifyListener.NONE).problems()).isEmpty();
  }

  static void append(Archive a, List<Record> records) {
    try {
      a.append(records);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
