package dev.coffer.bench;

import dev.coffer.archive.Archives;
import dev.coffer.archive.crypto.MasterKeySource;
import dev.coffer.search.SearchIndex;
import dev.coffer.search.SearchOptions;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The suite's search figure alone, per query: {@code SearchLatency DATA [ROUNDS] [REPETITIONS] [BLOCK_CACHE_MB,...]} opens
 * {@code DATA/index} as the suite does, runs {@link Queries#mixed} (built from the archive in
 * {@code DATA}, as the suite builds them) and prints each query's p50 / p99 / max wall time and its
 * median thread CPU time, then the overall p50 and p99 of every repetition (the suite's figures).
 * It also writes {@code DATA/../records.jsonl} and {@code queries.json} beside the data directory so
 * {@code sqlite_fts5_peer.py} can run on the same records and queries in the same session.
 */
final class SearchLatency {
  private SearchLatency() {}

  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[0]).toAbsolutePath();
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    int repetitions = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    Path side = data.resolveSibling(data.getFileName() + "-peer");
    Files.createDirectories(side);
    Workload.Records records = Workload.exportRecords(data, side.resolve("records.jsonl"));
    List<Queries> queries = Queries.mixed(records);
    Queries.writeJson(queries, side.resolve("queries.json"));
    // The block cache sizes to compare, one after the other in this JVM (default: the default's).
    String caches = args.length > 3 ? args[3] : Integer.toString(SearchOptions.defaultBlockCacheMb());
    for (String mb : caches.split(",")) {
      measure(data, SearchOptions.defaults().withBlockCacheMb(Integer.parseInt(mb.strip())), queries, rounds,
          repetitions);
    }
  }

  private static void measure(Path data, SearchOptions options, List<Queries> queries, int rounds, int repetitions)
      throws Exception {
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    System.out.println("block cache " + options.blockCacheMb() + " MB");
    try (SearchIndex index = SearchIndex.open(data.resolve("index"), options,
        Archives.encryption(data, MasterKeySource.standard(data)))) {
      for (int w = 0; w < 10; w++) {
        for (Queries q : queries) {
          index.search(q.request());
        }
      }
      int n = queries.size();
      List<List<Double>> wall = new ArrayList<>();
      List<List<Double>> cpuMs = new ArrayList<>();
      long[] allocated = new long[n];
      com.sun.management.ThreadMXBean alloc = (com.sun.management.ThreadMXBean) cpu;
      for (int i = 0; i < n; i++) {
        wall.add(new ArrayList<>());
        cpuMs.add(new ArrayList<>());
      }
      List<String> overall = new ArrayList<>();
      for (int r = 0; r < repetitions; r++) {
        List<Double> all = new ArrayList<>();
        for (int k = 0; k < rounds; k++) {
          for (int i = 0; i < n; i++) {
            long a = alloc.getCurrentThreadAllocatedBytes();
            long c = cpu.getCurrentThreadCpuTime();
            long t = System.nanoTime();
            index.search(queries.get(i).request());
            double ms = (System.nanoTime() - t) / 1e6;
            cpuMs.get(i).add((cpu.getCurrentThreadCpuTime() - c) / 1e6);
            allocated[i] += alloc.getCurrentThreadAllocatedBytes() - a;
            wall.get(i).add(ms);
            all.add(ms);
          }
        }
        overall.add(String.format(Locale.ROOT, "p50 %.3f p99 %.3f", Stats.quantile(all, 0.5),
            Stats.quantile(all, 0.99)));
      }
      for (int i = 0; i < n; i++) {
        long hits = index.search(queries.get(i).request()).totalHits();
        System.out.printf(Locale.ROOT,
            "%-20s p50 %7.3f  p99 %7.3f  max %7.3f  cpu p50 %7.3f p99 %7.3f ms  %6.0f KB/query  hits %d%n",
            queries.get(i).name(), Stats.quantile(wall.get(i), 0.5), Stats.quantile(wall.get(i), 0.99),
            Stats.quantile(wall.get(i), 1.0), Stats.quantile(cpuMs.get(i), 0.5), Stats.quantile(cpuMs.get(i), 0.99),
            allocated[i] / 1024.0 / wall.get(i).size(), hits);
      }
      System.out.println("overall per repetition: " + String.join("; ", overall));
    }
  }
}
