package dev.coffer.bench;

import java.util.List;

/**
 * How big and how often: {@code small} for CI (under 5 minutes on 2 cores), {@code full} for the
 * published table.
 *
 * @param name small or full
 * @param smallSize entries of the smaller dataset (growth baseline; its largest export is the parse file)
 * @param largeSize entries of the main dataset
 * @param runs runs of every whole-process measurement (median, min, max)
 * @param searchWarmup unmeasured rounds of the query set
 * @param searchRounds measured rounds of the query set per run
 * @param ddMegabytes size of the dd write
 * @param fsyncs rounds of the fsync probe
 * @param jmhWarmups JMH warmup iterations
 * @param jmhIterations JMH measurement iterations
 * @param jmhSeconds seconds per JMH iteration
 * @param proofLeaves tree sizes for the inclusion-proof benchmark
 * @param webhookRequests measured signed posts per run of the webhook capture benchmark
 */
record Scale(String name, long smallSize, long largeSize, int runs, int searchWarmup, int searchRounds,
    int ddMegabytes, int fsyncs, int jmhWarmups, int jmhIterations, int jmhSeconds, List<Integer> proofLeaves,
    int webhookRequests) {

  static Scale of(String name) {
    return switch (name) {
      case "small" -> new Scale("small", 5_000, 20_000, 3, 3, 20, 256, 200, 1, 3, 1, List.of(10_000, 100_000), 1_000);
      case "full" -> new Scale("full", 25_000, 100_000, 3, 5, 50, 1024, 1000, 2, 5, 2,
          List.of(100_000, 1_000_000), 20_000);
      default -> throw new IllegalArgumentException("--scale must be small or full, not '" + name + "'");
    };
  }
}
