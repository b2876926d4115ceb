package dev.coffer.archive;

import dev.coffer.archive.verify.Verifier;
import dev.coffer.archive.verify.VerifyListener;
import dev.coffer.archive.verify.VerifyReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prints durable ingest and verify rates; runs only with {@code -Dcoffer.measure=true} (performance
 * belongs to the bench module; this is the archive's own quick look, with no timed assertions).
 */
@EnabledIfSystemProperty(named = "coffer.measure", matches = "true")
class ThroughputHarness {
  @TempDir Path dir;

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  @Test
  void measureAppendAndVerify() throws Exception {
    int threads = Integer.getInteger("coffer.measure.threads", 2);
    int perThread = Integer.getInteger("coffer.measure.records", 300_000) / threads;
    int batch = Integer.getInteger("coffer.measure.batch", 1000);
    // Records are generated per batch (so a large run fits a small heap); generating is included.
    Path data = dir.resolve("data");
    try (Archive a = Archives.create(data, ArchiveOptions.defaults())) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      long cpu0 = cpuNanos();
      long start = System.nanoTime();
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        long base = (long) t * 1_000_000_000L;
        fs.add(pool.submit(() -> {
          for (int i = 0; i < perThread; i += batch) {
            a.append(RecordFixtures.messages(base + i, Math.min(batch, perThread - i)));
          }
          return null;
        }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
      double secs = (System.nanoTime() - start) / 1e9;
      double cpu = (cpuNanos() - cpu0) / 1e9;
      pool.shutdown();
      System.out.printf("[measure] appended %d records with %d threads (batches of %d) in %.2f s: %.0f records/s durable;"
          + " %.1f CPU s = %.0f records per CPU-second (load average %.1f)%n",
          a.size(), threads, batch, secs, a.size() / secs, cpu, a.size() / cpu,
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
    long cpu0 = cpuNanos();
    long start = System.nanoTime();
    VerifyReport r = Verifier.verify(data, VerifyListener.NONE);
    double secs = (System.nanoTime() - start) / 1e9;
    double cpu = (cpuNanos() - cpu0) / 1e9;
    System.out.printf("[measure] verify: ok=%s, %d records, %d bytes in %.2f s: %.1f MB/s; %.1f CPU s = %.1f MB per CPU-second%n",
        r.ok(), r.records(), r.bytesRead(), secs, r.bytesRead() / secs / 1e6, cpu, r.bytesRead() / cpu / 1e6);
    // The yardstick: sha256sum over the same files (verify reads the same bytes, plus decompresses).
    ProcessBuilder pb = new ProcessBuilder("sh", "-c",
        "find . -type f -not -path './index/*' -not -path './tmp/*' -not -path './objects/.tmp/*' -print0"
            + " | xargs -0 cat | sha256sum").directory(data.toFile()).redirectErrorStream(true);
    long shaStart = System.nanoTime();
    Process sha = pb.start();
    sha.getInputStream().readAllBytes();
    sha.waitFor();
    double shaSecs = (System.nanoTime() - shaStart) / 1e9;
    System.out.printf("[measure] sha256sum over the same %d bytes: %.2f s (%.1f MB/s); verify/sha256sum speed = %.2f%n",
        r.bytesRead(), shaSecs, r.bytesRead() / shaSecs / 1e6, shaSecs / secs);
    System.out.println("[measure] data dir: " + data + ", max heap " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB");
    if (Boolean.getBoolean("coffer.measure.keep")) {
      Path keep = Path.of(System.getProperty("coffer.measure.keep.to", "/tmp/coffer-measure"));
      FileFixtures.deleteTree(keep);
      FileFixtures.copyTree(data, keep);
    }
  }
}
