package dev.coffer.archive.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.archive.RecordFixtures;
import dev.coffer.archive.StoredRecord;
import dev.coffer.model.Audit;
import dev.coffer.model.Party;
import dev.coffer.model.Record;
import dev.coffer.model.RecordJson;
import dev.coffer.model.Source;
import java.time.Instant;
import java.time.Period;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Policies read back equal; a record's retention never shrinks, whatever extension records follow. */
class RetentionProperties {

  @Provide
  Arbitrary<RetentionPolicy> policies() {
    Arbitrary<Integer> extra = Arbitraries.integers().between(0, 12);
    Arbitrary<RetentionClass> cls = Arbitraries.of(RetentionClass.class);
    Arbitrary<RetentionPolicy.Rule> rule = Combinators.combine(Arbitraries.integers().between(0, 2),
        Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8), cls, Arbitraries.integers().between(0, 12))
        .as((kind, name, c, months) -> {
          Period p = c.defaultFloor().plusMonths(months).normalized();
          return switch (kind) {
            case 0 -> RetentionPolicy.Rule.channel(name, c, p);
            case 1 -> RetentionPolicy.Rule.conversation(name, c, p);
            default -> RetentionPolicy.Rule.people(Set.of("+" + name.length(), name), c, p);
          };
        });
    return Combinators.combine(extra, extra, extra, cls, rule.list().ofMaxSize(5), Arbitraries.integers().between(0, 50))
        .as((a, b, c, def, rules, version) -> {
          Map<RetentionClass, Period> floors = new EnumMap<>(RetentionClass.class);
          // floors at most 6 months above the default so every rule (up to +12 months) stays legal
          floors.put(RetentionClass.COMMUNICATIONS, Period.ofYears(3).plusMonths(a % 7).normalized());
          floors.put(RetentionClass.BOOKS, Period.ofYears(6).plusMonths(b % 7).normalized());
          floors.put(RetentionClass.MIFID, Period.ofYears(5).plusMonths(c % 7).normalized());
          List<RetentionPolicy.Rule> legal = rules.stream()
              .filter(r -> r.period().toTotalMonths() >= floors.get(r.retentionClass()).toTotalMonths()).toList();
          return new RetentionPolicy(version, floors, Period.ofYears(8), def, legal);
        });
  }

  @Property(tries = 200)
  void aPolicyReadsBackEqual(@ForAll("policies") RetentionPolicy p) {
    assertThat(RetentionPolicy.fromJson(p.toJson())).isEqualTo(p);
  }

  @Property(tries = 200)
  void retentionOnlyGrowsWhateverExtensionsFollow(
      @ForAll @Size(max = 8) List<@IntRange(min = -4000, max = 4000) Integer> extensionDays) {
    Record message = RecordFixtures.message(1);
    long archivedAt = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    StoredRecord stored = new StoredRecord(1, "0".repeat(64), RecordJson.canonical(message), archivedAt);
    RetentionLedger ledger = RetentionLedger.empty();
    Instant fixed = ledger.retainUntil(stored).until();
    Instant previous = fixed;
    List<Instant> seen = new ArrayList<>();
    long serial = 2;
    for (int days : extensionDays) {
      Instant until = fixed.plusSeconds(days * 86_400L);
      seen.add(until);
      Audit ext = new Audit("ext-" + serial, "coffer", null, new Party("os:x", null), Instant.EPOCH, null,
          RetentionLedger.EXTEND, List.of(message.id()), Map.of("until", until.toString()), null,
          new Source("t", null, null, null, null));
      ledger = ledger.with(List.of(new StoredRecord(serial++, "0".repeat(64), RecordJson.canonical(ext), archivedAt)));
      Instant now = ledger.retainUntil(stored).until();
      assertThat(now).isAfterOrEqualTo(previous).isAfterOrEqualTo(fixed);
      previous = now;
    }
    Instant expected = seen.stream().reduce(fixed, (x, y) -> y.isAfter(x) ? y : x);
    assertThat(ledger.retainUntil(stored).until()).isEqualTo(expected);
  }
}
