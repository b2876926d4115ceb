package dev.coffer.archive;

import static dev.coffer.archive.RetentionFixtures.COMPLIANCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.archive.layout.ArchiveLayout;
import dev.coffer.archive.proof.ProofJson;
import dev.coffer.archive.proof.ProofVerifier;
import dev.coffer.archive.proof.PythonVerifier;
import dev.coffer.archive.retention.Disposal;
import dev.coffer.archive.retention.Disposition;
import dev.coffer.archive.retention.DispositionReport;
import dev.coffer.archive.retention.Retention;
import dev.coffer.archive.retention.RetentionLedger;
import dev.coffer.archive.retention.RetentionPolicy;
import dev.coffer.archive.segment.Segment;
import dev.coffer.archive.segment.SegmentEntry;
import dev.coffer.archive.segment.SegmentFormat;
import dev.coffer.archive.store.FileObjectStore;
import dev.coffer.archive.verify.Problem;
import dev.coffer.archive.verify.Verifier;
import dev.coffer.archive.verify.VerifyListener;
import dev.coffer.model.Audit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Period;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Disposition: dry run, tombstones, proofs that still verify, and the crash-safe segment rewrite. */
class DispositionTest {
  static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");
  @TempDir Path dir;
  @TempDir Path tmp;
  final MovableClock clock = new MovableClock(T0);

  Archive create() throws IOException {
    return Archives.create(dir, ArchiveOptions.defaults().withClock(clock));
  }

  Archive open() throws IOException {
    return Archives.open(dir, ArchiveOptions.defaults().withClock(clock));
  }

  static String id(long n) {
    return RecordFixtures.message(n).id();
  }

  /**
   * Policy v1 keeps conv-1 six years; then messages 0..6 (conv-0..conv-6) in one commit: after four
   * years, message 1 is kept and the rest expired (the commit put message 1 in a segment of its own).
   */
  static void archiveMixedSegment(Archive a) throws IOException {
    Retention.of(a, COMPLIANCE).setPolicy(RetentionPolicy.fromJson(
        "{\"rules\":[{\"conversation\":\"conv-1\",\"class\":\"books\",\"period\":\"P6Y\"}]}"), "desk 1 is books and records");
    a.append(RecordFixtures.messages(0, 7));
  }

