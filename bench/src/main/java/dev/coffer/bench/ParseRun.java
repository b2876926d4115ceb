package dev.coffer.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coffer.connectors.whatsapp.export.WhatsAppExportParser;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Our side of the parse figure, in a JVM of its own: {@link WhatsAppExportParser#parse(byte[])} on
 * one export file held in memory, warmed up by the rule {@code parse.mjs} applies to the peer, then
 * measured. Prints one JSON object on stdout: the measured runs' seconds and, per run, the garbage
 * collections that happened inside it (count and milliseconds).
 *
 * <p>Why a JVM of its own: in the bench driver the parse ran in whatever state the driver's heap was
 * in, and a young collection copying the live part of a large parse result cost up to 5 times the
 * parse (BENCHMARKS.md, "Parse (session 6)"). {@link Bench} starts this with a fixed heap sized for
 * the file ({@code -Xms} = {@code -Xmx}, a fixed young generation with {@code -Xmn}), so G1 cannot
 * shrink or resize it between runs. Before each measured run, outside its time, a full collection
 * drops the previous runs' garbage; the peer's process does the same ({@code node --expose-gc},
 * {@code gc()}). Collections inside a run still count in its time and are reported.
 *
 * <p>Usage: {@code ParseRun FILE RUNS WARMUP_SECONDS WARMUP_RUNS BLOCK MAX_SECONDS}.
 */
public final class ParseRun {
  private ParseRun() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 6) {
      throw new IllegalArgumentException(
          "usage: ParseRun FILE RUNS WARMUP_SECONDS WARMUP_RUNS BLOCK MAX_SECONDS");
    }
    byte[] text = Files.readAllBytes(Path.of(args[0])); // like the peer: read first, only the parse is timed
    int runs = Integer.parseInt(args[1]);
    double minSeconds = Double.parseDouble(args[2]);
    int minRuns = Integer.parseInt(args[3]);
    int block = Math.max(1, Integer.parseInt(args[4]));
    double maxSeconds = Double.parseDouble(args[5]);

    // The warm-up rule (parse.mjs has the same code): parse again and again, unmeasured, in blocks
    // of BLOCK runs, for at least WARMUP_SECONDS and WARMUP_RUNS runs, until two blocks in a row
    // have a median time no more than 5 % below the best block before them (the JIT has finished;
    // one block alone can look settled by chance on a busy machine), or MAX_SECONDS.
    long warmStart = System.nanoTime();
    int warmRuns = 0;
    double previousBlock = Double.MAX_VALUE;
    int settledBlocks = 0;
    while (true) {
      double[] times = new double[block];
      for (int i = 0; i < block; i++) {
        long t = System.nanoTime();
        WhatsAppExportParser.parse(text); // warm-up, not measured
        times[i] = System.nanoTime() - t;
        warmRuns++;
      }
      java.util.Arrays.sort(times);
      double median = times[block / 2];
      double elapsed = (System.nanoTime() - warmStart) / 1e9;
      settledBlocks = median > 0.95 * previousBlock ? settledBlocks + 1 : 0;
      previousBlock = Math.min(previousBlock, median);
      if (elapsed >= maxSeconds
          || (elapsed >= minSeconds && warmRuns >= minRuns && settledBlocks >= 2)) {
        break;
      }
    }

    List<Double> seconds = new ArrayList<>();
    List<Long> gcCounts = new ArrayList<>();
    List<Long> gcMillis = new ArrayList<>();
    long entries = 0;
    for (int i = 0; i < runs; i++) {
      System.gc(); // outside the time: each run starts from the same heap (the peer does the same)
      long count0 = gcCount();
      long millis0 = gcMillis();
      long t = System.nanoTime();
      WhatsAppExportParser.Result r = WhatsAppExportParser.parse(text);
      long elapsed = System.nanoTime() - t;
      entries = r.entries().size();
      seconds.add(elapsed / 1e9);
      gcCounts.add(gcCount() - count0);
      gcMillis.add(gcMillis() - millis0);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("entries", entries);
    out.put("seconds", seconds);
    out.put("gc_counts", gcCounts);
    out.put("gc_ms", gcMillis);
    out.put("warmup_runs", warmRuns);
    out.put("jvm", ManagementFactory.getRuntimeMXBean().getInputArguments());
    System.out.println(new ObjectMapper().writeValueAsString(out));
  }

  /** Collections so far, all collectors (G1: young, concurrent cycles, full). */
  private static long gcCount() {
    long n = 0;
    for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
      n += Math.max(0, b.getCollectionCount());
    }
    return n;
  }

  private static long gcMillis() {
    long n = 0;
    for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
      n += Math.max(0, b.getCollectionTime());
    }
    return n;
  }
}
