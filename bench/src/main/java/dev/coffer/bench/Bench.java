package dev.coffer.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.connectors.whatsapp.export.ImportOptions;
import dev.coffer.connectors.whatsapp.export.WhatsAppExportImporter;
import dev.coffer.connectors.whatsapp.export.WhatsAppExportParser;
import dev.coffer.search.SearchIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark suite's driver (run by {@code scripts/bench}): generates the data, runs every
 * figure and every peer in the same run, prints the table and writes the JSON.
 *
 * <p>Usage: {@code Bench --root DIR [--scale small|full] [--entries N] [--baseline M] [--runs R] [--skip PARTS]
 * [--json FILE] [--work DIR] [--node-peer DIR] [--cli DIR]}: {@code --entries} sets the main dataset's size (the
 * issue's 10,000,000 is the long run, by hand), {@code --baseline} the growth baseline's (default a
 * quarter of {@code --entries}), {@code --runs} the runs of every whole-process measurement, {@code --skip}
 * a comma-separated list of {@link #SKIPPABLE} parts left out of a long run (their figures are then
 * absent from the table and the JSON, and {@code settings.skipped} names them).
 */
public final class Bench {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path root;
  private final Scale scale;
  private final Path work;
  private final Path nodePeer;
  private final Cli cli;
  private final Report report;
  private final java.util.Set<String> skip;

  /**
   * Parts a long run may leave out: each has figures of its own and feeds no other figure. The
   * data, ingest, peers' records, bare Lucene, zstd, SQLite FTS5, search, verify and bytes always run.
   */
  static final List<String> SKIPPABLE = List.of("parse", "page", "profile", "webhook", "jmh");

