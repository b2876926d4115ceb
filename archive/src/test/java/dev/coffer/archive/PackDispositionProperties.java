package dev.coffer.archive;

import static dev.coffer.archive.BlobDispositionTest.message;
import static dev.coffer.archive.RetentionFixtures.COMPLIANCE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.archive.retention.BlobDisposal;
import dev.coffer.archive.retention.Disposition;
import dev.coffer.archive.retention.HoldScope;
import dev.coffer.archive.retention.Retention;
import dev.coffer.archive.retention.RetentionPolicy;
import dev.coffer.archive.verify.Verifier;
import dev.coffer.archive.verify.VerifyListener;
import dev.coffer.model.Digests;
import dev.coffer.model.Record;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Period;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Webhook commits with bodies over conversations of different retention (short, kept longer, under a
 * legal hold), some bodies shared: after disposition every live record's body still reads back, verify
 * is clean, every removed pack held only bodies no live record uses, and a body only disposed records
 * used is gone unless its pack holds one a live record uses.
 */
class PackDispositionProperties {
  static final List<String> CONVERSATIONS = List.of("short", "keep", "matter");

  /** One delivery: its conversation and which of a small set of bodies it carries. */
  record Delivery(String conversation, int body) {}

  @Provide
  Arbitrary<List<List<Delivery>>> commits() {
    Arbitrary<Delivery> d = net.jqwik.api.Combinators.combine(Arbitraries.of(CONVERSATIONS), Arbitraries.integers().between(0, 9))
        .as(Delivery::new);
    return d.list().ofMinSize(1).ofMaxSize(6).list().ofMinSize(1).ofMaxSize(4);
  }

  static byte[] body(int i) {
    return ("{\"entry\":[{\"id\":\"" + i + "\"}]}").getBytes(StandardCharsets.UTF_8);
  }

  @Property(tries = 12)
  void liveBodiesStayAndExpiredPacksGoWhole(@ForAll("commits") List<List<Delivery>> commits) throws IOException {
    Path dir = Files.createTempDirectory("coffer-packs-");
    MovableClock clock = new MovableClock(Instant.parse("2026-01-15T10:00:00Z"));
    Set<String> liveBodies = new HashSet<>();
    Set<String> allBodies = new HashSet<>();
    try {
      try (Archive a = Archives.create(dir, ArchiveOptions.defaults().withClock(clock))) {
        Retention.of(a, COMPLIANCE).setPolicy(RetentionPolicy.fromJson(
            "{\"rules\":[{\"conversation\":\"keep\",\"class\":\"books\",\"period\":\"P6Y\"}]}"), "desk keep is books");
        Retention.of(a, COMPLIANCE).createHold("Doe v. Desk", "litigation", List.of(new HoldScope.Conversation("matter")),
            Set.of());
        int n = 0;
        for (List<Delivery> commit : commits) {
          List<Record> records = new ArrayList<>();
          List<byte[]> bodies = new ArrayList<>();
          for (Delivery d : commit) {
            byte[] b = body(d.body());
            String sha = Digests.sha256Hex(b);
            records.add(message("p" + n++, d.conversation(), sha));
            bodies.add(b);
            allBodies.add(sha);
            if (!d.conversation().equals("short")) {
              liveBodies.add(sha);
            }
          }
          a.append(records, bodies);
        }
      }
      clock.advance(Period.ofYears(4));
      try (Archive a = Archives.open(dir, ArchiveOptions.defaults().withClock(clock))) {
        var report = Disposition.run(a, COMPLIANCE, "past retention", Disposition.HoldQueries.NONE);
        for (BlobDisposal.Pack p : report.blobs().packs()) {
          assertThat(p.blobs()).extracting(BlobDisposal.Blob::sha256).noneMatch(liveBodies::contains);
        }
        for (String sha : liveBodies) {
          assertThat(a.openBlob(sha).readAllBytes()).isNotEmpty();
        }
        Set<String> removed = new HashSet<>();
        report.blobs().removed().forEach(b -> removed.add(b.sha256()));
        for (String sha : allBodies) {
          if (!liveBodies.contains(sha)) {
            var pack = a.blobPack(sha);
            assertThat(removed.contains(sha) || pack.isPresent() && pack.get().blobs().keySet().stream()
                .anyMatch(liveBodies::contains)).as("an expired body is removed or kept by a live one in its pack").isTrue();
          }
        }
      }
      assertThat(Verifier.verify(dir, VerifyListener.NONE).problems()).isEmpty();
    } finally {
      FileFixtures.deleteTree(dir);
    }
  }
}
