package dev.coffer.archive.idindex;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.apache.lucene.codecs.PostingsFormat;
import org.apache.lucene.codecs.bloom.BloomFilteringPostingsFormat;
import org.apache.lucene.codecs.lucene103.Lucene103Codec;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.util.BytesRef;

/**
 * The derived index id → serial (and serial → segment), a small Lucene index in
 * {@code <data>/idindex/}, so that dedupe, {@code get(id)} and {@code get(serial)} need no in-memory
 * set of every id: memory stays bounded whatever the archive's size.
 *
 * <p>Documents: one per record ({@value #ID} indexed, {@value #SERIAL} doc value), and one per segment
 * ({@value #SEGMENT} as point and doc value: the segment's first serial). Two fields per record keep
 * indexing cheap on the append path. One more per blob a group commit stored in a blob pack
 * ({@value #BLOB} indexed: the blob's name; {@value #PACK} doc value: the pack's serial), so reading a
 * packed blob finds its pack without listing packs.
 *
 * <p>Derived, not evidence: it can be deleted and rebuilt from the segments. Each Lucene commit records
 * in its user data ({@value #COVERED}) the serial up to which it holds every record; opening the archive
 * re-adds the records of segments after that serial. Records added since the last refresh are held in a
 * small map (bounded by {@link #REFRESH_EVERY}) until the near-real-time reader sees them.
 *
 * <p>Thread-safety: {@link #add}, {@link #commit} are called by one committing thread at a time;
 * lookups may run concurrently from any thread.
 */
public final class IdIndex implements Closeable {
  /** Commit user-data key: every record with a serial up to this value is in the commit. */
  public static final String COVERED = "coffer.covered-serial";
  /**
   * Commit user-data key naming the layout of the {@value #ID} terms. Version 2: an id of 32
   * lowercase hex digits (what Coffer derives) is the term {@code 0xFF} followed by its 16 bytes, any
   * other id its UTF-8 bytes (never starting with {@code 0xFF}, which UTF-8 does not use). An index
   * without it (version 1: every id as UTF-8, 32 bytes for a hex id) is emptied on open and rebuilt
   * from the segments, like any index behind them. Version 3: the same terms, and the {@value #ID}
   * postings of each Lucene segment it writes carry a Bloom filter ({@link IdCodec}). A version 2 index
   * is read as it is (Lucene records each segment's postings format): its segments gain the filter
   * when merges rewrite them, and its next commit says version 3.
   */
  public static final String FORMAT = "coffer.idindex-format";
  static final String FORMAT_VERSION = "3";
  /** Earlier versions read as they are (see {@link #FORMAT}). */
  private static final java.util.Set<String> READABLE_FORMATS = java.util.Set.of("2", FORMAT_VERSION);
  private static final byte BINARY_HEX = (byte) 0xFF;
  static final String ID = "id";
  static final String SERIAL = "serial";
  static final String SEGMENT = "segment";
  /** A packed blob's name (its key's last level); {@value #PACK} holds the pack's serial. */
  static final String BLOB = "blob";
  static final String PACK = "pack";
  /** Largest merged Lucene segment: bounds the per-segment arrays verify allocates. */
  static final double MAX_SEGMENT_MB = 64;
  /** Refresh the reader after this many additions (bounds the recent map's memory). */
  static final int REFRESH_EVERY = 100_000;


  private final Directory directory;
  private final IndexWriter writer;
  private final SearcherManager searchers;
  private final Map<String, Long> recentIds = new ConcurrentHashMap<>();
  private final Map<String, Long> recentBlobs = new ConcurrentHashMap<>();
  private final ConcurrentSkipListMap<Long, Long> recentSegments = new ConcurrentSkipListMap<>();
  private volatile long covered;
  private volatile long added;

  private IdIndex(Directory directory, IndexWriter writer) throws IOException {
    this.directory = directory;
    this.writer = writer;
    this.searchers = new SearcherManager(writer, null);
    Map<String, String> data = committedData(writer);
    this.covered = data.containsKey(COVERED) ? Long.parseLong(data.get(COVERED)) : 0;
    this.added = covered;
  }

  private static Map<String, String> committedData(IndexWriter w) {
    Map<String, String> out = new java.util.HashMap<>();
    Iterable<Map.Entry<String, String>> live = w.getLiveCommitData();
    if (live != null) {
      live.forEach(e -> out.put(e.getKey(), e.getValue()));
    }
    return out;
  }

