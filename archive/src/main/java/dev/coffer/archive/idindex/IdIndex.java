package dev.coffer.archive.idindex;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
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
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.util.BytesRef;

/**
 * The derived index id → (serial, segment), a small Lucene index in {@code <data>/idindex/}, so that
 * dedupe, {@code get(id)} and {@code get(serial)} need no in-memory set of every id: memory stays
 * bounded whatever the archive's size.
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
  static final String ID = "id";
  static final String SERIAL = "serial";
  static final String SEGMENT = "segment";
  /** Refresh the reader after this many additions (bounds the recent map's memory). */
  static final int REFRESH_EVERY = 100_000;

  /** Where a record is: its serial and the first serial of its segment. */
  public record Location(long serial, long segment) {}

  private final Directory directory;
  private final IndexWriter writer;
  private final SearcherManager searchers;
  private final Map<String, Location> recentIds = new ConcurrentHashMap<>();
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
        .setCommitOnClose(false);
    IndexWriter writer = new IndexWriter(directory, config);
    try {
      return new IdIndex(directory, writer);
    } catch (IOException | RuntimeException e) {
      writer.close();
      throw e;
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
    for (String id : ids) {
      Document d = new Document();
      d.add(new StringField(ID, id, Field.Store.NO));
      d.add(new LongPoint(SERIAL, serial));
      d.add(new NumericDocValuesField(SERIAL, serial));
      d.add(new NumericDocValuesField(SEGMENT, firstSerial));
      writer.addDocument(d);
      recentIds.put(id, new Location(serial, firstSerial));
      serial++;
    }
    recentSegments.put(firstSerial, serial - 1);
    added = serial - 1;
    if (recentIds.size() >= REFRESH_EVERY) {
      refresh();
    }
  }

  /** Makes everything added visible to the reader and empties the recent maps. */
  private void refresh() throws IOException {
    searchers.maybeRefreshBlocking();
    // Lookups check the recent maps first and the reader second, so clearing after the swap is safe.
    recentIds.clear();
    recentSegments.clear();
  }

  /** Makes everything added so far durable, recording {@code coveredSerial} (== addedSerial). */
  public void commit() throws IOException {
    long upTo = added;
    writer.setLiveCommitData(Map.of(COVERED, Long.toString(upTo)).entrySet());
    writer.commit();
    covered = upTo;
  }

  /** Where the record with {@code id} is, or null if it is not archived. */
  public Location find(String id) throws IOException {
    Objects.requireNonNull(id, "id");
    Location recent = recentIds.get(id);
    if (recent != null) {
      return recent;
    }
    IndexSearcher s = searchers.acquire();
    try {
      BytesRef term = new BytesRef(id);
      for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
        Terms terms = leaf.reader().terms(ID);
        if (terms == null) {
          continue;
        }
        TermsEnum te = terms.iterator();
        if (!te.seekExact(term)) {
          continue;
        }
        PostingsEnum pe = te.postings(null, PostingsEnum.NONE);
        int doc = pe.nextDoc();
        if (doc != DocIdSetIterator.NO_MORE_DOCS) {
          return new Location(value(leaf, SERIAL, doc), value(leaf, SEGMENT, doc));
        }
      }
      return null;
    } finally {
      searchers.release(s);
    }
  }

  /** First serial of the segment holding {@code serial}, or -1 if the index does not know it. */
  public long segmentOf(long serial) throws IOException {
    Map.Entry<Long, Long> recent = recentSegments.floorEntry(serial);
    if (recent != null && serial <= recent.getValue()) {
      return recent.getKey();
    }
    IndexSearcher s = searchers.acquire();
    try {
      TopDocs top = s.search(LongPoint.newExactQuery(SERIAL, serial), 1);
      if (top.scoreDocs.length == 0) {
        // Added but not yet visible: refresh once and look again.
        if (serial <= added) {
          searchers.maybeRefreshBlocking();
          IndexSearcher again = searchers.acquire();
          try {
            return locate(again, serial);
          } finally {
            searchers.release(again);
          }
        }
        return -1;
      }
      return segmentOfDoc(s, top.scoreDocs[0]);
    } finally {
      searchers.release(s);
    }
  }

  private static long locate(IndexSearcher s, long serial) throws IOException {
    TopDocs top = s.search(LongPoint.newExactQuery(SERIAL, serial), 1);
    return top.scoreDocs.length == 0 ? -1 : segmentOfDoc(s, top.scoreDocs[0]);
  }

  private static long segmentOfDoc(IndexSearcher s, ScoreDoc hit) throws IOException {
    List<LeafReaderContext> leaves = s.getIndexReader().leaves();
    LeafReaderContext leaf = leaves.get(org.apache.lucene.index.ReaderUtil.subIndex(hit.doc, leaves));
    return value(leaf, SEGMENT, hit.doc - leaf.docBase);
  }

  private static long value(LeafReaderContext leaf, String field, int doc) throws IOException {
    NumericDocValues dv = leaf.reader().getNumericDocValues(field);
    if (dv == null || !dv.advanceExact(doc)) {
      throw new IOException("id index document without " + field + " (derived index damaged, run coffer reindex)");
    }
    return dv.longValue();
  }

  /** Number of documents in the last commit of an index directory (for verify). */
  public static long committedDocs(Directory dir) throws IOException {
    try (DirectoryReader r = DirectoryReader.open(dir)) {
      return r.numDocs();
    }
  }

  /** The covered serial recorded in the last commit of an index directory, or -1 if none. */
  public static long committedCoverage(DirectoryReader reader) throws IOException {
    String v = reader.getIndexCommit().getUserData().get(COVERED);
    return v == null ? -1 : Long.parseLong(v);
  }

  /** Looks an id up in a point-in-time reader (for verify): its serial, or -1. */
  public static long serialIn(DirectoryReader reader, String id) throws IOException {
    BytesRef term = new BytesRef(id);
    for (LeafReaderContext leaf : reader.leaves()) {
      Terms terms = leaf.reader().terms(ID);
      if (terms == null) {
        continue;
      }
      TermsEnum te = terms.iterator();
      if (te.seekExact(term)) {
        PostingsEnum pe = te.postings(null, PostingsEnum.NONE);
        int doc = pe.nextDoc();
        if (doc != DocIdSetIterator.NO_MORE_DOCS) {
          return value(leaf, SERIAL, doc);
        }
      }
    }
    return -1;
  }

  /** Removes every document (before a rebuild). */
  public void clear() throws IOException {
    writer.deleteAll();
    recentIds.clear();
    recentSegments.clear();
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
