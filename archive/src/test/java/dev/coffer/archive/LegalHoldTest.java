package dev.coffer.archive;

import static dev.coffer.archive.RetentionFixtures.COMPLIANCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.archive.retention.Disposal;
import dev.coffer.archive.retention.Disposition;
import dev.coffer.archive.retention.DispositionReport;
import dev.coffer.archive.retention.HoldScope;
import dev.coffer.archive.retention.LegalHold;
import dev.coffer.archive.retention.Retention;
import dev.coffer.archive.retention.RetentionLedger;
import dev.coffer.archive.retention.RetentionViolationException;
import dev.coffer.model.Record;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Period;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A held record is never disposed, whatever its retention; holds and releases are audit records. */
class LegalHoldTest {
  @TempDir Path dir;
  final MovableClock clock = new MovableClock(Instant.parse("2026-01-15T10:00:00Z"));

  static String id(long n) {
    return RecordFixtures.message(n).id();
  }

  /** Message 8 is the one each scope is built to hold. */
  static Stream<Arguments> scopes() {
    Record m = RecordFixtures.message(8);
    return Stream.of(
        Arguments.of("custodian", List.of(new HoldScope.Custodian(m.sender().handle())), Set.of(), Disposition.HoldQueries.NONE),
        Arguments.of("conversation", List.of(new HoldScope.Conversation(m.conversation().id())), Set.of(id(1)),
            Disposition.HoldQueries.NONE),
        Arguments.of("query (ids matched at creation)", List.of(new HoldScope.Query("insider")), Set.of(id(8)),
            Disposition.HoldQueries.NONE),
        Arguments.of("query (matched by the search index now)", List.of(new HoldScope.Query("insider")), Set.of(),
            (Disposition.HoldQueries) q -> q.equals("insider") ? Set.of(id(8)) : Set.of()),
        Arguments.of("dates", List.of(new HoldScope.DateRange(m.sentAt(), m.sentAt().plusSeconds(1))), Set.of(),
            Disposition.HoldQueries.NONE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scopes")
  void aHoldOfEachScopeKeepsItsRecordsPastRetentionUntilReleased(String name, List<HoldScope> scopes, Set<String> snapshot,
      Disposition.HoldQueries queries) throws IOException {
    try (Archive a = Archives.create(dir, ArchiveOptions.defaults().withClock(clock))) {
      a.append(RecordFixtures.messages(0, 10));
      LegalHold h = Retention.of(a, COMPLIANCE).createHold("Acme v. Us", "litigation notice 3", scopes, snapshot);
      assertThat(h.active()).isTrue();
      clock.advance(Period.ofYears(10)); // far past every retention

      DispositionReport plan = Disposition.plan(a, queries);
      assertThat(plan.held()).extracting(DispositionReport.Held::id).contains(id(8));
      assertThat(plan.disposable()).extracting(Disposal.Item::id).doesNotContain(id(8)).contains(id(9));
      // the archive itself refuses a direct dispose of the held record, and audits the attempt
      Set<String> matchedNow = queries.matching("insider");
      assertThatThrownBy(() -> a.dispose(List.of(id(8)), COMPLIANCE, "ignore the hold", matchedNow))
          .isInstanceOf(RetentionViolationException.class).hasMessageContaining("under legal hold [" + h.id());
      assertThat(RetentionFixtures.audits(a, RetentionLedger.REFUSED)).hasSize(1);

      DispositionReport done = Disposition.run(a, COMPLIANCE, "past retention", queries);
      assertThat(done.disposable()).extracting(Disposal.Item::id).doesNotContain(id(8));
      assertThat(a.get(id(8))).isPresent();
      assertThat(a.get(id(9))).isEmpty();

      Retention.of(a, COMPLIANCE).releaseHold(h.id(), "matter closed");
      assertThat(a.retention().hold(h.id()).orElseThrow().active()).isFalse();
      assertThat(Disposition.run(a, COMPLIANCE, "after release", queries).disposable()).extracting(Disposal.Item::id)
          .contains(id(8));
      assertThat(a.get(id(8))).isEmpty();
      assertThat(RetentionFixtures.audits(a, RetentionLedger.HOLD_CREATE)).hasSize(1);
      assertThat(RetentionFixtures.audits(a, RetentionLedger.HOLD_RELEASE)).singleElement()
          .satisfies(r -> assertThat(r.detail()).containsEntry("reason", "matter closed"));
    }
  }

  @Test
  void holdHistoryIsRebuiltFromTheArchiveAndAReleaseCannotBeRepeated() throws IOException {
    String holdId;
    try (Archive a = Archives.create(dir, ArchiveOptions.defaults().withClock(clock))) {
      Retention r = Retention.of(a, COMPLIANCE);
      holdId = r.createHold("M1", "notice", List.of(new HoldScope.Custodian("+15550000001")), Set.of()).id();
      r.createHold("M2", "notice", List.of(new HoldScope.DateRange(null, Instant.parse("2026-01-01T00:00:00Z"))), Set.of());
      r.releaseHold(holdId, "done");
      assertThatThrownBy(() -> r.releaseHold(holdId, "again")).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("already released");
      assertThatThrownBy(() -> r.createHold("M3", "notice", List.of(), Set.of())).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("at least one scope");
    }
    try (Archive a = Archives.open(dir, ArchiveOptions.defaults().withClock(clock))) {
      assertThat(a.retention().holds()).extracting(LegalHold::matter).containsExactly("M1", "M2");
      assertThat(a.retention().activeHolds()).extracting(LegalHold::matter).containsExactly("M2");
      assertThat(a.retention().hold(holdId).orElseThrow().releaseReason()).isEqualTo("done");
    }
  }
}
