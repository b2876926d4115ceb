package dev.coffer.archive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.archive.verify.Verifier;
import dev.coffer.archive.verify.VerifyListener;
import dev.coffer.archive.verify.VerifyReport;
import dev.coffer.model.Audit;
import dev.coffer.model.Record;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 at random points of ingest, many times: appends, re-deliveries and blob writes from three
 * threads of a child JVM ({@link IngestChildHarness}), killed at a random point: one round in ten
 * within 30 ms of being told to start (while it opens and recovers), the others 0-300 ms after its
 * first acknowledgement. After every kill the archive is reopened (recovering, with an audit
 * record), every acknowledged record is there at its acknowledged serial exactly once, every
 * acknowledged blob is there, serials have no gap, and verify passes.
 *
 * <p>50 rounds by default; {@code -Dcoffer.crash.iterations=N} and {@code -Dcoffer.crash.seed=S} for
 * long runs ({@code scripts/crash-soak}). The next three child JVMs start while the current one runs,
 * so a round costs little more than its random delay plus the checks. A fresh archive every 10 rounds keeps
 * the per-round verify small.
 */
class RandomKillTest {
  private static final int AHEAD = 3;

  @TempDir Path dir;

  @Test
  void killNineAtRandomPointsOfIngestLosesNothingAcknowledged() throws Exception {
    int iterations = Integer.getInteger("coffer.crash.iterations", 50);
    long seed = Long.getLong("coffer.crash.seed", System.nanoTime());
    System.out.println("[archive] random kill -9: " + iterations + " rounds, seed " + seed
        + " (re-run with -Dcoffer.crash.seed=" + seed + ")");
    Random rnd = new Random(seed);
    Map<Path, Map<String, Long>> acknowledged = new HashMap<>();
    Map<Path, Set<String>> blobs = new HashMap<>();
    long started = System.nanoTime();
    int recoveries = 0;
    long records = 0;
    java.util.ArrayDeque<Child> ahead = new java.util.ArrayDeque<>();
    long[] nanos = new long[3];
    for (int i = 0; i < iterations; i++) {
      // Children start AHEAD rounds early and wait for GO: their JVM start-up overlaps earlier rounds.
      for (int k = i + ahead.size(); k < Math.min(iterations, i + AHEAD); k++) {
        ahead.add(Child.start(dataFor(k), k * 1_000_000L, seed + k));
      }
      Child cur = ahead.poll();
      Path data = dataFor(i);
      if (!Archives.exists(data)) {
        Archives.create(data, ArchiveOptions.defaults()).close();
      }
      cur.go();
      // One round in ten is killed while it opens and recovers; the rest while they ingest.
      boolean duringOpen = rnd.nextInt(10) == 0;
      int delay = duringOpen ? rnd.nextInt(30) : rnd.nextInt(300);
      if (!duringOpen) {
        cur.awaitFirstAck();
      }
      Thread.sleep(delay);
      cur.kill();

      Map<String, Long> acks = acknowledged.computeIfAbsent(data, d -> new HashMap<>());
      for (String[] a : cur.acks()) {
        Long serial = Long.parseLong(a[1]);
        Long before = acks.putIfAbsent(a[0], serial);
        assertThat(before == null ? serial : before).as("round %d: %s acknowledged at two serials", i, a[0]).isEqualTo(serial);
      }
      blobs.computeIfAbsent(data, d -> new HashSet<>()).addAll(cur.blobs());
      long t0 = System.nanoTime();
      try (Archive a = Archives.open(data, ArchiveOptions.defaults())) {
        for (Map.Entry<String, Long> e : acks.entrySet()) {
          StoredRecord s = a.get(e.getKey()).orElseThrow(() -> new AssertionError("acknowledged " + e.getKey() + " lost"));
          assertThat(s.serial()).isEqualTo(e.getValue());
        }
        for (String sha : blobs.get(data)) {
          assertThat(a.hasBlob(sha)).as("acknowledged blob %s", sha).isTrue();
        }
        Set<String> ids = new HashSet<>();
        long[] expected = {1};
        int[] audits = {0};
        a.scan(1, r -> {
          assertThat(r.serial()).isEqualTo(expected[0]++);
          Record rec = r.record();
          assertThat(ids.add(rec.id())).as("record %s archived twice", rec.id()).isTrue();
          if (rec instanceof Audit au && au.action().equals("recover")) {
            audits[0]++;
          }
          return true;
        });
        assertThat(expected[0] - 1).isEqualTo(a.size());
        assertThat(a.latestCheckpoint().size()).isEqualTo(a.size());
        recoveries = Math.max(recoveries, audits[0]);
        records = a.size();
      }
      long t1 = System.nanoTime();
      VerifyReport report = Verifier.verify(data, VerifyListener.NONE);
      nanos[0] += t1 - t0;
      nanos[1] += System.nanoTime() - t1;
      assertThat(report.problems()).as("round %d (delay %d ms)", i, delay).isEmpty();
    }
    assertThat(recoveries).as("unclean shutdowns leave recovery audit records").isPositive();
    System.out.printf("[archive] random kill -9: %d rounds in %.1f s (reopen and checks %.1f s, verify %.1f s), last archive %d "
        + "records, %d recovery audit records%n", iterations, (System.nanoTime() - started) / 1e9, nanos[0] / 1e9,
        nanos[1] / 1e9, records, recoveries);
  }

