package dev.coffer.archive.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.archive.RecordFixtures;
import dev.coffer.archive.layout.ArchiveLayout;
import dev.coffer.model.Audit;
import dev.coffer.model.Record;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scheduled background verification: damage found within one cycle raises a log line, a metric and an audit record. */
class VerificationScheduleTest {
  @TempDir Path dir;

  @Test
  void aCorruptedAndAMissingObjectAlertWithinOneCycleOnce() throws Exception {
    Path data = dir.resolve("data");
    try (Archive a = Archives.create(data, ArchiveOptions.defaults().withMaxCommitRecords(10))) {
      a.append(RecordFixtures.messages(0, 40));
      String blob = a.putBlob("an original export".getBytes(StandardCharsets.UTF_8));
      VerificationSchedule schedule = new VerificationSchedule(a, new VerificationSchedule.Settings(64L << 20,
          Duration.ofHours(1)), Clock.systemUTC());
      VerificationSchedule.CycleReport clean = schedule.runCycle();
      assertThat(clean.problems()).isEmpty();
      assertThat(clean.objects()).isEqualTo(4 + 5 + 1); // segments, checkpoints 0..40, one blob
      assertThat(schedule.alerts()).isZero();

      Path objects = data.resolve(ArchiveLayout.OBJECTS);
      Path seg = objects.resolve(ArchiveLayout.segmentKey(21));
      byte[] b = Files.readAllBytes(seg);
      b[b.length / 2] ^= 0x08;
      Files.delete(seg);
      Files.write(seg, b);
      Files.delete(objects.resolve(ArchiveLayout.segmentKey(11)));
      Files.delete(objects.resolve(dev.coffer.archive.FileFixtures.blobKeyIn(data, blob)));
      Path blobFile = objects.resolve(dev.coffer.archive.FileFixtures.blobKeyIn(data, blob));
      Files.write(blobFile, "not the original".getBytes(StandardCharsets.UTF_8));

      long before = a.size();
      ByteArrayOutputStream log = new ByteArrayOutputStream();
      PrintStream err = System.err;
      VerificationSchedule.CycleReport damaged;
      System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
      try {
        damaged = schedule.runCycle();
      } finally {
        System.setErr(err);
      }
      List<String> keys = damaged.problems().stream().map(Problem::object).distinct().toList();
      assertThat(keys).containsExactlyInAnyOrder("objects/" + ArchiveLayout.segmentKey(11),
          "objects/" + ArchiveLayout.segmentKey(21), "objects/" + dev.coffer.archive.FileFixtures.blobKeyIn(data, blob));
      // the metric
      assertThat(schedule.alerts()).isEqualTo(3);
      assertThat(schedule.damagedObjects()).isEqualTo(3);
      assertThat(schedule.cyclesCompleted()).isEqualTo(2);
      // the log: ERROR with the key, no content
      String logged = log.toString(StandardCharsets.UTF_8);
      assertThat(logged).contains("ERROR").contains(ArchiveLayout.segmentKey(21)).contains(ArchiveLayout.segmentKey(11))
          .contains(dev.coffer.archive.FileFixtures.blobKeyIn(data, blob)).doesNotContain("message number");
      // the audit records, appended to the archive
      List<Audit> audits = new ArrayList<>();
      a.scan(before + 1, r -> {
        Record rec = r.record();
        if (rec instanceof Audit au && au.action().equals(VerificationSchedule.ACTION)) {
          audits.add(au);
        }
        return true;
      });
      assertThat(audits).hasSize(3);
      assertThat(audits).flatExtracting(Audit::targets).containsExactlyInAnyOrder(ArchiveLayout.segmentKey(11),
          ArchiveLayout.segmentKey(21), dev.coffer.archive.FileFixtures.blobKeyIn(data, blob));
      assertThat(audits.get(0).sender().handle()).isEqualTo("coffer:verifier");

      // a second cycle finds the same damage and does not alert again
      long size = a.size();
      assertThat(schedule.runCycle().problems()).isNotEmpty();
      assertThat(schedule.alerts()).isEqualTo(3);
      assertThat(a.size()).isEqualTo(size);
    }
  }

