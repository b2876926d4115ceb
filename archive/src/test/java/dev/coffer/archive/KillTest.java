package dev.coffer.archive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.archive.verify.Verifier;
import dev.coffer.archive.verify.VerifyListener;
import dev.coffer.archive.verify.VerifyReport;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real kill -9 of a process appending in a loop: every acknowledged record survives, and verify passes. */
class KillTest {
  @TempDir Path dir;

  @Test
  void killNineWhileAppendingLosesNothingAcknowledged() throws Exception {
    Path data = dir.resolve("data");
    long total = 0;
    for (int round = 0; round < 2; round++) {
      List<String> acks = runAndKill(data, 1500);
      assertThat(acks).as("round %d acknowledged nothing", round).isNotEmpty();
      try (Archive a = Archives.open(data, ArchiveOptions.defaults())) {
        for (String line : acks) {
          String[] f = line.split(" ");
          long n = Long.parseLong(f[1]);
          int count = Integer.parseInt(f[2]);
          long serial = Long.parseLong(f[3]);
          for (int i = 0; i < count; i++) {
            StoredRecord s = a.get(serial + i).orElseThrow(() -> new AssertionError("acknowledged serial missing: " + line));
            assertThat(s.record().id()).isEqualTo(RecordFixtures.message(n + i).id());
          }
        }
        assertThat(a.size()).isGreaterThanOrEqualTo(total);
        total = a.size();
        assertThat(a.latestCheckpoint().size()).isEqualTo(a.size());
      }
      VerifyReport r = Verifier.verify(data, VerifyListener.NONE);
      assertThat(r.problems()).isEmpty();
      System.out.println("[archive] kill -9 round " + round + ": " + acks.size() + " batches acknowledged, "
          + total + " records after reopen, verify ok");
    }
  }

  private static List<String> runAndKill(Path data, long millis) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), CrashChildHarness.class.getName(), data.toString());
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    List<String> acks = new ArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (line.startsWith("ACK ")) {
            synchronized (acks) {
              acks.add(line);
            }
          }
        }
      } catch (java.io.IOException e) {
        // the pipe closes when the child dies
      }
    });
    reader.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      synchronized (acks) {
        if (!acks.isEmpty()) {
          break;
        }
      }
      if (!p.isAlive()) {
        throw new AssertionError("child exited with " + p.exitValue());
      }
      Thread.sleep(20);
    }
    Thread.sleep(millis);
    p.destroyForcibly();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    reader.join(10_000);
    synchronized (acks) {
      return new ArrayList<>(acks);
    }
  }
}