  /**
   * Opens (creating if empty) the index in {@code directory}, which it then owns (closed with it).
   *
   * @throws org.apache.lucene.store.LockObtainFailedException if another writer holds it
   * @throws IOException if it is damaged (the caller may delete and rebuild it)
   */
  public static IdIndex open(Directory directory) throws IOException {
    IndexWriterConfig config = new IndexWriterConfig(null)
        .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
        .setRAMBufferSizeMB(32)
        .setCodec(new IdCodec())
        .setMergePolicy(new TieredMergePolicy().setMaxMergedSegmentMB(MAX_SEGMENT_MB))
        .setCommitOnClose(false);
    IndexWriter writer = new IndexWriter(directory, config);
    try {
      Map<String, String> data = committedData(writer);
      if (data.containsKey(COVERED) && (!data.containsKey(FORMAT) || !READABLE_FORMATS.contains(data.get(FORMAT)))) {
        // An index of the version 1 term layout: derived state, so emptied and caught up from serial 1.
        writer.deleteAll();
        writer.setLiveCommitData(Map.of(COVERED, "0", FORMAT, FORMAT_VERSION).entrySet());
        writer.commit();
      }
      return new IdIndex(directory, writer);
    } catch (IOException | RuntimeException e) {
      writer.close();
      throw e;
    }
  }

  /**
   * The index's codec: Lucene's default, with a Bloom filter in front of the {@value #ID} terms of
   * each Lucene segment. Dedupe looks every appended id up in every segment, and for new records
   * every lookup misses: without the filter each miss loads (and decrypts) a terms block per
   * segment; with it most misses end after hashing the term. Lucene records the postings format per
   * field and segment, and its service loader reads the filter back ({@code lucene-codecs}), so the
   * codec is needed only to write. Lucene's default filter: sized for the segment's document count
   * (every record document has one unique id) at a false-positive rate of 1-10 %, 5 to 10 bits per
   * document, about 3 % of the index's bytes (a lower rate was measured and bought nothing:
   * BENCHMARKS.md, "Id index and the commit path").
   */
  static final class IdCodec extends Lucene103Codec {
    private final PostingsFormat ids = new BloomFilteringPostingsFormat(super.getPostingsFormatForField(ID));

    @Override
    public PostingsFormat getPostingsFormatForField(String field) {
      return ID.equals(field) ? ids : super.getPostingsFormatForField(field);
    }
  }

  /** The serial up to which the last durable commit holds every record (0 if none). */
  public long coveredSerial() {
    return covered;
  }

  /** The serial up to which records have been added (durable or not). */
  public long addedSerial() {
    return added;
  }

  /** Adds the records of one segment: {@code ids.get(i)} has serial {@code firstSerial + i}. */
  public void add(List<String> ids, long firstSerial) throws IOException {
    if (firstSerial != added + 1) {
      throw new IllegalStateException("id index holds serials up to " + added + ", cannot add from " + firstSerial);
    }
    long serial = firstSerial;
    // One document and its two fields, refilled per id: the writer copies what it indexes.
    StringField idField = new StringField(ID, new BytesRef(), Field.Store.NO);
    NumericDocValuesField serialField = new NumericDocValuesField(SERIAL, 0);
    Document d = new Document();
    d.add(idField);
    d.add(serialField);
    for (String id : ids) {
      idField.setBytesValue(term(id));
      serialField.setLongValue(serial);
      writer.addDocument(d);
      recentIds.put(id, serial);
      serial++;
    }
    Document seg = new Document();
    seg.add(new LongPoint(SEGMENT, firstSerial));
    seg.add(new NumericDocValuesField(SEGMENT, firstSerial));
    writer.addDocument(seg);
    recentSegments.put(firstSerial, serial - 1);
    added = serial - 1;
    if (recentIds.size() + recentBlobs.size() >= REFRESH_EVERY) {
      refresh();
    }
  }

  /**
   * Adds the blobs of the pack written for the segment starting at {@code packSerial}; called by the
   * committing thread once that segment is durable, before {@link #add} of its records (so a commit of
   * this index that covers a serial holds the blobs of every pack up to it).
   */
  public void addBlobs(List<String> names, long packSerial) throws IOException {
    for (String name : names) {
      Document d = new Document();
      d.add(new StringField(BLOB, name, Field.Store.NO));
      d.add(new NumericDocValuesField(PACK, packSerial));
      writer.addDocument(d);
      recentBlobs.put(name, packSerial);
    }
  }