  @Test
  void anAlertsAuditRecordIsDurableBeforeTheAlertIsCounted() throws Exception {
    Path data = dir.resolve("order");
    try (Archive a = Archives.create(data, ArchiveOptions.defaults().withMaxCommitRecords(10))) {
      a.append(RecordFixtures.messages(0, 30));
      VerificationSchedule schedule = new VerificationSchedule(a, new VerificationSchedule.Settings(64L << 20,
          Duration.ofHours(1)), Clock.systemUTC());
      // called after each durable commit, before append returns: what the metric showed at that moment
      List<Long> countedWhenDurable = new java.util.concurrent.CopyOnWriteArrayList<>();
      List<Long> damagedWhenDurable = new java.util.concurrent.CopyOnWriteArrayList<>();
      a.addCommitListener(records -> {
        for (dev.coffer.archive.StoredRecord r : records) {
          if (r.record() instanceof Audit au && au.action().equals(VerificationSchedule.ACTION)) {
            countedWhenDurable.add(schedule.alerts());
            damagedWhenDurable.add(schedule.damagedObjects());
          }
        }
      });
      Path objects = data.resolve(ArchiveLayout.OBJECTS);
      Files.delete(objects.resolve(ArchiveLayout.segmentKey(1)));
      Files.delete(objects.resolve(ArchiveLayout.segmentKey(21)));

      VerificationSchedule.CycleReport r = quietly(schedule::runCycle);
      assertThat(r.problems()).isNotEmpty();
      // each record was durable while the counter still showed only the alerts before it
      assertThat(countedWhenDurable).containsExactly(0L, 1L);
      assertThat(damagedWhenDurable).containsExactly(0L, 1L);
      assertThat(schedule.alerts()).isEqualTo(2);
      assertThat(schedule.damagedObjects()).isEqualTo(2);
      // the same damage in the next cycle: no new record, no new alert
      quietly(schedule::runCycle);
      assertThat(countedWhenDurable).hasSize(2);
      assertThat(schedule.alerts()).isEqualTo(2);
    }
  }

  /** Runs a cycle with the ERROR lines it logs kept off the test output. */
  private static VerificationSchedule.CycleReport quietly(Cycle cycle) throws java.io.IOException {
    PrintStream err = System.err;
    System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    try {
      return cycle.run();
    } finally {
      System.setErr(err);
    }
  }

  private interface Cycle {
    VerificationSchedule.CycleReport run() throws java.io.IOException;
  }

  @Test
  void readsArePacedAndTheBackgroundThreadRunsCycles() throws Exception {
    try (Archive a = Archives.create(dir.resolve("paced"), ArchiveOptions.defaults())) {
      byte[] noise = new byte[150_000];
      new java.util.Random(3).nextBytes(noise);
      a.putBlob(noise);
      a.append(RecordFixtures.messages(0, 5));
      long rate = 64 << 10;
      VerificationSchedule s = new VerificationSchedule(a, new VerificationSchedule.Settings(rate, Duration.ofSeconds(1)),
          Clock.systemUTC());
      VerificationSchedule.CycleReport r = s.runCycle();
      // at 64 KiB/s, ~150 KB cannot take less than about 2 s: the budget holds
      assertThat(r.took().toMillis()).isGreaterThanOrEqualTo(r.bytes() * 1000 / rate - 100);
      s.start();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (s.cyclesCompleted() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      s.close();
      assertThat(s.cyclesCompleted()).isGreaterThanOrEqualTo(2);
      assertThat(s.alerts()).isZero();
    }
  }

  @Test
  void settingsNameTheWrongField() {
    assertThatThrownBy(() -> new VerificationSchedule.Settings(10, Duration.ofHours(1)))
        .hasMessageContaining("bytesPerSecond").hasMessageContaining("10");
    assertThatThrownBy(() -> new VerificationSchedule.Settings(1 << 20, Duration.ofMillis(5)))
        .hasMessageContaining("cyclePeriod");
  }

}
