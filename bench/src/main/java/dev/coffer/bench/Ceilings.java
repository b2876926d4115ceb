package dev.coffer.bench;

import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.archive.StoredRecord;
import dev.coffer.model.Audit;
import dev.coffer.model.Record;
import dev.coffer.search.SearchIndex;
import dev.coffer.search.SearchOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.FSDirectory;

/** The hardware and library ceilings: bare Lucene indexing, Coffer's search index alone, disk write speed, fsync latency, sha256sum. */
final class Ceilings {
  private Ceilings() {}

  /**
   * One run of the bare-Lucene ceiling.
   *
   * @param docsPerSecond documents per second, the final commit included
   * @param indexBytes the committed index's apparent size on disk (after the writer closed)
   */
  record Lucene(double docsPerSecond, long indexBytes) {}

  /**
   * Indexes {@code texts} with one IndexWriter and StandardAnalyzer (id + text, nothing else), commits
   * once at the end; returns documents per second including the commit, and the size of the index
   * it wrote: the id as a stored, indexed keyword ({@code StringField}) and the text as a stored
   * {@code TextField} (terms with frequencies and positions and norms; no offsets, no term
   * vectors, no doc values), Lucene's default codec. The directory is deleted afterwards.
   */
  static Lucene lucene(List<String> texts, Path dir) throws IOException {
    deleteTree(dir);
    long start = System.nanoTime();
    try (FSDirectory d = FSDirectory.open(dir);
         IndexWriter w = new IndexWriter(d, new IndexWriterConfig(new StandardAnalyzer()).setRAMBufferSizeMB(64))) {
      int i = 0;
      for (String t : texts) {
        Document doc = new Document();
        doc.add(new StringField("id", Integer.toString(i++), Field.Store.YES));
        doc.add(new TextField("text", t, Field.Store.YES));
        w.addDocument(doc);
      }
      w.commit();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long bytes = treeBytes(dir);
    deleteTree(dir);
    return new Lucene(texts.size() / seconds, bytes);
  }

  /** Records per {@link SearchIndex#committed} call in {@link #cofferIndex}: the importer's commit batch. */
  static final int COFFER_BATCH = 5_000;
  /**
   * The most records {@link #cofferRecords} holds in the bench driver's heap (-Xmx3g). 1,000,000
   * measured 1.57 GB live after a full collection, with 97 s of GC pauses while they were read (by
   * hand, under load); a ceiling indexed in a nearly full heap would run slow and flatter the
   * import beside it, so the ceiling takes the first 250,000 (about 400 MB).
   */
  static final int COFFER_MAX_RECORDS = 250_000;

  /**
   * The records of the archive in {@code dataDir} that the bare-Lucene ceiling's texts come from
   * (every record but audit records), each carrying its {@code Record} object as an import's
   * commit listener receives it, so that {@link #cofferIndex} does not parse JSON: they are
   * appended to an in-memory archive (outside any timing) and collected from its commit listener.
   * At most the first {@code max} of them (in serial order): they are all held in memory, about a
   * kilobyte and a half each with their canonical bytes, so a larger run indexes its first {@value #COFFER_MAX_RECORDS}.
   */
  static List<StoredRecord> cofferRecords(Path dataDir, int max) throws IOException {
    List<StoredRecord> out = new ArrayList<>();
    try (Archive source = Archives.open(dataDir, ArchiveOptions.defaults());
         Archive memory = Archives.inMemory(ArchiveOptions.defaults())) {
      memory.addCommitListener(out::addAll);
      List<Record> batch = new ArrayList<>(COFFER_BATCH);
      int[] taken = {0};
      source.scan(1, sr -> {
        Record r = sr.record();
        if (!(r instanceof Audit)) {
          batch.add(r);
          taken[0]++;
          if (batch.size() == COFFER_BATCH) {
            memory.append(batch);
            batch.clear();
          }
        }
        return taken[0] < max;
      });
      if (!batch.isEmpty()) {
        memory.append(batch);
      }
    }
    return out;
  }

  /**
   * One run of the second indexing ceiling: the same records indexed by Coffer's own search index
   * ({@link SearchIndex}: its documents and analysis, i.e. ICU tokenizer and folding, CJK bigrams,
   * emoji variants, phone numbers, the sender, time, conversation and filter fields, doc values for
   * sorting and conversation views), fed as an import feeds it ({@link SearchIndex#bulkLoad}, batches
   * of {@value #COFFER_BATCH}, its default options), one commit at the end, <em>without</em> the
   * archive and <em>without</em> encryption at rest. Set beside {@link #lucene} (StandardAnalyzer, id
   * + text) it is the price of the index Coffer needs; the import's rate beside it is what the
   * archive (and encryption) adds. Records per second including the commit; the directory is
   * deleted afterwards.
   */
  static Lucene cofferIndex(List<StoredRecord> records, Path dir) throws IOException {
    deleteTree(dir);
    long start = System.nanoTime();
    try (SearchIndex index = SearchIndex.open(dir, SearchOptions.defaults())) {
      try (java.io.Closeable bulk = index.bulkLoad()) {
        for (int i = 0; i < records.size(); i += COFFER_BATCH) {
          index.committed(records.subList(i, Math.min(records.size(), i + COFFER_BATCH)));
        }
      }
      index.commit();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long bytes = treeBytes(dir);
    deleteTree(dir);
    return new Lucene(records.size() / seconds, bytes);
  }

  /**
   * Bytes of {@code files} each compressed with zstd at {@code level} (zstd-jni, one thread, a
   * frame per file, streamed): the size of the smallest ordinary lossless copy of the evidence.
   */
  static long zstdBytes(List<Path> files, int level) throws IOException {
    long total = 0;
    byte[] buf = new byte[1 << 20];
    for (Path f : files) {
      CountingSink sink = new CountingSink();
      try (var in = Files.newInputStream(f);
           var z = new com.github.luben.zstd.ZstdOutputStream(sink, level)) {
        for (int n; (n = in.read(buf)) > 0; ) {
          z.write(buf, 0, n);
        }
      }
      total += sink.count;
    }
    return total;
  }

  /** Counts what is written and keeps none of it. */
  private static final class CountingSink extends java.io.OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }

  private static final Pattern DD_RATE = Pattern.compile("(\\d+) bytes .* copied, ([0-9.]+) s");

  /** {@code dd if=/dev/zero bs=1M count=mb conv=fdatasync} into {@code dir}: MB/s (10^6 bytes). */
  static double ddWriteMBps(Path dir, int mb) throws IOException {
    Path f = dir.resolve("dd-ceiling.bin");
    try {
      Proc.Result r = Proc.run(List.of("dd", "if=/dev/zero", "of=" + f, "bs=1M", "count=" + mb, "conv=fdatasync"))
          .ok();
      Matcher m = DD_RATE.matcher(r.err());
      if (!m.find()) {
        throw new IOException("cannot read dd's output: " + r.err());
      }
      return Long.parseLong(m.group(1)) / Double.parseDouble(m.group(2)) / 1e6;
    } finally {
      Files.deleteIfExists(f);
    }
  }

  /** Latencies (ms) of {@code n} rounds of "write 4 KiB at the end of a file, then fdatasync". */
  static List<Double> fsyncLatenciesMs(Path dir, int n) throws IOException {
    Path f = dir.resolve("fsync-ceiling.bin");
    List<Double> ms = new ArrayList<>();
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND)) {
      ByteBuffer page = ByteBuffer.allocateDirect(4096);
      for (int i = 0; i < n; i++) {
        page.clear();
        long t = System.nanoTime();
        ch.write(page);
        ch.force(false);
        ms.add((System.nanoTime() - t) / 1e6);
      }
    } finally {
      Files.deleteIfExists(f);
    }
    return ms;
  }

  /** Seconds for {@code sha256sum} over {@code files}, in one process. */
  static double sha256sumSeconds(List<Path> files) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("sha256sum", "--"));
    for (Path p : files) {
      cmd.add(p.toString());
    }
    return Proc.run(cmd).ok().seconds();
  }

  /** Apparent size of the regular files under {@code p} (0 if it does not exist). */
  static long treeBytes(Path p) throws IOException {
    if (!Files.exists(p)) {
      return 0;
    }
    try (var s = Files.walk(p)) {
      return s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
