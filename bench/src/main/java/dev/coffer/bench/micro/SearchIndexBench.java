package dev.coffer.bench.micro;

import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.archive.StoredRecord;
import dev.coffer.archive.crypto.Encryption;
import dev.coffer.archive.crypto.KeyRing;
import dev.coffer.connectors.whatsapp.export.ImportOptions;
import dev.coffer.connectors.whatsapp.export.WhatsAppExportImporter;
import dev.coffer.search.SearchIndex;
import dev.coffer.search.SearchOptions;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The search index alone, as an import feeds it: the records of a generated 20,000-entry group export
 * handed to {@link SearchIndex#committed} in batches of 1,000 under {@link SearchIndex#bulkLoad}, then
 * one commit, into a fresh index on disk, with encryption at rest ({@code aes}) or without
 * ({@code none}). The score is records per second on one indexing thread plus Lucene's own; set
 * beside the suite's bare-Lucene ceiling (StandardAnalyzer, two fields) it is the price of Coffer's
 * document (CJK, emoji and phone-number analysis, metadata fields, doc values) and of encrypting it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SearchIndexBench {
  static final int ENTRIES = 20_000;
  static final int BATCH = 1_000;

  @Param({"none", "aes"})
  public String encryption;

  private List<StoredRecord> records;
  private Path scratch;
  private int round;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    Path export = Fixtures.export(ENTRIES);
    records = new ArrayList<>();
    try (Archive archive = Archives.inMemory(ArchiveOptions.defaults())) {
      new WhatsAppExportImporter(archive).importExport(export, ImportOptions.of(ZoneOffset.UTC), null);
      archive.scan(1, r -> records.add(r));
    } finally {
      Files.deleteIfExists(export);
    }
    scratch = Files.createTempDirectory("coffer-bench-index-");
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    try (Stream<Path> files = Files.walk(scratch)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  @Benchmark
  @OperationsPerInvocation(ENTRIES)
  public long index() throws IOException {
    Path dir = scratch.resolve("index-" + round++);
    Encryption enc = encryption.equals("aes")
        ? Encryption.of(KeyRing.inMemory("0123456789abcdef0123456789abcdef", "bench", 0))
        : Encryption.none();
    try (SearchIndex index = SearchIndex.open(dir, SearchOptions.defaults(), enc)) {
      try (Closeable bulk = index.bulkLoad()) {
        for (int i = 0; i < records.size(); i += BATCH) {
          index.committed(records.subList(i, Math.min(records.size(), i + BATCH)));
        }
      }
      index.commit();
      return index.indexedThrough();
    }
  }
}
