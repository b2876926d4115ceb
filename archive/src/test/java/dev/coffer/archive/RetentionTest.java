package dev.coffer.archive;

import static dev.coffer.archive.RetentionFixtures.COMPLIANCE;
import static dev.coffer.archive.RetentionFixtures.REVIEWER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.archive.retention.Retention;
import dev.coffer.archive.retention.RetentionLedger;
import dev.coffer.archive.retention.RetentionPolicy;
import dev.coffer.archive.retention.RetentionViolationException;
import dev.coffer.model.Audit;
import dev.coffer.model.Party;
import dev.coffer.model.Source;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Period;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention policies as versioned records; a record's retain-until fixed when archived, extended only. */
class RetentionTest {
  static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");
  @TempDir Path dir;
  final MovableClock clock = new MovableClock(T0);

  Archive open() throws IOException {
    return Archives.exists(dir) ? Archives.open(dir, ArchiveOptions.defaults().withClock(clock))
        : Archives.create(dir, ArchiveOptions.defaults().withClock(clock));
  }

  @Test
  void retainUntilIsFixedByThePolicyInForceWhenArchivedAndSurvivesReopening() throws IOException {
    String old = RecordFixtures.message(1).id();
    String young = RecordFixtures.message(2).id();
    try (Archive a = open()) {
      a.append(List.of(RecordFixtures.message(1)));
      assertThat(a.retention().retainUntil(a.get(old).orElseThrow()).until()).isEqualTo(Instant.parse("2029-01-15T10:00:00Z"));

      clock.advance(Period.ofMonths(1));
      Retention.of(a, COMPLIANCE).setPolicy(RetentionPolicy.fromJson(
          "{\"rules\":[{\"channel\":\"whatsapp\",\"class\":\"books\",\"period\":\"P6Y\"}]}"), "board decision 12");
      clock.advance(Period.ofMonths(1));
      a.append(List.of(RecordFixtures.message(2)));

      RetentionLedger l = a.retention();
      assertThat(l.currentPolicy().version()).isEqualTo(1);
      // the new version does not touch the record archived before it
      assertThat(l.retainUntil(a.get(old).orElseThrow()).until()).isEqualTo(Instant.parse("2029-01-15T10:00:00Z"));
      assertThat(l.retainUntil(a.get(old).orElseThrow()).policyVersion()).isZero();
      RetentionLedger.RetainUntil y = l.retainUntil(a.get(young).orElseThrow());
      assertThat(y.until()).isEqualTo(Instant.parse("2032-03-15T10:00:00Z"));
      assertThat(y.policyVersion()).isEqualTo(1);
      assertThat(y.decision().rule()).contains("channel=whatsapp");

      // A later version that shortens whatsapp to 3 years still leaves both as they were.
      clock.advance(Period.ofMonths(1));
      Retention.of(a, COMPLIANCE).setPolicy(RetentionPolicy.defaults(), "back to defaults");
      assertThat(a.retention().retainUntil(a.get(young).orElseThrow()).until()).isEqualTo(Instant.parse("2032-03-15T10:00:00Z"));
    }
    // Derived from the archive alone: a fresh open rebuilds the same state.
    try (Archive a = open()) {
      assertThat(a.retention().policies()).hasSize(2);
      assertThat(a.retention().retainUntil(a.get(young).orElseThrow()).until()).isEqualTo(Instant.parse("2032-03-15T10:00:00Z"));
      assertThat(a.retention().retainUntil(a.get(old).orElseThrow()).until()).isEqualTo(Instant.parse("2029-01-15T10:00:00Z"));
    }
  }