  private Path dataFor(int i) {
    return dir.resolve("archive-" + (i / 10));
  }

  /** One child JVM, started ahead of its round. */
  static final class Child {
    final Process process;
    final List<String[]> acks = new ArrayList<>();
    final List<String> blobs = new ArrayList<>();
    final CountDownLatch ready = new CountDownLatch(1);
    final CountDownLatch firstAck = new CountDownLatch(1);
    final Thread reader;

    private Child(Process process) {
      this.process = process;
      this.reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            if (line.equals("READY")) {
              ready.countDown();
            } else if (line.startsWith("ACK ")) {
              String[] f = line.split(" ");
              if (f.length == 3) { // a line cut by the kill is not an acknowledgement
                synchronized (acks) {
                  acks.add(new String[] {f[1], f[2]});
                }
                firstAck.countDown();
              }
            } else if (line.startsWith("BLOB ") && line.length() == 5 + 64) {
              synchronized (blobs) {
                blobs.add(line.substring(5));
              }
            }
          }
        } catch (IOException e) {
          // the pipe closes when the child dies
        }
      });
      reader.start();
    }

    static Child start(Path data, long base, long seed) throws IOException {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      ProcessBuilder pb = new ProcessBuilder(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
          "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
          IngestChildHarness.class.getName(), data.toString(), Long.toString(base), Long.toString(seed));
      pb.redirectError(ProcessBuilder.Redirect.DISCARD);
      return new Child(pb.start());
    }

    void go() throws Exception {
      if (!ready.await(60, TimeUnit.SECONDS)) {
        throw new AssertionError("child did not start: " + (process.isAlive() ? "alive" : "exit " + process.exitValue()));
      }
      OutputStream in = process.getOutputStream();
      in.write("GO\n".getBytes(StandardCharsets.UTF_8));
      in.flush();
    }

    void awaitFirstAck() throws Exception {
      if (!firstAck.await(60, TimeUnit.SECONDS)) {
        throw new AssertionError("child acknowledged nothing: " + (process.isAlive() ? "alive" : "exit " + process.exitValue()));
      }
    }

    void kill() throws Exception {
      process.destroyForcibly(); // SIGKILL
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      reader.join(10_000);
    }

    List<String[]> acks() {
      synchronized (acks) {
        return new ArrayList<>(acks);
      }
    }

    List<String> blobs() {
      synchronized (blobs) {
        return new ArrayList<>(blobs);
      }
    }
  }
}
