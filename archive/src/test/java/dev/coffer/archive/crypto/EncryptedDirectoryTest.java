package dev.coffer.archive.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.CheckIndex;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.store.IndexOutput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncryptedDirectoryTest {
  @TempDir Path dir;
  private final KeyRing ring = KeyRing.inMemory("0123456789abcdef0123456789abcdef", "test", 0);

  private Directory open() throws IOException {
    return Encryption.of(ring).wrap(FSDirectory.open(dir), Encryption.SEARCH_INDEX);
  }

  /** With a decrypted-block cache of {@code cacheBytes} (0: none; 8 KiB: two blocks, evicting all the time). */
  private Directory open(long cacheBytes) throws IOException {
    return Encryption.of(ring).wrap(FSDirectory.open(dir), Encryption.SEARCH_INDEX, cacheBytes);
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "block cache {0} bytes")
  @org.junit.jupiter.params.provider.ValueSource(longs = {0, 8192, 1 << 20})
  void randomAccessThroughSeeksClonesAndSlicesReadsWhatWasWritten(long cacheBytes) throws IOException {
    Random r = new Random(42);
    byte[] data = new byte[200_000];
    r.nextBytes(data);
    try (Directory d = open(cacheBytes)) {
      try (IndexOutput out = d.createOutput("f", IOContext.DEFAULT)) {
        out.writeBytes(data, 0, 1000);
        for (int i = 1000; i < 1100; i++) {
          out.writeByte(data[i]);
        }
        out.writeBytes(data, 1100, data.length - 1100);
        assertThat(out.getFilePointer()).isEqualTo(data.length);
      }
      assertThat(d.fileLength("f")).isEqualTo(data.length);
      assertThat(Files.size(dir.resolve("f"))).isEqualTo(data.length + EncryptedDirectory.HEADER + EncryptedDirectory.TRAILER);
      try (IndexInput in = d.openInput("f", IOContext.DEFAULT)) {
        assertThat(in.length()).isEqualTo(data.length);
        for (int i = 0; i < 300; i++) {
          int pos = r.nextInt(data.length);
          int len = Math.min(r.nextInt(20_000), data.length - pos);
          IndexInput view = switch (i % 3) {
            case 0 -> in;
            case 1 -> in.clone();
            default -> in.slice("s", pos, len);
          };
          if (i % 3 != 2) {
            view.seek(pos);
          }
          byte[] got = new byte[len];
          view.readBytes(got, 0, len);
          for (int j = 0; j < len; j++) {
            if (got[j] != data[pos + j]) {
              throw new AssertionError("byte " + (pos + j) + " differs (view " + i % 3 + ")");
            }
          }
        }
        IndexInput slice = in.slice("nested", 17, 100_000).slice("inner", 33, 1000);
        assertThat(slice.readByte()).isEqualTo(data[50]);
        slice.seek(999);
        assertThat(slice.readByte()).isEqualTo(data[17 + 33 + 999]);
        assertThatThrownBy(slice::readByte).isInstanceOf(java.io.EOFException.class);
      }
    }
  }

  /**
   * The cache holds at most its bound, serves a file deleted and written again under the same name
   * (as Lucene never does, but a rebuilt index could) with the new bytes, and is empty once closed.
   */
  @Test
  void theBlockCacheIsBoundedAndNeverServesAnEarlierFileOfTheSameName() throws IOException {
    byte[] first = new byte[40_000];
    byte[] second = new byte[40_000];
    new Random(1).nextBytes(first);
    new Random(2).nextBytes(second);
    EncryptedDirectory d = (EncryptedDirectory) open(4 * EncryptedDirectory.BLOCK);
    try (d) {
      try (IndexOutput out = d.createOutput("f", IOContext.DEFAULT)) {
        out.writeBytes(first, 0, first.length);
      }
      byte[] got = new byte[first.length];
      try (IndexInput in = d.openInput("f", IOContext.DEFAULT)) {
        in.readBytes(got, 0, got.length);
      }
      assertThat(got).isEqualTo(first);
      assertThat(d.cachedBlocks()).isEqualTo(4);
      d.deleteFile("f");
      try (IndexOutput out = d.createOutput("f", IOContext.DEFAULT)) {
        out.writeBytes(second, 0, second.length);
      }
      try (IndexInput in = d.openInput("f", IOContext.DEFAULT)) {
        in.seek(second.length - 100);
        byte[] tail = new byte[100];
        in.readBytes(tail, 0, 100);
        assertThat(tail).isEqualTo(java.util.Arrays.copyOfRange(second, second.length - 100, second.length));
        in.seek(0);
        in.readBytes(got, 0, got.length);
      }
      assertThat(got).isEqualTo(second);
      try (IndexInput once = d.openInput("f", IOContext.READONCE)) {
        once.readBytes(got, 0, got.length);
      }
      assertThat(got).isEqualTo(second);
      assertThat(d.cachedBlocks()).isLessThanOrEqualTo(4);
    }
    assertThat(d.cachedBlocks()).isZero();
  }

  /**
   * Inputs of two files and their clones read in small interleaved pieces on one thread, and on a
   * second thread at the same time: they share each thread's cipher, so every switch between them,
   * and every non-sequential read, must re-key it.
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "block cache {0} bytes")
  @org.junit.jupiter.params.provider.ValueSource(longs = {0, 8192, 1 << 20})
  void interleavedReadsOfTwoFilesAndTheirClonesOnTwoThreadsReadWhatWasWritten(long cacheBytes) throws Exception {
    Random r = new Random(7);
    byte[][] data = {new byte[50_000], new byte[30_000]};
    r.nextBytes(data[0]);
    r.nextBytes(data[1]);
    try (Directory d = open(cacheBytes)) {
      for (int f = 0; f < 2; f++) {
        try (IndexOutput out = d.createOutput("f" + f, IOContext.DEFAULT)) {
          out.writeBytes(data[f], 0, data[f].length);
        }
      }
      try (IndexInput a = d.openInput("f0", IOContext.DEFAULT);
          IndexInput b = d.openInput("f1", IOContext.DEFAULT)) {
        java.util.concurrent.Callable<Void> reader = () -> {
          Random rr = new Random(Thread.currentThread().getName().hashCode());
          IndexInput[] views = {a.clone(), a.clone(), b.clone(), b.clone()};
          int[] at = new int[views.length];
          for (int i = 0; i < 4_000; i++) {
            int v = rr.nextInt(views.length);
            byte[] src = data[v / 2];
            if (rr.nextInt(4) == 0 || at[v] >= src.length - 64) {
              at[v] = rr.nextInt(src.length - 64);
              views[v].seek(at[v]);
            }
            int len = 1 + rr.nextInt(40);
            byte[] got = new byte[len];
            views[v].readBytes(got, 0, len);
            for (int j = 0; j < len; j++) {
              if (got[j] != src[at[v] + j]) {
                throw new AssertionError("file f" + v / 2 + " byte " + (at[v] + j) + " differs");
              }
            }
            at[v] += len;
          }
          return null;
        };
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
          var one = pool.submit(reader);
          var two = pool.submit(reader);
          one.get();
          two.get();
        } finally {
          pool.shutdownNow();
        }
      }
    }
  }

  @Test
  void aLuceneIndexWorksChecksCleanAndHoldsNoPlaintext() throws IOException {
    try (Directory d = open()) {
      try (IndexWriter w = new IndexWriter(d, new IndexWriterConfig(new StandardAnalyzer()))) {
        for (int i = 0; i < 2000; i++) {
          Document doc = new Document();
          doc.add(new StringField("id", "rec-" + i, Field.Store.YES));
          doc.add(new TextField("text", "zanzibarquux message number " + i, Field.Store.YES));
          doc.add(new LongPoint("serial", i));
          w.addDocument(doc);
          if (i == 1000) {
            w.commit();
          }
        }
        w.forceMerge(1);
        w.commit();
      }
      try (DirectoryReader reader = DirectoryReader.open(d)) {
        IndexSearcher s = new IndexSearcher(reader);
        assertThat(s.count(new TermQuery(new Term("text", "zanzibarquux")))).isEqualTo(2000);
        assertThat(s.count(new TermQuery(new Term("id", "rec-1234")))).isEqualTo(1);
        assertThat(s.storedFields().document(s.search(new TermQuery(new Term("id", "rec-7")), 1).scoreDocs[0].doc)
            .get("text")).isEqualTo("zanzibarquux message number 7");
      }
      try (CheckIndex check = new CheckIndex(d)) {
        assertThat(check.checkIndex().clean).isTrue();
      }
      for (String f : d.listAll()) {
        if (!f.equals("write.lock")) {
          try (IndexInput in = d.openInput(f, IOContext.READONCE)) {
            CodecUtil.checksumEntireFile(in);
          }
        }
      }
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        String raw = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        assertThat(raw).as(f.toString()).doesNotContain("zanzibarquux").doesNotContain("rec-1");
      }
    }
  }

  @Test
  void aFlippedByteFailsTheLuceneChecksum() throws IOException {
    try (Directory d = open()) {
      try (IndexWriter w = new IndexWriter(d, new IndexWriterConfig(new StandardAnalyzer()))) {
        Document doc = new Document();
        doc.add(new TextField("text", "some words to index", Field.Store.YES));
        w.addDocument(doc);
        w.commit();
      }
    }
    Path fdt;
    try (Stream<Path> files = Files.list(dir)) {
      fdt = files.filter(p -> p.toString().endsWith(".cfs") || p.toString().endsWith(".fdt")).findFirst().orElseThrow();
    }
    byte[] b = Files.readAllBytes(fdt);
    b[EncryptedDirectory.HEADER + 40] ^= 4;
    Files.write(fdt, b);
    try (Directory d = open(); CheckIndex check = new CheckIndex(d)) {
      assertThat(check.checkIndex().clean).isFalse();
    }
  }

  @Test
  void anotherKeyCannotReadTheIndex() throws IOException {
    try (Directory d = open()) {
      try (IndexWriter w = new IndexWriter(d, new IndexWriterConfig(new StandardAnalyzer()))) {
        w.addDocument(new Document());
        w.commit();
      }
    }
    KeyRing other = KeyRing.inMemory("0123456789abcdef0123456789abcdef", "test", 0);
    try (Directory d = Encryption.of(other).wrap(FSDirectory.open(dir), Encryption.SEARCH_INDEX)) {
      assertThatThrownBy(() -> DirectoryReader.open(d)).isInstanceOf(IOException.class);
    }
    // the same keys under another purpose (the id index's) cannot read it either
    try (Directory d = Encryption.of(ring).wrap(FSDirectory.open(dir), Encryption.ID_INDEX)) {
      assertThatThrownBy(() -> DirectoryReader.open(d)).isInstanceOf(IOException.class);
    }
  }

  /** Flips one plaintext bit through the ciphertext and fixes Lucene's CRC-32 footer without any key. */
  private static void flipAndForgeCrc(Path file, long logicalLength, int position) throws IOException {
    byte[] b = Files.readAllBytes(file);
    int covered = (int) logicalLength - 8; // the footer's checksum covers everything before its last 8 bytes
    byte[] delta = new byte[covered];
    delta[position] = 4;
    java.util.zip.CRC32 a = new java.util.zip.CRC32();
    a.update(delta);
    java.util.zip.CRC32 zero = new java.util.zip.CRC32();
    zero.update(new byte[covered]);
    int crcDelta = (int) (a.getValue() ^ zero.getValue()); // CRC is affine: crc(m ^ d) = crc(m) ^ crc(d) ^ crc(0)
    b[EncryptedDirectory.HEADER + position] ^= 4;
    for (int i = 0; i < 4; i++) {
      b[EncryptedDirectory.HEADER + (int) logicalLength - 4 + i] ^= (byte) (crcDelta >>> (24 - 8 * i));
    }
    Files.write(file, b);
  }

  private void writeSmallIndex() throws IOException {
    try (Directory d = open()) {
      try (IndexWriter w = new IndexWriter(d, new IndexWriterConfig(new StandardAnalyzer()))) {
        Document doc = new Document();
        doc.add(new TextField("text", "some words to index and a few more to make it longer", Field.Store.YES));
        w.addDocument(doc);
        w.commit();
      }
    }
  }

  @Test
  void aFlippedCiphertextBitWithAForgedCrcPassesLuceneButNotTheMac() throws IOException {
    writeSmallIndex();
    String name;
    try (Stream<Path> files = Files.list(dir)) {
      name = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cfs") || n.endsWith(".fdt"))
          .findFirst().orElseThrow();
    }
    long length;
    try (Directory d = open()) {
      assertThat(((EncryptedDirectory) d).authenticate(name)).isEqualTo(EncryptedDirectory.Authenticity.AUTHENTIC);
      length = d.fileLength(name);
    }
    flipAndForgeCrc(dir.resolve(name), length, 40);
    try (Directory d = open()) {
      // the forgery is good enough for Lucene's checksum: CRC-32 alone cannot tell
      try (IndexInput in = d.openInput(name, IOContext.READONCE)) {
        CodecUtil.checksumEntireFile(in);
      }
      assertThatThrownBy(() -> ((EncryptedDirectory) d).authenticate(name))
          .isInstanceOf(org.apache.lucene.index.CorruptIndexException.class).hasMessageContaining("MAC mismatch");
    }
  }

  @Test
  void aForgedCommitPointIsRefusedWhenItIsOpened() throws IOException {
    writeSmallIndex();
    String segments;
    long length;
    try (Directory d = open()) {
      segments = org.apache.lucene.index.SegmentInfos.getLastCommitSegmentsFileName(d.listAll());
      length = d.fileLength(segments);
    }
    flipAndForgeCrc(dir.resolve(segments), length, (int) length - 20);
    try (Directory d = open()) {
      assertThatThrownBy(() -> DirectoryReader.open(d)).isInstanceOf(org.apache.lucene.index.CorruptIndexException.class)
          .hasMessageContaining("MAC mismatch");
    }
  }

  @Test
  void aFileWrittenBeforeMacsIsReadableAndReportedUnauthenticated() throws IOException {
    try (Directory d = open(); IndexOutput out = d.createOutput("f", IOContext.DEFAULT)) {
      out.writeString("written by an older Coffer");
      CodecUtil.writeFooter(out);
    }
    // the version-1 form: the same header with version 1, and no MAC trailer
    byte[] b = Files.readAllBytes(dir.resolve("f"));
    byte[] v1 = java.util.Arrays.copyOf(b, b.length - EncryptedDirectory.TRAILER);
    v1[4] = EncryptedDirectory.VERSION_UNAUTHENTICATED;
    Files.write(dir.resolve("f"), v1);
    try (Directory d = open()) {
      assertThat(((EncryptedDirectory) d).authenticate("f")).isEqualTo(EncryptedDirectory.Authenticity.UNAUTHENTICATED);
      assertThat(d.fileLength("f")).isEqualTo(v1.length - EncryptedDirectory.HEADER);
      try (IndexInput in = d.openInput("f", IOContext.READONCE)) {
        assertThat(in.readString()).isEqualTo("written by an older Coffer");
        CodecUtil.checksumEntireFile(in);
      }
    }
  }
}