  @Test
  void retentionIsOnlyExtendedAndAShorteningIsRefusedAndAudited() throws IOException {
    String id = RecordFixtures.message(1).id();
    try (Archive a = open()) {
      a.append(List.of(RecordFixtures.message(1)));
      Retention r = Retention.of(a, COMPLIANCE);
      r.extend(List.of(id), Instant.parse("2031-01-15T10:00:00Z"), "regulator's request 7");
      assertThat(a.retention().retainUntil(a.get(id).orElseThrow()).until()).isEqualTo(Instant.parse("2031-01-15T10:00:00Z"));

      assertThatThrownBy(() -> r.extend(List.of(id), Instant.parse("2030-01-01T00:00:00Z"), "oops"))
          .isInstanceOf(RetentionViolationException.class).hasMessageContaining("only ever extended");
      assertThat(RetentionFixtures.audits(a, RetentionLedger.REFUSED)).singleElement()
          .satisfies(x -> assertThat(x.detail()).containsEntry("attempt", "retention.shorten"));
      assertThat(a.retention().retainUntil(a.get(id).orElseThrow()).until()).isEqualTo(Instant.parse("2031-01-15T10:00:00Z"));

      // up to the maximum (7 years), not past it
      r.extend(List.of(id), Instant.parse("2033-01-15T10:00:00Z"), "max");
      assertThatThrownBy(() -> r.extend(List.of(id), Instant.parse("2033-01-15T10:00:01Z"), "past max"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maximum");

      // An extension record forged with an earlier date (appended directly) cannot shorten either.
      a.append(List.of(new Audit("forged-extend", "coffer", null, new Party("os:mallory", null), clock.instant(), null,
          RetentionLedger.EXTEND, List.of(id), Map.of("until", "2027-01-01T00:00:00Z", "role", "admin"), null,
          new Source("test", null, null, null, null))));
      assertThat(a.retention().retainUntil(a.get(id).orElseThrow()).until()).isEqualTo(Instant.parse("2033-01-15T10:00:00Z"));
    }
  }

  @Test
  void aPolicyCannotLowerAFloorAndForgedActsAreRefusedByTheArchive() throws IOException {
    try (Archive a = open()) {
      Retention r = Retention.of(a, COMPLIANCE);
      r.setPolicy(RetentionPolicy.fromJson("{\"floors\":{\"communications\":\"P4Y\"}}"), "raise");
      assertThatThrownBy(() -> r.setPolicy(RetentionPolicy.defaults(), "lower"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lowers the communications floor");
      // a version number out of sequence, appended directly
      String skip = RetentionPolicy.defaults().asVersion(5).toJson();
      assertThatThrownBy(() -> a.append(List.of(new Audit("forged-policy", "coffer", null, new Party("os:mallory", null),
          clock.instant(), null, RetentionLedger.POLICY, null, Map.of("policy", skip), null, new Source("t", null, null, null, null)))))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not follow");
      // disposition records come only from dispose()
      assertThatThrownBy(() -> a.append(List.of(new Audit("forged-disposition", "coffer", null, new Party("os:mallory", null),
          clock.instant(), null, RetentionLedger.DISPOSITION, List.of("x"), Map.of("digests", "{}"), null,
          new Source("t", null, null, null, null)))))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only by the archive");
      assertThat(a.retention().policies()).hasSize(1);
    }
  }

  @Test
  void verifyCatchesAnArchiveTimeMovedBackToShortenRetention() throws IOException {
    try (Archive a = open()) {
      a.append(RecordFixtures.messages(0, 3));
    }
    // Someone with the directory and its keys rewrites the segment with archived-at three years
    // earlier and a correct CRC.
    try (dev.coffer.archive.store.ObjectStore raw = Archives.encryption(dir, dev.coffer.archive.crypto.MasterKeySource.standard(dir))
        .wrap(new dev.coffer.archive.store.FileObjectStore(dir.resolve(dev.coffer.archive.layout.ArchiveLayout.OBJECTS)))) {
      String key = dev.coffer.archive.layout.ArchiveLayout.segmentKey(1);
      dev.coffer.archive.segment.Segment s = dev.coffer.archive.segment.SegmentFormat.decode(key, raw.get(key), true);
      raw.delete(key);
      raw.put(key, dev.coffer.archive.segment.SegmentFormat.encode(new dev.coffer.archive.segment.Segment(1,
          s.archivedAt() - Period.ofYears(3).toTotalMonths() * 31L * 86_400_000L, s.entries())));
    }
    assertThat(dev.coffer.archive.verify.Verifier.verify(dir, dev.coffer.archive.verify.VerifyListener.NONE).problems())
        .singleElement().satisfies(p -> assertThat(p.what()).contains("archived-at differs from the signed time"));
  }

  @Test
  void onlyComplianceRestrictsAndTheRestrictionIsAuditedState() throws IOException {
    String id = RecordFixtures.message(3).id();
    try (Archive a = open()) {
      a.append(List.of(RecordFixtures.message(3)));
      assertThatThrownBy(() -> Retention.of(a, REVIEWER).restrict(id, "GDPR request 42"))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("compliance role");
      assertThat(a.retention().restricted(id)).isFalse();
      Retention.of(a, COMPLIANCE).restrict(id, "GDPR request 42");
    }
    try (Archive a = open()) {
      assertThat(a.retention().restricted(id)).isTrue();
      assertThat(a.retention().restrictions().get(id).reason()).isEqualTo("GDPR request 42");
      assertThat(RetentionFixtures.audits(a, RetentionLedger.RESTRICT)).singleElement()
          .satisfies(x -> assertThat(x.sender().handle()).isEqualTo("os:carol"));
    }
  }
}
