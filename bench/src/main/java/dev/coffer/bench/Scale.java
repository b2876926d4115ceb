package dev.coffer.bench;

import java.util.List;

/**
 * How big and how often: {@code small} for CI (under 5 minutes on 2 cores), {@code full} for the
 * published table (1,000,000 entries, growth baseline 250,000; about 17 minutes on 2 cores, quiet).
 * {@link #withEntries} sets other sizes for a run by hand (10,000,000 entries is the size,
 * the long run).
 *
 * @param name small or full
 * @param smallSize entries of the smaller dataset (growth baseline; its largest export is the parse file)
 * @param largeSize entries of the main dataset
 * @param runs runs of every whole-process measurement (median, min, max)
 * @param searchWarmup unmeasured rounds of the query set (ours)
 * @param searchRounds measured rounds of the query set per run (ours)
 * @param sqliteWarmup unmeasured rounds of the query set in each SQLite FTS5 run
 * @param sqliteRounds measured rounds of the query set in each SQLite FTS5 run (its queries take
 *     tens to hundreds of milliseconds at a million records, ours a few)
 * @param ddMegabytes size of the dd write
 * @param fsyncs rounds of the fsync probe
 * @param jmhWarmups JMH warmup iterations
 * @param jmhIterations JMH measurement iterations
 * @param jmhSeconds seconds per JMH iteration
 * @param proofLeaves tree sizes for the inclusion-proof benchmark
 * @param webhookRequests measured signed posts per run of the webhook capture benchmark
 */
record Scale(String name, long smallSize, long largeSize, int runs, int searchWarmup, int searchRounds,
    int sqliteWarmup, int sqliteRounds, int ddMegabytes, int fsyncs, int jmhWarmups, int jmhIterations,
    int jmhSeconds, List<Integer> proofLeaves, int webhookRequests) {

  static Scale of(String name) {
    return switch (name) {
      case "small" -> new Scale("small", 5_000, 20_000, 3, 3, 20, 3, 20, 256, 200, 1, 3, 1,
          List.of(10_000, 100_000), 1_000);
      case "full" -> new Scale("full", 250_000, 1_000_000, 3, 5, 50, 1, 10, 1024, 1000, 2, 5, 2,
          List.of(100_000, 1_000_000), 20_000);
      default -> throw new IllegalArgumentException("--scale must be small or full, not '" + name + "'");
    };
  }

  /**
   * This scale with other dataset sizes ({@code --entries N [--baseline M]}; the baseline defaults to
   * a quarter of N) and, when {@code runs > 0}, another number of runs.
   */
  Scale withEntries(long large, long small, int runs) {
    if (large < 1_000 || small < 1_000 || small >= large) {
      throw new IllegalArgumentException("--entries must be at least 1000 and --baseline at least 1000 and below"
          + " --entries (got " + large + " and " + small + ")");
    }
    return new Scale(name, small, large, runs > 0 ? runs : this.runs, searchWarmup, searchRounds, sqliteWarmup,
        sqliteRounds, ddMegabytes, fsyncs, jmhWarmups, jmhIterations, jmhSeconds, proofLeaves, webhookRequests);
  }
}