  Map<String, byte[]> files() throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir.resolve(ArchiveLayout.OBJECTS))) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        out.put(dir.relativize(p).toString(), Files.readAllBytes(p));
      }
    }
    return out;
  }

  @Test
  void aDryRunReportsWhatWouldGoAndChangesNothing() throws IOException {
    try (Archive a = create()) {
      archiveMixedSegment(a);
    }
    clock.advance(Period.ofYears(4));
    Map<String, byte[]> before = files();
    DispositionReport plan;
    try (Archive a = open()) {
      long size = a.size();
      plan = Disposition.plan(a, Disposition.HoldQueries.NONE);
      assertThat(a.size()).isEqualTo(size);
    }
    Map<String, byte[]> after = files();
    assertThat(after).containsOnlyKeys(before.keySet());
    before.forEach((k, v) -> assertThat(after.get(k)).as(k).isEqualTo(v));
    assertThat(plan.dryRun()).isTrue();
    assertThat(plan.disposable()).extracting(Disposal.Item::id)
        .containsExactly(id(0), id(2), id(3), id(4), id(5), id(6));
    assertThat(plan.disposable().get(0).policyVersion()).isEqualTo(1);
    assertThat(plan.toJson()).contains("\"dry_run\" : true").contains("would_dispose").contains(plan.disposable().get(0).digest());
    assertThat(plan.toText()).contains("would dispose " + id(0)).contains("under policy v1");
  }

  @Test
  void disposalLeavesTombstonesAndEveryOlderProofStillVerifies() throws Exception {
    List<Path> oldProofs = new ArrayList<>();
    long sizeBefore;
    String disposedDigest;
    try (Archive a = create()) {
      archiveMixedSegment(a);
      a.append(RecordFixtures.messages(100, 3)); // a second segment, same age
      sizeBefore = a.size();
      // proofs handed out before disposition: of a record that will go, of one that stays, and a consistency proof
      long disposedSerial = a.get(id(0)).orElseThrow().serial();
      disposedDigest = a.get(id(0)).orElseThrow().digest();
      oldProofs.add(write("incl-disposed", ProofJson.write(a.proveInclusion(disposedSerial, sizeBefore))));
      oldProofs.add(write("incl-kept", ProofJson.write(a.proveInclusion(a.get(id(1)).orElseThrow().serial(), sizeBefore))));
      oldProofs.add(write("cons", ProofJson.write(a.proveConsistency(1, sizeBefore))));
    }
    clock.advance(Period.ofYears(4));
    DispositionReport report;
    try (Archive a = open()) {
      report = Disposition.run(a, COMPLIANCE, "records past retention, quarterly run", Disposition.HoldQueries.NONE);
      assertThat(report.dryRun()).isFalse();
      assertThat(report.disposable()).hasSize(9); // 6 of the first commit + 3 of the second
      // the first commit was laid out by retention (0 | 1 | 2..6): message 1, kept, has a segment of its own
      assertThat(report.segmentsRewritten()).isEqualTo(3);
      assertThat(report.liveRecordsCopied()).isZero();
      assertThat(a.get(id(0))).isEmpty();
      assertThat(a.contains(id(0))).isTrue(); // a re-delivered copy is still a duplicate
      assertThat(a.append(List.of(RecordFixtures.message(0))).duplicates()).isEqualTo(1);
      assertThat(a.get(id(1))).isPresent();
      List<String> seen = new ArrayList<>();
      a.scan(1, r -> seen.add(r.record().id()));
      assertThat(seen).contains(id(1)).doesNotContain(id(0), id(2), id(100));
      // the audit trail keeps ids, digests, the policy and the reason
      Audit d = RetentionFixtures.audits(a, RetentionLedger.DISPOSITION).get(0);
      assertThat(d.targets()).contains(id(0), id(100));
      assertThat(d.detail().get("digests")).contains(disposedDigest);
      assertThat(d.detail().get("policies")).contains("v1");
      assertThat(d.detail()).containsEntry("reason", "records past retention, quarterly run");
      assertThat(a.retention().disposed()).containsEntry(id(0), disposedDigest);
      assertThatThrownBy(() -> a.proveInclusion(id(0), a.size())).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("disposed");
      // new proofs of kept records across the rewritten segment, and from the old tree head
      oldProofs.add(write("incl-kept-new", ProofJson.write(a.proveInclusion(a.get(id(1)).orElseThrow().serial(), a.size()))));
      oldProofs.add(write("cons-new", ProofJson.write(a.proveConsistency(sizeBefore, a.size()))));
    }
    for (Path p : oldProofs) {
      assertThat(ProofVerifier.verify(Files.readAllBytes(p)).valid()).as(p.toString()).isTrue();
    }
    PythonVerifier.Result py = PythonVerifier.verifyAll(oldProofs);
    assertThat(py.status()).as(py.output()).isZero();
    assertThat(Verifier.verify(dir, VerifyListener.NONE).problems()).isEmpty();
    // segments rewritten are version 2 and the reopened archive agrees
    try (Archive a = open()) {
      assertThat(a.get(id(2))).isEmpty();
      assertThat(a.retention().disposed()).hasSize(9);
      assertThat(Disposition.plan(a, Disposition.HoldQueries.NONE).disposable()).isEmpty();
    }
  }

  @Test
  void verifyReportsContentRemovedOutsideDisposition() throws IOException {
    try (Archive a = create()) {
      a.append(RecordFixtures.messages(0, 3));
    }
    // Someone with the directory and its keys blanks a record by hand, making a well-formed tombstone.
    try (dev.coffer.archive.store.ObjectStore raw = Archives.encryption(dir, dev.coffer.archive.crypto.MasterKeySource.standard(dir))
        .wrap(new FileObjectStore(dir.resolve(ArchiveLayout.OBJECTS)))) {
      String key = ArchiveLayout.segmentKey(1);
      Segment s = SegmentFormat.decode(key, raw.get(key), true);
      List<SegmentEntry> e = new ArrayList<>(s.entries());
      e.set(1, SegmentEntry.tombstone(e.get(1).id(), e.get(1).digest()));
      raw.delete(key);
      raw.put(key, SegmentFormat.encode(new Segment(1, s.archivedAt(), e)));
    }
    List<Problem> problems = Verifier.verify(dir, VerifyListener.NONE).problems();
    assertThat(problems).singleElement().satisfies(p -> assertThat(p.what()).contains("no disposition record authorizes it"));
  }

  @Test
  void aScheduledDispositionRunsByItself() throws Exception {
    try (Archive a = create()) {
      a.append(RecordFixtures.messages(0, 3));
      clock.advance(Period.ofYears(3).plusMonths(1));
      java.util.concurrent.ScheduledExecutorService ex = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
      java.util.concurrent.LinkedBlockingQueue<DispositionReport> reports = new java.util.concurrent.LinkedBlockingQueue<>();
      try {
        Disposition.runScheduled(a, COMPLIANCE, ex, java.time.Duration.ofMillis(20), Disposition.HoldQueries.NONE, reports::add);
        DispositionReport first = reports.poll(60, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(first).isNotNull();
        assertThat(first.disposable()).hasSize(3);
        assertThat(first.auditRecords()).hasSize(1);
      } finally {
        ex.shutdownNow();
      }
      assertThat(a.get(id(0))).isEmpty();
    }
  }

  private Path write(String name, byte[] bytes) throws IOException {
    Path p = tmp.resolve(name + ".json");
    Files.write(p, bytes);
    return p;
  }

  /** Proof objects are records of this module; Problem exposes what. */
  static Set<String> whats(List<Problem> ps) {
    return Set.copyOf(ps.stream().map(Problem::what).toList());
  }
}
