package dev.coffer.bench;

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

/** The hardware and library ceilings: bare Lucene indexing, disk write speed, fsync latency, sha256sum. */
final class Ceilings {
  private Ceilings() {}

  /**
   * Indexes {@code texts} with one IndexWriter and StandardAnalyzer (id + text, nothing else), commits
   * once at the end; returns documents per second including the commit.
   */
  static double luceneDocsPerSecond(List<String> texts, Path dir) throws IOException {
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
    deleteTree(dir);
    return texts.size() / seconds;
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