  private Bench(Path root, Scale scale, Path work, Path nodePeer, Path cliDir, java.util.Set<String> skip) {
    this.skip = skip;
    this.root = root;
    this.scale = scale;
    this.work = work;
    this.nodePeer = nodePeer;
    this.cli = new Cli(root, cliDir);
    this.report = new Report(Machine.facts(root, work));
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      a.put(args[i], args[i + 1]);
    }
    if (!a.containsKey("--root") || args.length % 2 != 0) {
      System.err.println("usage: Bench --root DIR [--scale small|full] [--entries N] [--baseline M] [--runs R]"
          + " [--skip " + String.join(",", SKIPPABLE) + "] [--json FILE] [--work DIR] [--node-peer DIR] [--cli DIR]");
      System.exit(2);
    }
    Path root = Path.of(a.get("--root")).toAbsolutePath();
    Scale scale = Scale.of(a.getOrDefault("--scale", "small"));
    if (a.containsKey("--entries") || a.containsKey("--baseline") || a.containsKey("--runs")) {
      long entries = Long.parseLong(a.getOrDefault("--entries", Long.toString(scale.largeSize())));
      long baseline = a.containsKey("--baseline") ? Long.parseLong(a.get("--baseline"))
          : a.containsKey("--entries") ? entries / 4 : scale.smallSize();
      scale = scale.withEntries(entries, baseline, Integer.parseInt(a.getOrDefault("--runs", "0")));
    }
    Path work = Path.of(a.getOrDefault("--work", root.resolve("bench/target/work").toString())).toAbsolutePath();
    Path json = Path.of(a.getOrDefault("--json", root.resolve("bench/target/bench-" + scale.name() + ".json").toString()));
    Path nodePeer = Path.of(a.getOrDefault("--node-peer", root.resolve("bench/target/peers/node").toString()));
    Path cliDir = Path.of(a.getOrDefault("--cli", root.resolve("cli/target").toString()));
    java.util.Set<String> skip = new java.util.TreeSet<>();
    for (String part : a.getOrDefault("--skip", "").split(",")) {
      if (part.isBlank()) {
        continue;
      }
      if (!SKIPPABLE.contains(part.strip())) {
        System.err.println("--skip: unknown part '" + part.strip() + "' (parts: " + String.join(",", SKIPPABLE) + ")");
        System.exit(2);
      }
      skip.add(part.strip());
    }
    Files.createDirectories(work);
    Bench b = new Bench(root, scale, work, nodePeer, cliDir, skip);
    long start = System.nanoTime();
    b.runAll();
    b.report.extra.put("suite_seconds", Math.round((System.nanoTime() - start) / 1e8) / 10.0);
    b.report.printTable(System.out);
    b.report.writeJson(json);
    System.out.println("JSON written to " + json);
  }

  private static final long STARTED = System.nanoTime();

  /** Concurrent senders of the webhook benchmark (Meta delivers from many connections at once). */
  private static final int WEBHOOK_SENDERS = 64;

  private static void log(String what) {
    System.out.printf(java.util.Locale.ROOT, "bench: [%5.0f s] %s%n", (System.nanoTime() - STARTED) / 1e9, what);
    System.out.flush();
  }

  private void runAll() throws Exception {
    report.settings.put("scale", scale);
    report.settings.put("seed", 7);
    report.settings.put("import_jvm", "-Xmx512m, zone UTC, fresh data directory per run");
    report.settings.put("skipped", List.copyOf(skip));
    String aot = System.getenv("COFFER_BENCH_AOT");
    boolean aotUsed = aot != null && !"off".equals(System.getenv("COFFER_AOT")) && Files.isRegularFile(Path.of(aot));
    report.settings.put("cli_launcher", "./coffer (COFFER_CLI_DIR = the jar snapshot), JVM AOT cache "
        + (aotUsed ? "used (made before the run)" : "not used (JDK < 25 or none could be made)"));

    log("disk ceilings (dd conv=fdatasync, fsync latency) in " + work);
    double dd = median(scale.runs(), () -> Ceilings.ddWriteMBps(work, scale.ddMegabytes()));
    List<Double> fsync = Ceilings.fsyncLatenciesMs(work, scale.fsyncs());

    log("generating exports with 'coffer generate' (" + scale.smallSize() + " and " + scale.largeSize() + " entries)");
    List<Workload.Export> smallSet = Workload.generate(cli, work.resolve("exports"), scale.smallSize(), 7);
    List<Workload.Export> largeSet = Workload.generate(cli, work.resolve("exports"), scale.largeSize(), 7);
    report.settings.put("exports_small", smallSet);
    report.settings.put("exports_large", largeSet);

    if (!skip.contains("parse")) {
      parse(smallSet.get(0));
    }

    log("durable ingest, " + scale.smallSize() + " entries x " + scale.runs());
    Ingest small = ingest(smallSet, "small");
    log("durable ingest, " + scale.largeSize() + " entries x " + scale.runs());
    Ingest large = ingest(largeSet, "large");

    log("exporting the archived records for the peers");
    Workload.Records records = Workload.exportRecords(large.dataDir, work.resolve("records-large.jsonl"));
    Workload.Records recordsSmall = Workload.exportRecords(small.dataDir, work.resolve("records-small.jsonl"));
    Files.delete(recordsSmall.jsonl()); // only its sender and time range are used (the baseline's queries)
    List<Queries> queries = Queries.mixed(records);
    Path queriesFile = work.resolve("queries.json");
    Queries.writeJson(queries, queriesFile);

    log("bare Lucene over the same " + records.count() + " texts x " + scale.runs());
    Path luceneDir = work.resolve("lucene-ceiling");
    List<Double> luceneRates = new ArrayList<>();
    long luceneBytes = 0;
    for (int i = 0; i < scale.runs(); i++) {
      Ceilings.Lucene l = Ceilings.lucene(records.texts(), luceneDir);
      luceneRates.add(l.docsPerSecond());
      luceneBytes = l.indexBytes();
    }
    Stats lucene = Stats.of(luceneRates);
    records = records.withoutTexts(); // the texts of every record: the largest thing the driver holds

    log("Coffer's search index alone (no archive, no encryption) over the first "
        + Math.min(records.count(), Ceilings.COFFER_MAX_RECORDS) + " of the same records x " + scale.runs());
    List<Double> cofferIndexRates = new ArrayList<>();
    long cofferIndexBytes = 0;
    long cofferIndexRecords;
    {
      List<dev.coffer.archive.StoredRecord> cofferRecords =
          Ceilings.cofferRecords(large.dataDir, Ceilings.COFFER_MAX_RECORDS);
      cofferIndexRecords = cofferRecords.size();
      for (int i = 0; i < scale.runs(); i++) {
        Ceilings.Lucene l = Ceilings.cofferIndex(cofferRecords, luceneDir);
        cofferIndexRates.add(l.docsPerSecond());
        cofferIndexBytes = l.indexBytes();
      }
    } // the records with their objects: dropped here, before SQLite and search
    Stats cofferIndex = Stats.of(cofferIndexRates);

    log("zstd over the raw exports (the smallest ordinary lossless copy of the evidence)");
    List<Path> exportFiles = largeSet.stream().map(Workload.Export::file).toList();
    long zstd3 = Ceilings.zstdBytes(exportFiles, 3);
    long zstd12 = Ceilings.zstdBytes(exportFiles, 12);

    log("SQLite FTS5 peer (Python sqlite3) over the same " + records.count() + " records x " + scale.runs());
    List<Double> sqliteRate = new ArrayList<>();
    List<Double> sqliteP50 = new ArrayList<>();
    List<Double> sqliteP99 = new ArrayList<>();
    Map<String, Object> sqliteHits = null;
    for (int i = 0; i < scale.runs(); i++) {
      Proc.Result r = Proc.run(List.of("python3", root.resolve("bench/src/main/python/sqlite_fts5_peer.py").toString(),
          records.jsonl().toString(), work.resolve("peer.sqlite").toString(), queriesFile.toString(), "5000",
          Integer.toString(scale.sqliteWarmup()), Integer.toString(scale.sqliteRounds()))).ok();
      JsonNode o = JSON.readTree(r.out());
      sqliteRate.add(o.get("records").asDouble() / o.get("ingest_seconds").asDouble());
      List<Double> lat = new ArrayList<>();
      o.get("latencies_ms").forEach(n -> lat.add(n.asDouble()));
      sqliteP50.add(Stats.quantile(lat, 0.5));
      sqliteP99.add(Stats.quantile(lat, 0.99));
      sqliteHits = JSON.convertValue(o.get("hits_per_query"), Map.class);
      report.extra.put("sqlite_version", o.get("sqlite_version").asText());
      report.extra.put("sqlite_db_bytes", o.get("db_bytes").asLong());
    }
    report.extra.put("sqlite_hits_per_query", sqliteHits);
    for (String suffix : List.of("", "-wal", "-shm")) {
      Files.deleteIfExists(work.resolve("peer.sqlite" + suffix));
    }
    Files.deleteIfExists(records.jsonl());

    log("search latency in-process (SearchIndex), " + queries.size() + " mixed queries");
    Search searchLarge = search(large.dataDir, queries);
    Search searchSmall = search(small.dataDir, Queries.mixed(recordsSmall));
    Ceilings.deleteTree(small.dataDir);
    report.extra.put("coffer_hits_per_query_round", searchLarge.hitsPerRound);

    ConversationPageBench.Result page = null;
    if (!skip.contains("page")) {
      log("web app: conversation page of a 10,000-message conversation over HTTP");
      Path webDir = work.resolve("data-web");
      Ceilings.deleteTree(webDir);
      page = ConversationPageBench.run(webDir, 10_000, 30);
      Ceilings.deleteTree(webDir);
    }

    log("verify: 'coffer verify' vs sha256sum over the same bytes x " + scale.runs());
    Verify verify = verify(large.dataDir);
    Ceilings.deleteTree(large.dataDir);

    if (!skip.contains("profile")) {
      log("profile: one more import of " + scale.largeSize() + " entries with JFR (settings=profile)");
      Path jfr = work.resolve("ingest.jfr");
      Files.deleteIfExists(jfr);
      importOnce(largeSet, work.resolve("data-profile"),
          List.of("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile"));
      Ceilings.deleteTree(work.resolve("data-profile"));
      report.extra.put("ingest_profile", Profile.summarize(jfr, 15));
      report.extra.put("ingest_profile_jfr", jfr.toString());
    }

    int webhookRuns = skip.contains("webhook") ? 0 : scale.runs();
    log("webhook capture: signed posts to /capture/whatsapp on loopback, " + scale.webhookRequests() + " x "
        + webhookRuns);
    List<Double> webhookRate = new ArrayList<>();
    List<Double> webhookP99 = new ArrayList<>();
    List<Double> webhookP50 = new ArrayList<>();
    List<Double> webhookCpu = new ArrayList<>();
    List<Double> bareHttpRate = new ArrayList<>();
    List<Double> bareHttpCpu = new ArrayList<>();
    List<Double> syncsOnlyRate = new ArrayList<>();
    // One unmeasured round of all three first: the senders' client code and Jetty's request path are
    // then compiled before any measured run, whichever of the three comes first in a round.
    int warmRound = Math.max(200, scale.webhookRequests() / 10);
    Path warmDir = work.resolve("webhook-warm");
    if (webhookRuns > 0) {
      Ceilings.deleteTree(warmDir);
      WebhookCeiling.run("http", warmDir.resolve("http"), warmRound, warmRound, WEBHOOK_SENDERS);
      WebhookCeiling.run("commit6", warmDir.resolve("commit6"), warmRound, warmRound, WEBHOOK_SENDERS);
      WebhookLoad.run(warmDir.resolve("coffer"), warmRound, warmRound, WEBHOOK_SENDERS);
      Ceilings.deleteTree(warmDir);
    }
    for (int i = 0; i < webhookRuns; i++) {
      // The ceilings, alternated with ours in each round: the same senders and client against Javalin
      // alone, and against Javalin plus the archive's six syncs per group commit (no other work).
      Path ceilingDir = work.resolve("webhook-ceiling-" + i);
      Ceilings.deleteTree(ceilingDir);
      WebhookCeiling.Ceiling bare = WebhookCeiling.run("http", ceilingDir.resolve("http"),
          Math.max(200, scale.webhookRequests() / 10), scale.webhookRequests(), WEBHOOK_SENDERS);
      bareHttpRate.add(bare.load().requestsPerSecond());
      bareHttpCpu.add(bare.load().cpuMsPerRequest());
      WebhookCeiling.Ceiling syncs = WebhookCeiling.run("commit6", ceilingDir.resolve("commit6"),
          Math.max(200, scale.webhookRequests() / 10), scale.webhookRequests(), WEBHOOK_SENDERS);
      syncsOnlyRate.add(syncs.load().requestsPerSecond());
      Ceilings.deleteTree(ceilingDir);
      Path dir = work.resolve("data-webhook-" + i);
      Ceilings.deleteTree(dir);
      WebhookLoad.Result w = WebhookLoad.run(dir, Math.max(200, scale.webhookRequests() / 10), scale.webhookRequests(),
          WEBHOOK_SENDERS);
      webhookRate.add(w.requestsPerSecond());
      webhookP50.add(w.p50());
      webhookP99.add(w.p99());
      webhookCpu.add(w.cpuMsPerRequest());
      Ceilings.deleteTree(dir);
    }

    List<Micro.Result> micro = List.of();
    if (!skip.contains("jmh")) {
      log("JMH micro-benchmarks");
      micro = Micro.run(scale);
    }

    // ---- figures
    long largeEntries = largeSet.stream().mapToLong(Workload.Export::messages).sum();
    String at = " (measured at " + largeEntries + " entries" + (largeEntries < 10_000_000 ? ", not 10 million)" : ")");
    String sized = " (" + largeEntries + " entries)";

    Stats ingestRate = large.rate;
    report.add(Figure.builder("ingest", "durable ingest, coffer import" + sized, "entries/s").ours(ingestRate)
        .peer("SQLite FTS5", Stats.of(sqliteRate))
        .target(">= 100,000/s and >= SQLite FTS5", ingestRate.median() >= 100_000
            && ingestRate.median() >= Stats.of(sqliteRate).median())
        .note("wall time of one 'coffer import whatsapp' child JVM (-Xmx512m) of all " + largeSet.size()
            + " exports into a fresh data dir, JVM start included; entries = records appended").build());
    report.add(Figure.builder("ingest_vs_lucene", "ingest vs bare Lucene, same texts" + sized, "entries/s").ours(ingestRate)
        .peer("bare Lucene", lucene)
        .peer("Coffer's search index alone", cofferIndex)
        .target(">= 0.6x Lucene", ingestRate.median() >= 0.6 * lucene.median())
        .note("bare Lucene: one IndexWriter, StandardAnalyzer, id + text, one commit, in the driver JVM."
            + " Coffer's search index alone: the same records through SearchIndex (Coffer's documents and"
            + " analysis: ICU, CJK bigrams, emoji variants, phone numbers, sender/time/conversation fields,"
            + " doc values) under bulkLoad in batches of 5,000, one commit, in the driver JVM, no archive and"
            + " no encryption: the ceiling for an ingest that builds the index Coffer searches ("
            + (cofferIndexRecords < records.count() ? "the first " + cofferIndexRecords + " of the "
                + records.count() + " records, all held in memory" : "all " + cofferIndexRecords + " records")
            + ")").build());
    report.add(Figure.builder("search_p50", "search p50, mixed queries" + at, "ms").ours(searchLarge.p50)
        .peer("SQLite FTS5", Stats.of(sqliteP50))
        .target("<= 10 ms", searchLarge.p50.median() <= 10).build());
    Stats sqP99 = Stats.of(sqliteP99);
    report.add(Figure.builder("search_p99", "search p99, mixed queries" + at, "ms").ours(searchLarge.p99)
        .peer("SQLite FTS5", sqP99)
        .target("<= 50 ms and >= 5x faster than SQLite FTS5 (ratio <= 0.2)",
            searchLarge.p99.median() <= 50 && searchLarge.p99.median() * 5 <= sqP99.median())
        .note("in-process SearchIndex.search, 20 hits with highlights; SQLite: FTS5 MATCH + filters, ORDER BY rank,"
            + " LIMIT 20, highlight(); FTS5's unicode61 tokenizer does not index emoji (0 hits there)").build());
    report.add(Figure.builder("verify", "coffer verify" + sized, "MB/s").ours(verify.coffer)
        .peer("sha256sum", verify.sha)
        .target(">= 0.8x sha256sum", verify.coffer.median() >= 0.8 * verify.sha.median())
        .note("same files for both: the data directory without the search index; 'coffer verify' wall time"
            + " with JVM start").build());
    report.add(Figure.builder("verify_engine", "Verifier alone (its own timer)", "MB/s").ours(verify.engine)
        .peer("sha256sum", verify.sha).note("bytes_read / seconds as 'coffer verify --json' reports them").build());
    long raw = large.bytes.get("raw_export_text");
    report.add(Figure.builder("bytes_per_raw_byte", "bytes on disk per raw export byte" + sized, "ratio")
        .ours(Stats.single(large.bytesRatio))
        .peer("bare Lucene index of the same texts", Stats.single((double) luceneBytes / raw))
        .peer("zstd -3 of the raw exports", Stats.single((double) zstd3 / raw))
        .peer("zstd -12 of the raw exports", Stats.single((double) zstd12 / raw))
        .target("<= 1.0", large.bytesRatio <= 1.0)
        .note("archive (segments, checkpoints, the archived chat text blob, id index, keys, manifest) + search"
            + " index, apparent file sizes; plain-text exports, so there is no media to exclude. Peers, same run:"
            + " the bare-Lucene ceiling's committed index (id: stored keyword; text: stored, terms with"
            + " frequencies, positions and norms; default codec; no metadata, no archive), and each raw export"
            + " compressed alone with zstd (zstd-jni, one frame per file) at levels 3 (the zstd tool's default)"
            + " and 12").build());
    report.add(Figure.builder("heap_peak", "peak heap during import" + at, "MB").ours(large.heapPeak)
        .target("<= 512 MB (-Xmx512m)", large.heapPeak.max() <= 512)
        .note("largest heap occupancy before a GC in the import's -Xlog:gc log (with -Xmx512m this shows that the"
            + " import ran within the bound); largest after a GC (old-generation garbage not yet reclaimed included;"
            + " only a full collection shows the live set alone): "
            + String.format(java.util.Locale.ROOT, "%.0f MB (%.0f-%.0f)", large.heapLive.median(), large.heapLive.min(),
                large.heapLive.max())
            + "; full collections per run: " + large.fullGcs).build());
    report.add(Figure.builder("ingest_write_rate", "ingest write rate vs dd", "MB/s").ours(large.writeMBps)
        .peer("dd conv=fdatasync", Stats.single(dd)).note("bytes on disk / import wall time").build());
    report.add(Figure.builder("fsync", "fsync latency of the data disk (4 KiB append)", "ms")
        .ours(Stats.of(List.of(Stats.quantile(fsync, 0.5), Stats.quantile(fsync, 0.99))))
        .note("median = p50, max = p99 of " + fsync.size() + " write+fdatasync rounds").build());
    double growthIngest = large.rate.median() / small.rate.median();
    report.add(Figure.builder("growth_ingest", "growth: ingest rate " + scale.largeSize() + " vs " + scale.smallSize(),
        "ratio").ours(Stats.single(growthIngest))
        .target("within 20% (0.8..1.2)", growthIngest >= 0.8 && growthIngest <= 1.2).build());
    double growthP99 = searchLarge.p99.median() / searchSmall.p99.median();
    double sizeRatio = (double) scale.largeSize() / scale.smallSize();
    report.add(Figure.builder("growth_search_p99", "growth: search p99 " + scale.largeSize() + " vs " + scale.smallSize(),
        "ratio").ours(Stats.single(growthP99))
        .target("sublinear (< " + sizeRatio + ")", growthP99 < sizeRatio).build());
    if (webhookRuns > 0) {
      addWebhookFigures(webhookRate, webhookP50, webhookP99, webhookCpu, bareHttpRate, bareHttpCpu, syncsOnlyRate);
    }
    if (page != null) {
      addPageFigure(page);
    }
    for (Micro.Result m : micro) {
      report.add(Figure.builder("jmh " + m.name(), "JMH " + m.name(), m.unit()).ours(m.stats()).build());
    }
    report.extra.put("fsync_ms_p50", Stats.quantile(fsync, 0.5));
    report.extra.put("fsync_ms_p99", Stats.quantile(fsync, 0.99));
    report.extra.put("dd_write_MBps", dd);
    report.extra.put("bytes_large", large.bytes);
    report.extra.put("coffer_index_alone_bytes", cofferIndexBytes);
    report.extra.put("bytes_peers", Map.of("bare_lucene_index", luceneBytes, "zstd_3_raw_exports", zstd3,
        "zstd_12_raw_exports", zstd12));
    report.extra.put("search_small", Map.of("p50", searchSmall.p50, "p99", searchSmall.p99));
    report.extra.put("ingest_small", Map.of("rate", small.rate, "heap_peak_mb", small.heapPeak,
        "heap_live_mb", small.heapLive, "full_gcs", small.fullGcs));
    report.extra.put("ingest_large_heap", Map.of("heap_live_mb", large.heapLive, "full_gcs", large.fullGcs));
  }

  private void addWebhookFigures(List<Double> webhookRate, List<Double> webhookP50, List<Double> webhookP99,
      List<Double> webhookCpu, List<Double> bareHttpRate, List<Double> bareHttpCpu, List<Double> syncsOnlyRate) {
    Stats whRate = Stats.of(webhookRate);
    Stats whP99 = Stats.of(webhookP99);
    report.add(Figure.builder("webhook_rate", "webhook capture, signed posts acknowledged after durable", "req/s")
        .ours(whRate).peer("bare Javalin, same senders", Stats.of(bareHttpRate))
        .peer("Javalin + six syncs per group commit", Stats.of(syncsOnlyRate))
        .target(">= 5,000 req/s", whRate.median() >= 5_000)
        .note(WEBHOOK_SENDERS + " concurrent senders (closed loop, raw-socket HTTP/1.1 keep-alive client) and the"
            + " server in one JVM on loopback; every body distinct and signed, so each request is verified and its"
            + " body and record made durable in a group commit shared by concurrent requests (one blob pack,"
            + " segment and checkpoint); process CPU per request " + Stats.of(webhookCpu) + " ms. Ceilings"
            + " (WebhookCeiling, same client, alternated with ours): Javalin answering 200 after reading the body"
            + " (process CPU per request " + Stats.of(bareHttpCpu) + " ms), and Javalin plus the archive's"
            + " six syncs per group commit with no other work").build());
    report.add(Figure.builder("webhook_p99", "webhook capture latency p99", "ms").ours(whP99)
        .target("<= 50 ms", whP99.median() <= 50).note("p50 " + Stats.of(webhookP50)).build());
  }

  private void addPageFigure(ConversationPageBench.Result page) {
    List<Double> pageAll = page.all().runs();
    report.add(Figure.builder("conversation_page", "web: conversation page, 10,000-message conversation", "ms")
        .ours(page.all())
        .target("<= 200 ms server time (p95)", Stats.quantile(pageAll, 0.95) <= 200)
        .note(String.format(java.util.Locale.ROOT, "GET /c/ID over loopback HTTP by a signed-in user, request sent to last"
            + " byte, %d rounds each of the latest page (median %.1f ms), the first page (%.1f ms) and the page around"
            + " the middle message (%.1f ms); p95 of all %.1f ms; 150 records and a %d-byte page; includes the fsynced"
            + " audit record of the view", page.latest().runs().size(), page.latest().median(), page.first().median(),
            page.around().median(), Stats.quantile(pageAll, 0.95), page.pageBytes())).build());
  }

  // ---- parse

  /** Unmeasured warm-up of each parser (ours and the peer alike) before its measured runs. */
  static final double PARSE_WARMUP_SECONDS = 5.0;
  /** ... and at least this many unmeasured runs, on each side. */
  static final int PARSE_WARMUP_RUNS = 150;
  /**
   * ... or fewer runs of a larger file: at least this many entries parsed in warm-up (150 runs of the
   * 17,500-entry file the rule was set on), and never fewer than three blocks. The 175,000-entry
   * parse file of the full scale then warms up for at least 15 runs, not 150 (150 would
   * hit the 60 s cap on node's side: ~0.7 s a run).
   */
  static final long PARSE_WARMUP_ENTRIES = 150L * 17_500;

  /** The warm-up's minimum number of runs for a file of {@code entries} (see {@link #PARSE_WARMUP_ENTRIES}). */
  static int parseWarmupRuns(long entries) {
    long byEntries = (PARSE_WARMUP_ENTRIES + entries - 1) / Math.max(1, entries);
    return (int) Math.min(PARSE_WARMUP_RUNS, Math.max(3L * PARSE_WARMUP_BLOCK, byEntries));
  }

  /** Warm-up runs whose median is compared with the block before (see {@code parse}). */
  static final int PARSE_WARMUP_BLOCK = 5;
  /** Warm-up ends here even if the times still improve. */
  static final double PARSE_WARMUP_MAX_SECONDS = 60.0;
  /** Measured parse runs per side (each milliseconds to a second; the median is reported). */
  static final int PARSE_RUNS = 15;

  /**
   * The heap both parse processes get for a file of {@code bytes}, in MB: {young, total}. The young
   * generation holds what one parse allocates (about 20 bytes per byte of the file when this was
   * set; measured per run in {@code gc_counts}) twice over, so a run that starts from an emptied
   * heap finishes without a collection; the rest holds the text, the result of a run and the
   * warm-up's promoted leftovers.
   */
  static long[] parseHeapMb(long bytes) {
    long mb = 1L << 20;
    long young = Math.max(512, (bytes * 40 + mb - 1) / mb);
    long old = Math.max(512, (bytes * 16 + mb - 1) / mb);
    return new long[] {young, young + old};
  }

  private void parse(Workload.Export export) throws Exception {
    log("parse: " + export.file().getFileName() + " in a child JVM (WhatsAppExportParser, parse only)"
        + " vs whatsapp-chat-parser in node; and the importer into an in-memory archive, x "
        + scale.runs());
    // Both sides run in a process of their own with a fixed heap sized for the file, warm up by the
    // same rule (ParseRun and parse.mjs have the same code: blocks of PARSE_WARMUP_BLOCK runs, at
    // least PARSE_WARMUP_SECONDS and parseWarmupRuns runs, until two blocks in a row have a median
    // time no more than 5 % below the best block before them, or PARSE_WARMUP_MAX_SECONDS), then
    // do a full collection before each of PARSE_RUNS measured runs, outside its time, and report
    // the collections inside each run. In the driver's own heap the figure measured the heap's
    // state as much as the parser (young collections copying the live part of the result).
    int minWarmRuns = parseWarmupRuns(export.messages());
    long[] heap = parseHeapMb(export.bytes());
    List<String> warm = List.of(Integer.toString(PARSE_RUNS), Double.toString(PARSE_WARMUP_SECONDS),
        Integer.toString(minWarmRuns), Integer.toString(PARSE_WARMUP_BLOCK),
        Double.toString(PARSE_WARMUP_MAX_SECONDS));
    List<String> jvm = List.of("-Xms" + heap[1] + "m", "-Xmx" + heap[1] + "m", "-Xmn" + heap[0] + "m",
        "-XX:+AlwaysPreTouch");
    List<String> ourCmd = new ArrayList<>();
    ourCmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    ourCmd.addAll(jvm);
    ourCmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ParseRun.class.getName(),
        export.file().toString()));
    ourCmd.addAll(warm);
    JsonNode us = JSON.readTree(Proc.run(ourCmd).ok().out());
    // node: the same old-generation limit, and semi-spaces of half our young generation (V8's
    // young generation is two semi-spaces; at its default of 16 MB it collected 20 times per run
    // of the 175,000-entry file and parsed 1.6x slower than with 256 MB).
    List<String> nodeOpts = List.of("--expose-gc", "--max-old-space-size=" + heap[1],
        "--min-semi-space-size=" + heap[0] / 2, "--max-semi-space-size=" + heap[0] / 2);
    List<String> nodeCmd = new ArrayList<>();
    nodeCmd.add("node");
    nodeCmd.addAll(nodeOpts);
    nodeCmd.addAll(List.of(root.resolve("bench/src/main/node/parse.mjs").toString(), nodePeer.toString(),
        export.file().toString()));
    nodeCmd.addAll(warm);
    JsonNode o = JSON.readTree(Proc.run(nodeCmd).ok().out());
    List<Double> ours = new ArrayList<>();
    JsonNode ourSecs = us.get("seconds");
    for (int i = 0; i < ourSecs.size(); i++) {
      ours.add(export.messages() / ourSecs.get(i).asDouble());
    }
    List<Double> peer = new ArrayList<>();
    JsonNode secs = o.get("seconds"); // measured runs only: node warmed up as we did
    for (int i = 0; i < secs.size(); i++) {
      peer.add(export.messages() / secs.get(i).asDouble());
    }
    long entries = us.get("entries").asLong();
    Map<String, Object> gc = new LinkedHashMap<>();
    gc.put("coffer", Map.of("jvm", String.join(" ", jvm), "gc_counts", us.get("gc_counts"),
        "gc_ms", us.get("gc_ms")));
    gc.put("whatsapp_chat_parser", Map.of("node", String.join(" ", nodeOpts),
        "gc_counts", o.get("gc_counts"), "gc_ms", o.get("gc_ms")));
    report.extra.put("parse_gc", gc);
    report.extra.put("parse_warmup_runs", Map.of("coffer", us.get("warmup_runs").asLong(),
        "whatsapp_chat_parser", o.get("warmup_runs").asLong()));
    report.extra.put("whatsapp_chat_parser_messages", o.get("messages").asLong());
    report.extra.put("coffer_parser_entries", entries);
    report.extra.put("node", o.get("node").asText());
    Stats oursStats = Stats.of(ours);
    Stats peerStats = Stats.of(peer);
    report.add(Figure.builder("parse", "WhatsApp export parse (" + export.messages() + " entries)", "entries/s")
        .ours(oursStats).peer("whatsapp-chat-parser", peerStats)
        .target(">= 3x whatsapp-chat-parser", oursStats.median() >= 3 * peerStats.median())
        .note("ours: WhatsAppExportParser.parse(byte[]) (both passes: format and date-order decision, then"
            + " entries with author, time, full text, attachments, system events; UTF-8 decoding included),"
            + " in a child JVM (" + String.join(" ", jvm) + "); peer: parseString of the already-decoded"
            + " string, in node (" + String.join(" ", nodeOpts) + "); each side warmed up by"
            + " parsing unmeasured (at least " + PARSE_WARMUP_SECONDS + " s and " + minWarmRuns + " runs, until"
            + " the median of " + PARSE_WARMUP_BLOCK + " runs stops improving by 5 % twice in a row, at most "
            + PARSE_WARMUP_MAX_SECONDS + " s), then " + PARSE_RUNS + " measured runs, each after a full"
            + " collection outside its time; collections inside the runs: extra.parse_gc").build());
    Fixtures.importInMemory(export.file()); // warm-up, not measured
    List<Double> imported = new ArrayList<>();
    for (int i = 0; i < scale.runs(); i++) {
      long t = System.nanoTime();
      Fixtures.importInMemory(export.file());
      imported.add(export.messages() / ((System.nanoTime() - t) / 1e9));
    }
    Stats importedStats = Stats.of(imported);
    report.add(Figure.builder("import_in_memory", "WhatsApp export import into an in-memory archive ("
        + export.messages() + " entries)", "entries/s")
        .ours(importedStats).peer("whatsapp-chat-parser", peerStats)
        .note("the importer's public path into Archives.inMemory: parse + records + canonical JSON + SHA-256"
            + " + Merkle + id index, warm, in-process (more work than the peer's parse)").build());
  }

  // ---- ingest

  private record Ingest(Path dataDir, Stats rate, Stats heapPeak, Stats heapLive, List<Integer> fullGcs,
      Stats writeMBps, double bytesRatio, Map<String, Long> bytes) {}

  private Ingest ingest(List<Workload.Export> set, String label) throws IOException {
    List<Double> rate = new ArrayList<>();
    List<Double> heap = new ArrayList<>();
    List<Double> live = new ArrayList<>();
    List<Integer> fullGcs = new ArrayList<>();
    List<Double> write = new ArrayList<>();
    Path dir = null;
    Map<String, Long> bytes = null;
    for (int i = 0; i < scale.runs(); i++) {
      dir = work.resolve("data-" + label + "-" + i);
      ImportRun run = importOnce(set, dir, List.of());
      rate.add(run.records / run.seconds);
      heap.add(run.heapPeakMb);
      live.add(run.heapLiveMb);
      fullGcs.add(run.fullGcs);
      bytes = sizes(dir);
      write.add(bytes.get("total") / 1e6 / run.seconds);
      if (i + 1 < scale.runs()) {
        Ceilings.deleteTree(dir);
      }
    }
    long raw = set.stream().mapToLong(Workload.Export::bytes).sum();
    bytes.put("raw_export_text", raw);
    return new Ingest(dir, Stats.of(rate), Stats.of(heap), Stats.of(live), fullGcs, Stats.of(write),
        (double) bytes.get("total") / raw, bytes);
  }

  /**
   * @param heapPeakMb largest occupancy before a collection (with -Xmx512m it can only show that the
   *     import ran within the bound; the live set is {@code heapLiveMb})
   * @param heapLiveMb largest occupancy after a collection: what the import kept, with any old-generation
   *     garbage G1 had not reclaimed yet (only a full collection shows the live set alone)
   * @param fullGcs full collections (a heap too small for the import shows here first)
   */
  private record ImportRun(long records, double seconds, double heapPeakMb, double heapLiveMb, int fullGcs) {}

  private static final Pattern GC_BEFORE = Pattern.compile("(\\d+)M->(\\d+)M\\(\\d+M\\)");

  /**
   * One {@code coffer import whatsapp} of every export of the set into a fresh archive: one child JVM,
   * as an administrator imports a custodian's folder of exports. Each export is still its own import
   * (blob, audit record, report), durable before the next one starts.
   */
  private ImportRun importOnce(List<Workload.Export> set, Path dir, List<String> extraJvm) throws IOException {
    Ceilings.deleteTree(dir);
    cli.run("init", "--data", dir.toString()).ok();
    Path gc = work.resolve("gc-" + dir.getFileName() + ".log");
    List<String> jvm = new ArrayList<>(List.of("-Xmx512m", "-Xlog:gc:file=" + gc));
    jvm.addAll(extraJvm);
    List<String> args = new ArrayList<>(List.of("import", "whatsapp"));
    for (Workload.Export e : set) {
      args.add(e.file().toString());
    }
    args.addAll(List.of("--zone", "UTC", "--data", dir.toString(), "--json"));
    Proc.Result r = cli.run(jvm, args.toArray(String[]::new)).ok();
    JsonNode report = JSON.readTree(jsonPart(r.out()));
    long records = report.get("records_appended").asLong();
    if (report.path("refused").asInt(0) != 0) {
      throw new IOException("the bench's own exports were refused: " + report.get("exports"));
    }
    double peak = 0;
    double live = 0;
    String log = Files.readString(gc);
    Matcher m = GC_BEFORE.matcher(log);
    while (m.find()) {
      peak = Math.max(peak, Double.parseDouble(m.group(1)));
      live = Math.max(live, Double.parseDouble(m.group(2)));
    }
    int fullGcs = (int) log.lines().filter(l -> l.contains("Pause Full")).count();
    Files.deleteIfExists(gc);
    return new ImportRun(records, r.seconds(), peak, live, fullGcs);
  }

  private static Map<String, Long> sizes(Path dir) throws IOException {
    Map<String, Long> out = new LinkedHashMap<>();
    out.put("segments", Ceilings.treeBytes(dir.resolve("objects/segments")));
    out.put("checkpoints", Ceilings.treeBytes(dir.resolve("objects/checkpoints")));
    out.put("blobs_chat_text", Ceilings.treeBytes(dir.resolve("objects/blobs")));
    out.put("id_index", Ceilings.treeBytes(dir.resolve("idindex")));
    out.put("search_index", Ceilings.treeBytes(dir.resolve("index")));
    long total = Ceilings.treeBytes(dir);
    out.put("other", total - out.values().stream().mapToLong(Long::longValue).sum());
    out.put("total", total);
    return out;
  }


  // ---- search

  private record Search(Stats p50, Stats p99, long hitsPerRound) {}

  private Search search(Path dataDir, List<Queries> queries) throws IOException {
    List<Double> p50 = new ArrayList<>();
    List<Double> p99 = new ArrayList<>();
    long hits = 0;
    try (SearchIndex index = SearchIndex.open(dataDir.resolve("index"), dev.coffer.search.SearchOptions.defaults(),
        Archives.encryption(dataDir, dev.coffer.archive.crypto.MasterKeySource.standard(dataDir)))) {
      for (int i = 0; i < scale.runs(); i++) {
        long[] h = {0};
        List<Double> ms = Queries.measure(index, queries, i == 0 ? scale.searchWarmup() : 1, scale.searchRounds(), h);
        p50.add(Stats.quantile(ms, 0.5));
        p99.add(Stats.quantile(ms, 0.99));
        hits = h[0] / scale.searchRounds();
      }
    }
    return new Search(Stats.of(p50), Stats.of(p99), hits);
  }

  // ---- verify

  private record Verify(Stats coffer, Stats engine, Stats sha) {}

  private Verify verify(Path dataDir) throws IOException {
    List<Path> files;
    try (var s = Files.walk(dataDir)) {
      files = s.filter(Files::isRegularFile).filter(p -> !p.startsWith(dataDir.resolve("index"))).sorted().toList();
    }
    long bytes = files.stream().mapToLong(f -> f.toFile().length()).sum();
    List<Double> coffer = new ArrayList<>();
    List<Double> engine = new ArrayList<>();
    List<Double> sha = new ArrayList<>();
    Ceilings.sha256sumSeconds(files); // warm the page cache for both
    for (int i = 0; i < scale.runs(); i++) {
      sha.add(bytes / 1e6 / Ceilings.sha256sumSeconds(files));
      Proc.Result r = cli.run("verify", "--data", dataDir.toString(), "--json").ok();
      JsonNode o = JSON.readTree(r.out());
      if (!o.get("ok").asBoolean()) {
        throw new IllegalStateException("coffer verify found problems in " + dataDir + ": " + o.get("problems"));
      }
      coffer.add(bytes / 1e6 / r.seconds());
      engine.add(o.get("bytes_read").asDouble() / 1e6 / o.get("seconds").asDouble());
    }
    report.extra.put("verify_bytes", bytes);
    return new Verify(Stats.of(coffer), Stats.of(engine), Stats.of(sha));
  }

  // ---- helpers

  /** The JSON object a command printed, without lines printed before it (JFR's start notice). */
  private static String jsonPart(String out) {
    int i = out.startsWith("{") ? 0 : out.indexOf("\n{");
    if (i < 0) {
      throw new IllegalStateException("no JSON object in the output: " + out);
    }
    return out.substring(i).trim();
  }

  @FunctionalInterface
  private interface Measure {
    double get() throws Exception;
  }

  private static List<Double> times(int n, Measure m) throws Exception {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(m.get());
    }
    return out;
  }

  private static double median(int n, Measure m) throws Exception {
    return Stats.of(times(n, m)).median();
  }

  /** The importer's public path into an in-memory archive. */
  private static final class Fixtures {
    static long importInMemory(Path export) throws IOException, dev.coffer.connectors.whatsapp.export.ExportRefusedException {
      try (Archive archive = Archives.inMemory(ArchiveOptions.defaults())) {
        return new WhatsAppExportImporter(archive).importExport(export, ImportOptions.of(ZoneOffset.UTC), null)
            .recordsAppended();
      }
    }
  }
}