  /**
   * The serial of the newest pack holding the blob named {@code name}, or -1 if no pack holds it. A
   * blob is packed again only after blob disposition removed its earlier pack, so the newest one is
   * the one that may still exist; the caller checks that it does (entries of removed packs stay).
   */
  public long findBlob(String name) throws IOException {
    Objects.requireNonNull(name, "name");
    Long recent = recentBlobs.get(name);
    if (recent != null) {
      return recent;
    }
    IndexSearcher s = searchers.acquire();
    try {
      BytesRef term = new BytesRef(name);
      long newest = -1;
      for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
        Terms terms = leaf.reader().terms(BLOB);
        if (terms == null) {
          continue;
        }
        TermsEnum te = terms.iterator();
        if (te.seekExact(term)) {
          PostingsEnum pe = te.postings(null, PostingsEnum.NONE);
          for (int doc = pe.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = pe.nextDoc()) {
            newest = Math.max(newest, value(leaf, PACK, doc));
          }
        }
      }
      return newest;
    } finally {
      searchers.release(s);
    }
  }

  /** Makes everything added visible to the reader and empties the recent maps. */
  private void refresh() throws IOException {
    searchers.maybeRefreshBlocking();
    // Lookups check the recent maps first and the reader second, so clearing after the swap is safe.
    recentIds.clear();
    recentSegments.clear();
    recentBlobs.clear();
  }

  /** Makes everything added so far durable, recording {@code coveredSerial} (== addedSerial). */
  public void commit() throws IOException {
    long upTo = added;
    writer.setLiveCommitData(Map.of(COVERED, Long.toString(upTo), FORMAT, FORMAT_VERSION).entrySet());
    writer.commit();
    covered = upTo;
  }

  /** The serial of the record with {@code id}, or -1 if it is not archived. */
  public long find(String id) throws IOException {
    Objects.requireNonNull(id, "id");
    // Recent map first, reader second: a refresh swaps the reader before it clears the map, so a
    // record is always in one of the two places this thread looks (in this order).
    Long recent = recentIds.get(id);
    if (recent != null) {
      return recent;
    }
    try (Lookup lookup = lookup()) {
      return lookup.findInReader(id);
    }
  }

  /**
   * A batch of lookups against one point-in-time reader, reusing one terms enumerator per Lucene
   * segment: what the committing thread uses to dedupe a whole group commit. Not thread-safe; only the
   * thread that calls {@link #add} may use one, and it closes it before its next {@code add}.
   */
  public Lookup lookup() throws IOException {
    return new Lookup();
  }

  /** See {@link #lookup()}. */
  public final class Lookup implements Closeable {
    private final IndexSearcher searcher;
    private final List<LeafReaderContext> leaves;
    private final TermsEnum[] enums;
    private PostingsEnum postings;

    private Lookup() throws IOException {
      searcher = searchers.acquire();
      leaves = searcher.getIndexReader().leaves();
      enums = new TermsEnum[leaves.size()];
      for (int i = 0; i < enums.length; i++) {
        Terms terms = leaves.get(i).reader().terms(ID);
        enums[i] = terms == null ? null : terms.iterator();
      }
    }

    /** The serial of the record with {@code id}, or -1. Only for the thread that adds (see {@link #lookup()}). */
    public long find(String id) throws IOException {
      Long recent = recentIds.get(id);
      if (recent != null) {
        return recent;
      }
      return findInReader(id);
    }

    long findInReader(String id) throws IOException {
      BytesRef term = term(id);
      for (int i = 0; i < enums.length; i++) {
        TermsEnum te = enums[i];
        if (te != null && te.seekExact(term)) {
          postings = te.postings(postings, PostingsEnum.NONE);
          int doc = postings.nextDoc();
          if (doc != DocIdSetIterator.NO_MORE_DOCS) {
            return value(leaves.get(i), SERIAL, doc);
          }
        }
      }
      return -1;
    }

    @Override
    public void close() throws IOException {
      searchers.release(searcher);
    }
  }

  /**
   * An order-independent checksum of an index's id → serial pairs, and how many there are (for
   * verify, which compares it with {@link #pairHash} summed over the segments' records). Reads each
   * Lucene segment sequentially: one pass over the terms, one over the serial doc values.
   */
  public static long[] pairChecksum(DirectoryReader reader) throws IOException {
    long sum = 0;
    long count = 0;
    for (LeafReaderContext leaf : reader.leaves()) {
      int maxDoc = leaf.reader().maxDoc();
      long[] serials = new long[maxDoc];
      java.util.Arrays.fill(serials, -1);
      NumericDocValues dv = leaf.reader().getNumericDocValues(SERIAL);
      if (dv != null) {
        for (int doc = dv.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = dv.nextDoc()) {
          serials[doc] = dv.longValue();
        }
      }
      Terms terms = leaf.reader().terms(ID);
      if (terms == null) {
        continue;
      }
      TermsEnum te = terms.iterator();
      PostingsEnum pe = null;
      for (BytesRef t = te.next(); t != null; t = te.next()) {
        pe = te.postings(pe, PostingsEnum.NONE);
        for (int doc = pe.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = pe.nextDoc()) {
          sum += termPairHash(t, serials[doc]);
          count++;
        }
      }
    }
    return new long[] {sum, count};
  }

  /** A 64-bit mix of (id, serial); summed over pairs it is an order-independent checksum. */
  public static long pairHash(String id, long serial) {
    long h = 0xcbf29ce484222325L ^ (serial * 0x9E3779B97F4A7C15L);
    for (int i = 0; i < id.length(); i++) {
      h = (h ^ id.charAt(i)) * 0x100000001b3L;
    }
    return mix(h);
  }

  /** The {@value #ID} term of a record id (see {@link #FORMAT}). */
  static BytesRef term(String id) {
    if (id.length() != 32) {
      return new BytesRef(id);
    }
    byte[] t = new byte[17];
    t[0] = BINARY_HEX;
    for (int i = 0; i < 16; i++) {
      int hi = lowerHexDigit(id.charAt(2 * i));
      int lo = lowerHexDigit(id.charAt(2 * i + 1));
      if (hi < 0 || lo < 0) {
        return new BytesRef(id); // only 0-9 a-f map to the binary form, so two ids never share a term
      }
      t[1 + i] = (byte) (hi << 4 | lo);
    }
    return new BytesRef(t);
  }

  private static int lowerHexDigit(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
  }

  private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** {@link #pairHash(String, long)} of the id a {@value #ID} term holds, in either layout. */
  static long termPairHash(BytesRef t, long serial) {
    if (t.length == 17 && t.bytes[t.offset] == BINARY_HEX) {
      long h = 0xcbf29ce484222325L ^ (serial * 0x9E3779B97F4A7C15L);
      for (int i = t.offset + 1; i < t.offset + 17; i++) {
        h = (h ^ HEX[(t.bytes[i] >> 4) & 0xf]) * 0x100000001b3L;
        h = (h ^ HEX[t.bytes[i] & 0xf]) * 0x100000001b3L;
      }
      return mix(h);
    }
    return pairHash(t.bytes, t.offset, t.length, serial);
  }

  /**
   * {@link #pairHash(String, long)} of the id whose UTF-8 bytes are {@code utf8[off, off + len)},
   * without making a String when they are ASCII (then each byte is the char the String would hold).
   */
  public static long pairHash(byte[] utf8, int off, int len, long serial) {
    long h = 0xcbf29ce484222325L ^ (serial * 0x9E3779B97F4A7C15L);
    for (int i = off; i < off + len; i++) {
      byte c = utf8[i];
      if (c < 0) {
        return pairHash(new String(utf8, off, len, java.nio.charset.StandardCharsets.UTF_8), serial);
      }
      h = (h ^ c) * 0x100000001b3L;
    }
    return mix(h);
  }

  private static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  /** First serial of the segment holding {@code serial}, or -1 if the index does not know it. */
  public long segmentOf(long serial) throws IOException {
    Map.Entry<Long, Long> recent = recentSegments.floorEntry(serial);
    if (recent != null && serial <= recent.getValue()) {
      return recent.getKey();
    }
    IndexSearcher s = searchers.acquire();
    try {
      // The segment with the greatest first serial <= serial.
      TopDocs top = s.search(LongPoint.newRangeQuery(SEGMENT, 1, serial), 1,
          new Sort(new SortField(SEGMENT, SortField.Type.LONG, true)));
      if (top.scoreDocs.length == 0) {
        return -1;
      }
      return (Long) ((FieldDoc) top.scoreDocs[0]).fields[0];
    } finally {
      searchers.release(s);
    }
  }

  private static long value(LeafReaderContext leaf, String field, int doc) throws IOException {
    NumericDocValues dv = leaf.reader().getNumericDocValues(field);
    if (dv == null || !dv.advanceExact(doc)) {
      throw new IOException("id index document without " + field + " (derived index damaged, run coffer reindex)");
    }
    return dv.longValue();
  }

  /** The covered serial recorded in the last commit of an index directory, or -1 if none. */
  public static long committedCoverage(DirectoryReader reader) throws IOException {
    String v = reader.getIndexCommit().getUserData().get(COVERED);
    return v == null ? -1 : Long.parseLong(v);
  }

  /** Removes every document (before a rebuild). */
  public void clear() throws IOException {
    writer.deleteAll();
    recentIds.clear();
    recentSegments.clear();
    recentBlobs.clear();
    added = 0;
    commit();
    searchers.maybeRefreshBlocking();
  }

  @Override
  public void close() throws IOException {
    try {
      searchers.close();
    } finally {
      try {
        writer.close();
      } finally {
        directory.close();
      }
    }
  }

  /** Closes without committing (what a crash leaves), for tests. */
  public void abandon() throws IOException {
    searchers.close();
    writer.rollback();
    directory.close();
  }
}
