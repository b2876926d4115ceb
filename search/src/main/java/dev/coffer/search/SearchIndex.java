package dev.coffer.search;

import static dev.coffer.search.RecordDocuments.CHANNEL;
import static dev.coffer.search.RecordDocuments.CONVERSATION;
import static dev.coffer.search.RecordDocuments.CONVERSATION_TITLE;
import static dev.coffer.search.RecordDocuments.ID;
import static dev.coffer.search.RecordDocuments.KIND;
import static dev.coffer.search.RecordDocuments.SENDER_HANDLE;
import static dev.coffer.search.RecordDocuments.SENDER_NAME;
import static dev.coffer.search.RecordDocuments.SERIAL;
import static dev.coffer.search.RecordDocuments.TEXT;
import static dev.coffer.search.RecordDocuments.TIME;
import static dev.coffer.search.RecordDocuments.UNTIMED;

import dev.coffer.archive.Archive;
import dev.coffer.archive.StoredRecord;
import dev.coffer.archive.crypto.EncryptedDirectory;
import dev.coffer.archive.crypto.Encryption;
import dev.coffer.model.Conversation;
import dev.coffer.model.Record;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.LongField;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PointValues;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherFactory;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortedNumericSelector;
import org.apache.lucene.search.TopFieldCollectorManager;
import org.apache.lucene.search.TopFieldDocs;
import org.apache.lucene.search.TotalHits;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded search index over archived records: a projection of the archive, rebuildable from it
 * alone.
 *
 * <p><b>Feeding it.</b> Register it with {@link Archive#addCommitListener} <em>before</em> calling
 * {@link #catchUp}: records committed while the catch-up runs are then delivered by the listener,
 * and anything delivered twice is harmless — a record is indexed under its id, so indexing a serial
 * again replaces its document instead of adding a second one.
 *
 * <p><b>Freshness.</b> {@link #committed} adds records to Lucene's in-memory buffer and returns; a
 * background thread makes new records searchable (near-real-time refresh through a
 * {@link SearcherManager}) every {@link SearchOptions#refreshInterval()} (200 ms by default), so a
 * record is searchable well within a second of its archive commit. {@link #refresh()} forces it.
 *
 * <p><b>Durability.</b> The index is a cache of the archive: it is committed (fsync) every
 * {@link SearchOptions#commitInterval()}, on {@link #commit()}, at the end of {@link #catchUp} and on
 * {@link #close()}, never per batch. Each commit records {@link #indexedThrough()}, the highest serial
 * {@code n} with every serial {@code 1..n} in that commit; after a crash, {@link #catchUp} re-indexes
 * from there.
 *
 * <p><b>Time axis.</b> Records are ordered by their time ({@code sent_at}) and then serial. A record
 * without {@code sent_at} (an unreadable line in an export) takes the time of the previous record of
 * its conversation in serial order, so it stays where it was in the source; with no such record, the
 * time it was archived.
 *
 * <p>Thread-safe. Searches run concurrently with indexing.
 */
public final class SearchIndex implements Closeable, Archive.CommitListener, Archive.DisposalListener {
  /** Up to this many hits, {@link SearchResults#totalHits()} is exact; beyond, a lower bound. */
  public static final int EXACT_TOTAL_UP_TO = 10_000;

  /** Version of the document layout; an index of another version must be rebuilt. */
  static final String FORMAT = "4";

  static final String DATA_INDEXED_THROUGH = "coffer.indexed_through";
  static final String DATA_FORMAT = "coffer.index_format";
  static final String DATA_REGION = "coffer.phone_region";
  static final String DATA_ARCHIVE = "coffer.archive_id";

  private static final Logger LOG = LoggerFactory.getLogger(SearchIndex.class);
  private static final int CATCH_UP_BATCH = 4096;
  private static final int PARALLEL_MIN = 512;
  private static final int TIME_CACHE = 10_000;
  private static final Set<String> HIT_AND_TEXT = Set.of(ID, KIND, CHANNEL, CONVERSATION,
      CONVERSATION_TITLE, SENDER_NAME, SENDER_HANDLE, UNTIMED, TEXT);

  private final Path path;
  private final Directory directory;
  private final SearchOptions options;
  private final PhoneNumbers phones;
  private final Analyzer indexAnalyzer = Analysis.index();
  private final Analyzer queryAnalyzer = Analysis.query();
  private final RecordDocuments documents;
  private final RequestQueries queries;
  private final Snippets snippets;
  private final IndexWriter writer;
  private final SearcherManager searchers;
  private final ScheduledExecutorService maintenance;
  private final ExecutorService indexPool;

  private final Object indexLock = new Object();
  private final ReentrantLock commitLock = new ReentrantLock();
  private final AtomicBoolean changed = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  /** The running {@link #bulkLoad()}, or null. */
  private volatile BulkIndexer bulk;
  /** Open {@link #suspendRefresh()} handles: while above 0 the periodic refresh skips. */
  private final java.util.concurrent.atomic.AtomicInteger suspended = new java.util.concurrent.atomic.AtomicInteger();

  /** Guarded by indexLock. */
  private final SerialRanges indexed;
  /** Guarded by indexLock: highest serial ever added; above it a record cannot be in the index yet. */
  private long maxSerialInIndex;
  /** Guarded by indexLock: time of the latest record per conversation, for records without one. */
  private final Map<String, Long> lastTimeByConversation =
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
          return size() > TIME_CACHE;
        }
      };

  private volatile long committedThrough;
  /** The archive this index is a projection of, once known (from the last commit or a catch-up). */
  private volatile String archiveId;

  /**
   * Opens (or creates) an <em>unencrypted</em> index in {@code indexDir} with
   * {@link SearchOptions#defaults()} (tests, indexes of archives without encryption). The index of an
   * archive is opened with {@link #open(Path, SearchOptions, Encryption)} and
   * {@link Archive#encryption()}, so it is encrypted under the archive's keys.
   */
  public static SearchIndex open(Path indexDir) throws IOException {
    return open(indexDir, SearchOptions.defaults());
  }

  /** {@link #open(Path, SearchOptions, Encryption)} without encryption (see {@link #open(Path)}). */
  public static SearchIndex open(Path indexDir, SearchOptions options) throws IOException {
    return open(indexDir, options, Encryption.none());
  }

  /**
   * Opens (or creates) the index in {@code indexDir}. One process at a time: a second open of the
   * same directory fails with {@link org.apache.lucene.store.LockObtainFailedException}.
   *
   * @param encryption the archive's ({@link Archive#encryption()}): every index file is encrypted
   *     under the archive's index key, since terms and stored fields hold message text
   * @throws StaleIndexException if the index was written in another format, for another phone
   *     region, or cannot be read with these keys: {@link #rebuild} it
   */
  public static SearchIndex open(Path indexDir, SearchOptions options, Encryption encryption) throws IOException {
    Files.createDirectories(indexDir);
    Directory dir = encryption.wrap(FSDirectory.open(indexDir), Encryption.SEARCH_INDEX,
        (long) options.blockCacheMb() << 20);
    try {
      Map<String, String> data = Map.of();
      if (DirectoryReader.indexExists(dir)) {
        try {
          data = SegmentInfos.readLatestCommit(dir).getUserData();
        } catch (org.apache.lucene.index.CorruptIndexException | org.apache.lucene.index.IndexFormatTooOldException e) {
          if (!encryption.enabled()) {
            throw e;
          }
          // Written without encryption, or under another archive's keys: derived state, rebuild it.
          throw new StaleIndexException("index in " + indexDir
              + " cannot be read with this archive's keys (written unencrypted or for another archive): rebuild it"
              + " (coffer reindex)");
        }
        String format = data.get(DATA_FORMAT);
        if (format != null && !FORMAT.equals(format)) {
          throw new StaleIndexException("index in " + indexDir + " has format " + format
              + ", this Coffer writes format " + FORMAT + ": rebuild it (coffer reindex)");
        }
        String region = data.get(DATA_REGION);
        if (region != null && !region.equals(options.phoneRegion())) {
          throw new StaleIndexException("index in " + indexDir + " was built with phone region "
              + region + ", not " + options.phoneRegion() + ": rebuild it (coffer reindex)");
        }
      }
      return new SearchIndex(indexDir, dir, options, data);
    } catch (IOException | RuntimeException e) {
      dir.close();
      throw e;
    }
  }

  private SearchIndex(Path path, Directory directory, SearchOptions options, Map<String, String> data)
      throws IOException {
    this.path = path;
    this.directory = directory;
    this.options = options;
    this.phones = new PhoneNumbers(options.phoneRegion());
    this.documents = new RecordDocuments(phones, indexAnalyzer);
    this.queries = new RequestQueries(queryAnalyzer, phones);
    this.snippets = new Snippets(phones);
    IndexWriterConfig config =
        new IndexWriterConfig(new PerFieldAnalyzerWrapper(queryAnalyzer, Map.of(TEXT, indexAnalyzer)));
    config.setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
    config.setRAMBufferSizeMB(options.ramBufferMb());
    config.setCommitOnClose(false);
    this.writer = new IndexWriter(directory, config);
    try {
      this.searchers = new SearcherManager(writer, new SearcherFactory());
      this.committedThrough = Long.parseLong(data.getOrDefault(DATA_INDEXED_THROUGH, "0"));
      this.archiveId = data.get(DATA_ARCHIVE);
      this.indexed = new SerialRanges(committedThrough);
      this.maxSerialInIndex = Math.max(committedThrough, maxSerial());
    } catch (IOException | RuntimeException e) {
      writer.rollback();
      throw e;
    }
    this.maintenance = Executors.newScheduledThreadPool(2, daemon("coffer-search-maintenance"));
    long refreshMs = options.refreshInterval().toMillis();
    maintenance.scheduleWithFixedDelay(this::refreshIfChanged, refreshMs, refreshMs, TimeUnit.MILLISECONDS);
    long commitMs = options.commitInterval().toMillis();
    maintenance.scheduleWithFixedDelay(this::periodicCommit, commitMs, commitMs, TimeUnit.MILLISECONDS);
    this.indexPool = options.indexThreads() > 1
        ? Executors.newFixedThreadPool(options.indexThreads() - 1, daemon("coffer-search-index"))
        : null;
    LOG.info("search index opened at {} (indexed through serial {})", path, committedThrough);
  }

  /** The largest serial in any document of the index (deleted ones included: an upper bound). */
  private long maxSerial() throws IOException {
    IndexSearcher s = searchers.acquire();
    try {
      long max = 0;
      for (LeafReaderContext ctx : s.getIndexReader().leaves()) {
        PointValues points = ctx.reader().getPointValues(SERIAL);
        if (points != null && points.size() > 0) {
          max = Math.max(max, LongPoint.decodeDimension(points.getMaxPackedValue(), 0));
        }
      }
      return max;
    } finally {
      searchers.release(s);
    }
  }

  // ---------------------------------------------------------------- indexing

  /**
   * Indexes records (the archive calls this after each durable commit). Returns once they are in the
   * index's buffer; they become searchable at the next refresh (within {@link
   * SearchOptions#refreshInterval()}). A record already indexed is replaced, never duplicated. A
   * record whose bytes cannot be read as {@code coffer/1} is skipped and logged by serial and digest.
   *
   * @throws IOException only if the index itself failed (disk full, I/O error); the records stay
   *     archived, and {@link #catchUp} indexes them once the cause is fixed
   */
  @Override
  public void committed(List<StoredRecord> records) throws IOException {
    ensureOpen();
    if (records.isEmpty()) {
      return;
    }
    BulkIndexer b = bulk;
    if (b != null && b.offer(records)) {
      return;
    }
    index(records);
  }

  /** Indexes records on this thread (in the order of the calls: {@link #indexLock}). */
  private void index(List<StoredRecord> records) throws IOException {
    synchronized (indexLock) {
      List<Pending> batch = new ArrayList<>(records.size());
      List<String> disposedIds = new ArrayList<>();
      for (StoredRecord stored : records) {
        Record record;
        try {
          record = stored.record();
        } catch (IllegalArgumentException e) {
          LOG.warn("serial {} (digest {}) is not a readable record; not indexed", stored.serial(),
              stored.digest());
          continue;
        }
        if (record instanceof dev.coffer.model.Audit a && "disposition".equals(a.action()) && a.targets() != null) {
          disposedIds.addAll(a.targets());
        }
        boolean fresh = stored.serial() > maxSerialInIndex;
        long time = time(stored, record, fresh);
        if (fresh) {
          maxSerialInIndex = stored.serial();
          if (record.conversation() != null) {
            lastTimeByConversation.put(record.conversation().id(), time);
          }
        }
        batch.add(new Pending(fresh, stored, record, time));
      }
      write(batch);
      // A disposition record is archived before the records it names are removed: dropping them
      // here, in serial order with everything else, keeps the index right across crashes and
      // rebuilds (a rebuild indexes them, then meets this record and drops them again).
      if (!disposedIds.isEmpty()) {
        writer.deleteDocuments(disposedIds.stream().map(SearchIndex::idTerm).toArray(Term[]::new));
      }
      for (StoredRecord stored : records) {
        indexed.add(stored.serial());
      }
    }
    changed.set(true);
  }

  /**
   * A record to index, with what only the serial pass can decide (added or replaced, its time); its
   * document is built by the thread that adds it ({@link #add}), so a large batch's documents are
   * built in parallel too, not only analyzed.
   */
  private static Term idTerm(String id) {
    return new Term(ID, RecordDocuments.idTerm(id));
  }

  private record Pending(boolean fresh, StoredRecord stored, Record record, long time) {}

  private long time(StoredRecord stored, Record record, boolean fresh) throws IOException {
    if (record.sentAt() != null) {
      return record.sentAt().toEpochMilli();
    }
    Conversation conversation = record.conversation();
    if (conversation == null) {
      return stored.archivedAt();
    }
    if (fresh) {
      Long cached = lastTimeByConversation.get(conversation.id());
      if (cached != null) {
        return cached;
      }
    }
    return previousTime(conversation.id(), stored.serial()).orElse(stored.archivedAt());
  }

  /** Time of the record of this conversation with the highest serial below {@code serial}. */
  private Optional<Long> previousTime(String conversationId, long serial) throws IOException {
    searchers.maybeRefreshBlocking();
    IndexSearcher s = searchers.acquire();
    try {
      Query q = new BooleanQuery.Builder()
          .add(ConversationViews.inConversation(conversationId), Occur.FILTER)
          .add(LongField.newRangeQuery(SERIAL, Long.MIN_VALUE, serial - 1), Occur.FILTER)
          .build();
      // sorted by serial (descending); the second key only carries the time value out
      Sort bySerial = new Sort(LongField.newSortField(SERIAL, true, SortedNumericSelector.Type.MIN),
          LongField.newSortField(TIME, false, SortedNumericSelector.Type.MIN));
      TopFieldDocs top = s.search(q, 1, bySerial);
      return top.scoreDocs.length == 0
          ? Optional.empty()
          : Optional.of((Long) ((FieldDoc) top.scoreDocs[0]).fields[1]);
    } finally {
      searchers.release(s);
    }
  }

  private void write(List<Pending> batch) throws IOException {
    int threads = indexPool == null ? 1 : options.indexThreads();
    if (threads == 1 || batch.size() < PARALLEL_MIN) {
      for (Pending p : batch) {
        add(p);
      }
      return;
    }
    int chunk = (batch.size() + threads - 1) / threads;
    List<Future<Void>> futures = new ArrayList<>(threads - 1);
    for (int t = 1; t < threads; t++) {
      List<Pending> part = batch.subList(Math.min(batch.size(), t * chunk),
          Math.min(batch.size(), (t + 1) * chunk));
      futures.add(indexPool.submit(() -> {
        for (Pending p : part) {
          add(p);
        }
        return null;
      }));
    }
    IOException failure = null;
    try {
      for (Pending p : batch.subList(0, Math.min(batch.size(), chunk))) {
        add(p);
      }
    } catch (IOException e) {
      failure = e;
    }
    for (Future<Void> f : futures) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure = failure != null ? failure : new java.io.InterruptedIOException("interrupted while indexing");
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof IOException io) {
          failure = failure != null ? failure : io;
        } else if (cause instanceof RuntimeException re) {
          throw re;
        } else {
          throw new IllegalStateException(cause);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private void add(Pending p) throws IOException {
    Document doc = documents.document(p.stored(), p.record(), p.time());
    if (p.fresh()) {
      writer.addDocument(doc);
    } else {
      writer.updateDocument(idTerm(p.record().id()), doc);
    }
  }

  /**
   * Indexes every archived record after the index's gap-free prefix, then commits and refreshes: on
   * return, everything archived before the call is searchable. Used at start-up and by
   * {@link #rebuild}.
   *
   * @param progress told the number of records indexed so far, every few thousand and at the end
   * @return the number of records indexed
   * @throws StaleIndexException if the index was built from another archive (its archive id differs,
   *     or it holds more serials than the archive)
   */
  public long catchUp(Archive archive, LongConsumer progress) throws IOException {
    ensureOpen();
    String id = archive.archiveId();
    if (archiveId != null && id != null && !archiveId.equals(id)) {
      throw new StaleIndexException("index in " + path + " was built from archive " + archiveId
          + ", not " + id + ": rebuild it (coffer reindex)");
    }
    archiveId = id;
    long from;
    synchronized (indexLock) {
      from = indexed.through() + 1;
    }
    long size = archive.size();
    if (from - 1 > size) {
      throw new StaleIndexException("index in " + path + " holds serials up to " + (from - 1)
          + " but the archive only " + size + ": it was built from another archive; rebuild it (coffer reindex)");
    }
    List<StoredRecord> batch = new ArrayList<>(CATCH_UP_BATCH);
    long[] count = {0};
    // The scan skips records disposition removed: those serials are covered (nothing to index), or
    // the gap-free prefix would stop at the first tombstone and every open would re-read the rest.
    long[] expect = {from};
    archive.scan(from, record -> {
      if (record.serial() > expect[0]) {
        coverDisposed(expect[0], record.serial() - 1);
      }
      expect[0] = record.serial() + 1;
      batch.add(record);
      if (batch.size() == CATCH_UP_BATCH) {
        index(batch);
        count[0] += batch.size();
        batch.clear();
        progress.accept(count[0]);
      }
      return true;
    });
    if (!batch.isEmpty()) {
      index(batch);
      count[0] += batch.size();
    }
    if (expect[0] <= size) {
      coverDisposed(expect[0], size);
    }
    commit();
    // a caller that catches up and then searches (coffer search) must see what it just indexed
    searchers.maybeRefreshBlocking();
    progress.accept(count[0]);
    if (count[0] > 0) {
      LOG.info("search index caught up: {} records from serial {}", count[0], from);
    }
    return count[0];
  }

  /** Marks serials the archive no longer returns (disposed) as covered by the index. */
  private void coverDisposed(long fromSerial, long toSerial) {
    synchronized (indexLock) {
      for (long s = fromSerial; s <= toSerial; s++) {
        indexed.add(s);
      }
    }
  }

  /**
   * Removes records disposition removed from the archive, commits and refreshes: on return no search
   * finds them. (A rebuild does not bring them back: the archive no longer returns them.)
   */
  @Override
  public void disposed(List<String> ids) throws IOException {
    ensureOpen();
    if (ids.isEmpty()) {
      return;
    }
    awaitBulk(); // records disposed must not be indexed again after their removal
    Term[] terms = ids.stream().map(SearchIndex::idTerm).toArray(Term[]::new);
    synchronized (indexLock) {
      writer.deleteDocuments(terms);
    }
    commit();
    searchers.maybeRefreshBlocking();
  }

  /** {@link #rebuild(Path, Archive, LongConsumer, SearchOptions)} with default options. */
  public static long rebuild(Path indexDir, Archive archive, LongConsumer progress) throws IOException {
    return rebuild(indexDir, archive, progress, SearchOptions.defaults());
  }

  /**
   * Drops the index in {@code indexDir} and builds it again from the archive alone. The new index is
   * built beside the old one ({@code <indexDir>.rebuild}) and swapped in only when complete, so a
   * crash during the rebuild leaves the old index in place. The index must not be open.
   *
   * @return the number of records indexed
   */
  public static long rebuild(Path indexDir, Archive archive, LongConsumer progress, SearchOptions options)
      throws IOException {
    Path absolute = indexDir.toAbsolutePath();
    Path fresh = absolute.resolveSibling(absolute.getFileName() + ".rebuild");
    Path old = absolute.resolveSibling(absolute.getFileName() + ".old");
    deleteTree(fresh);
    long count;
    try (SearchIndex index = open(fresh, options, archive.encryption())) {
      count = index.catchUp(archive, progress);
    }
    deleteTree(old);
    if (Files.exists(absolute)) {
      Files.move(absolute, old, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(fresh, absolute, StandardCopyOption.ATOMIC_MOVE);
    deleteTree(old);
    LOG.info("search index rebuilt at {}: {} records", absolute, count);
    return count;
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /**
   * Makes everything indexed so far durable and records {@link #indexedThrough()}. Called
   * periodically by the index itself; call it after a bulk load if you need the point fixed.
   */
  public void commit() throws IOException {
    ensureOpen();
    commitLock.lock();
    try {
      long through;
      synchronized (indexLock) {
        // every serial up to `through` was added to the writer before this commit starts
        through = indexed.through();
      }
      if (through == committedThrough && !writer.hasUncommittedChanges() && !archiveIdChanged()) {
        return;
      }
      Map<String, String> data = new java.util.TreeMap<>();
      data.put(DATA_INDEXED_THROUGH, Long.toString(through));
      data.put(DATA_FORMAT, FORMAT);
      data.put(DATA_REGION, options.phoneRegion());
      if (archiveId != null) {
        data.put(DATA_ARCHIVE, archiveId);
      }
      writer.setLiveCommitData(data.entrySet());
      writer.commit();
      committedThrough = through;
    } finally {
      commitLock.unlock();
    }
  }

  private boolean archiveIdChanged() {
    return archiveId != null && !archiveId.equals(writer.getLiveCommitData() == null ? null
        : liveValue(DATA_ARCHIVE));
  }

  private String liveValue(String key) {
    for (Map.Entry<String, String> e : writer.getLiveCommitData()) {
      if (e.getKey().equals(key)) {
        return e.getValue();
      }
    }
    return null;
  }

  /** Highest serial {@code n} such that serials {@code 1..n} are all in the last durable commit. */
  public long indexedThrough() {
    return committedThrough;
  }

  /** Makes every record indexed so far searchable now (blocks for the refresh). */
  public void refresh() throws IOException {
    ensureOpen();
    awaitBulk();
    searchers.maybeRefreshBlocking();
  }

  /**
   * Suspends the periodic near-real-time refresh for a bulk load (an import), until the returned
   * handle is closed, which makes everything indexed searchable at once. A bulk import acknowledges
   * its records when it ends ("imported N"), so they are searchable by then; refreshing every
   * {@link SearchOptions#refreshInterval()} during it only re-opens readers nobody reads (it was 5 % of
   * an import's CPU). Handles nest; the refresh resumes when the last one closes.
   */
  public java.io.Closeable suspendRefresh() {
    ensureOpen();
    suspended.incrementAndGet();
    AtomicBoolean once = new AtomicBoolean();
    return () -> {
      if (once.compareAndSet(false, true) && suspended.decrementAndGet() == 0 && !closed.get()) {
        changed.set(false);
        searchers.maybeRefreshBlocking();
      }
    };
  }

  /**
   * A bulk load (an import): the periodic refresh is suspended ({@link #suspendRefresh()}) and the
   * batches the archive commits are indexed by one background thread, in commit order, while the
   * committing thread goes on (parsing and archiving the next batch): the two cores overlap instead of
   * taking turns. At most two batches wait (the committing thread blocks beyond that). Closing the
   * handle waits until every batch is indexed, then refreshes. A batch that fails to index is logged
   * and left out; the index's gap-free prefix stops before it, so the next open catches it up from
   * the archive. One bulk load at a time.
   *
   * @throws IllegalStateException if a bulk load is already running
   */
  public java.io.Closeable bulkLoad() {
    return background(true);
  }

  /**
   * As {@link #bulkLoad()} but the near-real-time refresh goes on: for a server that archives records
   * while people search (the capture server). Committed batches are indexed by one background thread
   * in commit order, so the archive's group commit (which calls {@link #committed}) does not index
   * under its commit lock and the requests waiting on it are answered sooner; {@link #refresh()} still
   * waits for every batch handed over. Closing the handle waits until every batch is indexed.
   *
   * @throws IllegalStateException if a bulk load or background indexing is already running
   */
  public java.io.Closeable indexInBackground() {
    return background(false);
  }

  private java.io.Closeable background(boolean suspendRefresh) {
    ensureOpen();
    java.io.Closeable refresh = suspendRefresh ? suspendRefresh() : () -> {};
    BulkIndexer b = new BulkIndexer();
    synchronized (this) {
      if (bulk != null) {
        try {
          refresh.close();
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        throw new IllegalStateException("a bulk load is already running on " + path);
      }
      bulk = b;
    }
    b.start();
    AtomicBoolean once = new AtomicBoolean();
    return () -> {
      if (once.compareAndSet(false, true)) {
        synchronized (this) {
          bulk = null; // later commits index on their own thread
        }
        try {
          b.finish();
        } finally {
          refresh.close();
        }
      }
    };
  }

  /** Waits until a running bulk load has indexed every batch handed to it so far. */
  private void awaitBulk() throws IOException {
    BulkIndexer b = bulk;
    if (b != null) {
      b.awaitIdle();
    }
  }

  /** The background indexing thread of a {@link #bulkLoad()}. */
  private final class BulkIndexer {
    private static final List<StoredRecord> END = List.of();
    private final java.util.concurrent.ArrayBlockingQueue<List<StoredRecord>> queue =
        new java.util.concurrent.ArrayBlockingQueue<>(2);
    private final Thread thread = Thread.ofPlatform().daemon().name("coffer-search-bulk").unstarted(this::run);
    private final Object idle = new Object();
    private int pending; // guarded by idle
    private boolean finished; // guarded by this

    void start() {
      thread.start();
    }

    /** Hands a batch over, waiting for room; false once the load is finishing (index it yourself). */
    synchronized boolean offer(List<StoredRecord> records) throws IOException {
      if (finished) {
        return false;
      }
      synchronized (idle) {
        pending++;
      }
      try {
        queue.put(records);
        return true;
      } catch (InterruptedException e) {
        synchronized (idle) {
          pending--;
        }
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while handing records to the search index");
      }
    }

    private void run() {
      while (true) {
        List<StoredRecord> records;
        try {
          records = queue.take();
        } catch (InterruptedException e) {
          return;
        }
        if (records == END) {
          return;
        }
        try {
          index(records);
        } catch (IOException | RuntimeException e) {
          LOG.warn("search index: serials {}..{} not indexed during a bulk load ({}); the next open catches them up",
              records.getFirst().serial(), records.getLast().serial(), e.toString());
        } finally {
          synchronized (idle) {
            pending--;
            idle.notifyAll();
          }
        }
      }
    }

    void awaitIdle() throws IOException {
      synchronized (idle) {
        while (pending > 0) {
          try {
            idle.wait();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for the search index");
          }
        }
      }
    }

    void finish() throws IOException {
      synchronized (this) {
        finished = true;
      }
      awaitIdle();
      queue.add(END);
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while finishing a bulk load");
      }
    }
  }

  private void refreshIfChanged() {
    if (closed.get() || suspended.get() > 0 || !changed.getAndSet(false)) {
      return;
    }
    try {
      searchers.maybeRefresh();
    } catch (IOException | RuntimeException e) {
      changed.set(true);
      LOG.warn("search index refresh failed at {}: {}", path, e.toString());
    }
  }

  private void periodicCommit() {
    if (closed.get()) {
      return;
    }
    try {
      commit();
    } catch (IOException | RuntimeException e) {
      LOG.warn("search index commit failed at {}: {}", path, e.toString());
    }
  }

  // ---------------------------------------------------------------- checking

  /**
   * Checks the last durable commit of this open index (after committing what is pending) with Lucene's
   * CheckIndex: every file's checksum, then the decoded structures. Reads the whole index.
   *
   * @return the problems found, empty when the index is sound
   */
  public List<String> check() throws IOException {
    ensureOpen();
    commitLock.lock();
    try {
      commit();
      return IndexCheck.run(directory, IndexCheck.held());
    } finally {
      commitLock.unlock();
    }
  }

  /**
   * Checks an index that is not open (as {@code coffer verify} does for {@code <data>/index}).
   *
   * @return the problems found, empty when the index is sound; a missing index is one problem
   * @throws org.apache.lucene.store.LockObtainFailedException if a process has the index open
   */
  public static List<String> check(Path indexDir, Encryption encryption) throws IOException {
    return check(indexDir, encryption, true);
  }

  /**
   * Checks an index that is not open, quickly or deeply: {@code deep} runs Lucene's CheckIndex as
   * {@link #check(Path, Encryption)} does; otherwise every file of the latest commit passes its
   * Lucene checksum (CRC-32 over the whole file, files in parallel) and the commit opens — a changed
   * byte anywhere is found either way; the deep check also decodes every structure (damage written
   * with a valid checksum). {@code coffer verify} runs the quick one unless given {@code --deep}.
   *
   * @return the problems found, empty when the index is sound; a missing index is one problem
   * @throws org.apache.lucene.store.LockObtainFailedException if {@code deep} and a process has the
   *     index open
   */
  public static List<String> check(Path indexDir, Encryption encryption, boolean deep) throws IOException {
    if (!Files.isDirectory(indexDir)) {
      return List.of("no search index at " + indexDir + " (coffer reindex builds it)");
    }
    try (Directory dir = encryption.wrap(FSDirectory.open(indexDir), Encryption.SEARCH_INDEX)) {
      if (!DirectoryReader.indexExists(dir)) {
        return List.of("no search index at " + indexDir + " (coffer reindex builds it)");
      }
      List<String> problems;
      if (deep) {
        problems = new ArrayList<>(IndexCheck.run(dir, null));
      } else {
        // Held like CheckIndex holds it: a writer must not replace the commit's files meanwhile.
        try (org.apache.lucene.store.Lock lock = dir.obtainLock(IndexWriter.WRITE_LOCK_NAME)) {
          problems = new ArrayList<>(IndexCheck.checksums(dir));
          authenticate(dir, problems);
          return problems;
        }
      }
      authenticate(dir, problems);
      return problems;
    }
  }

  /**
   * Adds a problem for every file of the last commit whose MAC fails or that has none: Lucene's CRC
   * (and so CheckIndex) trusts bytes that a change of CTR ciphertext can forge; the MAC cannot be.
   */
  private static void authenticate(Directory dir, List<String> problems) throws IOException {
    EncryptedDirectory.authenticateCommit(dir).forEach((file, what) -> problems.add(file + ": " + what));
  }

  // ---------------------------------------------------------------- searching

  /**
   * Runs a search.
   *
   * @throws IllegalArgumentException if the query text is not valid syntax or the cursor is not one
   *     this index gave for the same sort (the message says what is wrong, for the user)
   */
  /**
   * The exact number of records matching {@code request}'s query and filters (paging, sort and
   * highlighting are ignored). {@link #search} stops counting at {@link #EXACT_TOTAL_UP_TO} to stay
   * fast; call this when the exact figure matters (a reviewer's "how many matched?").
   */
  public long count(SearchRequest request) throws IOException {
    return count(request, Set.of());
  }

  /** {@link #count(SearchRequest)} leaving out the records with these ids (restricted records). */
  public long count(SearchRequest request, Set<String> excludedIds) throws IOException {
    ensureOpen();
    Query query = excluding(queries.query(request), excludedIds);
    return withSearcher(s -> (long) s.count(query));
  }

  public SearchResults search(SearchRequest request) throws IOException {
    return search(request, Set.of());
  }

  /**
   * {@link #search(SearchRequest)} leaving out the records with these ids: a reader without the
   * compliance role passes the archive's restricted records, which then count nowhere (hits, totals,
   * pages).
   */
  public SearchResults search(SearchRequest request, Set<String> excludedIds) throws IOException {
    ensureOpen();
    Query query = excluding(queries.query(request), excludedIds);
    SearchRequest.Sort order = request.query().isBlank() && request.sort() == SearchRequest.Sort.RELEVANCE
        ? SearchRequest.Sort.NEWEST
        : request.sort();
    Sort sort = RequestQueries.sort(order);
    FieldDoc after = request.after() == null ? null : RequestQueries.after(order, request.after());
    int wanted = request.offset() + request.limit();
    IndexSearcher searcher = searchers.acquire();
    try {
      TopFieldDocs top = searcher.search(query,
          new TopFieldCollectorManager(sort, wanted, after, Math.max(wanted, EXACT_TOTAL_UP_TO)));
      ScoreDoc[] page = top.scoreDocs.length <= request.offset()
          ? new ScoreDoc[0]
          : java.util.Arrays.copyOfRange(top.scoreDocs, request.offset(), top.scoreDocs.length);
      // Each hit's stored fields in one read (in doc order: a block is decoded once), text included;
      // the snippets are made from that text without asking the index again (Snippets).
      Integer[] byDoc = new Integer[page.length];
      for (int i = 0; i < page.length; i++) {
        byDoc[i] = i;
      }
      java.util.Arrays.sort(byDoc, Comparator.comparingInt(i -> page[i].doc));
      StoredFields stored = searcher.storedFields();
      Document[] docs = new Document[page.length];
      long[] times = new long[page.length];
      List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
      int leafIndex = -1;
      org.apache.lucene.index.SortedNumericDocValues time = null;
      for (int i : byDoc) {
        int doc = page[i].doc;
        docs[i] = stored.document(doc, HIT_AND_TEXT);
        // sent_at is not stored (format 4): a record with one has it as its time (doc values, read
        // in doc order); a record without one is marked untimed
        int leaf = org.apache.lucene.index.ReaderUtil.subIndex(doc, leaves);
        if (leaf != leafIndex) {
          leafIndex = leaf;
          time = org.apache.lucene.index.DocValues.getSortedNumeric(leaves.get(leaf).reader(), TIME);
        }
        if (time.advanceExact(doc - leaves.get(leaf).docBase)) {
          times[i] = time.nextValue();
        }
      }
      Snippets.Wanted looked = page.length == 0 ? null : Snippets.wanted(query);
      List<Hit> hits = new ArrayList<>(page.length);
      for (int i = 0; i < page.length; i++) {
        float score = order == SearchRequest.Sort.RELEVANCE ? (Float) ((FieldDoc) page[i]).fields[0] : 0f;
        String snippet = snippets.snippet(docs[i].get(TEXT), looked, request.highlightPre(), request.highlightPost());
        hits.add(hit(docs[i], (Long) ((FieldDoc) page[i]).fields[1], times[i], snippet, score));
      }
      String next = page.length == request.limit()
          ? RequestQueries.cursor(order, (FieldDoc) page[page.length - 1])
          : null;
      boolean exact = top.totalHits.relation() == TotalHits.Relation.EQUAL_TO;
      return new SearchResults(top.totalHits.value(), exact, hits, next);
    } finally {
      searchers.release(searcher);
    }
  }

  private static Query excluding(Query query, Set<String> ids) {
    if (ids.isEmpty()) {
      return query;
    }
    return new org.apache.lucene.search.BooleanQuery.Builder()
        .add(query, org.apache.lucene.search.BooleanClause.Occur.MUST)
        .add(new org.apache.lucene.search.TermInSetQuery(ID, ids.stream().map(RecordDocuments::idTerm).toList()),
            org.apache.lucene.search.BooleanClause.Occur.MUST_NOT)
        .build();
  }

  /** A hit from its stored fields, its serial (the last sort key of every order) and its time. */
  private static Hit hit(Document d, long serial, long time, String snippet, float score) {
    return new Hit(
        RecordDocuments.storedId(d.getField(ID)),
        serial,
        d.get(KIND),
        d.get(CHANNEL),
        d.get(CONVERSATION),
        d.get(CONVERSATION_TITLE),
        d.get(SENDER_NAME),
        d.get(SENDER_HANDLE),
        d.getField(UNTIMED) != null ? null : Instant.ofEpochMilli(time),
        snippet,
        Float.isNaN(score) ? 0f : score);
  }

  // ---------------------------------------------------------------- conversations

  /**
   * Every conversation with its record count and first and last record time, latest activity first.
   * Computed from doc values in one pass over the index; no document is loaded.
   */
  public List<ConversationSummary> conversations() throws IOException {
    return withSearcher(ConversationViews::list);
  }

  /**
   * {@link #conversations()} as seen by a reader who may not see the records with {@code excludedIds}
   * (restricted records): counts, first and last times and titles come from the other records, and a
   * conversation made only of excluded records is not listed.
   */
  public List<ConversationSummary> conversations(Set<String> excludedIds) throws IOException {
    if (excludedIds.isEmpty()) {
      return conversations();
    }
    return withSearcher(s -> ConversationViews.list(s, excludedIds));
  }

  /**
   * The ids of the conversations in which {@code party} sent at least one record; {@code party} is
   * read as {@link SearchRequest#from()} is (a phone number in any notation, a handle, or a name).
   * Reads one doc-value column over the party's records; loads no stored document.
   */
  public Set<String> conversationsOf(String party) throws IOException {
    if (party == null || party.isBlank()) {
      return Set.of();
    }
    Query q = queries.from(party.strip());
    return withSearcher(s -> ConversationViews.conversationsMatching(s, q));
  }

  /**
   * The first {@code limit} records of a conversation whose time is at or after {@code from} (null:
   * from the beginning), in chronological order (time, then serial). Page on with
   * {@link #conversationSerialsAfter}.
   *
   * @return serials; fetch the records from the archive
   */
  public List<Long> conversationSerials(String conversationId, Instant from, int limit) throws IOException {
    checkLimit(limit);
    return withSearcher(s -> ConversationViews.fromTime(s, conversationId, from, limit));
  }

  /**
   * The {@code limit} records of its conversation that follow the record with serial {@code after},
   * in chronological order: pass the last serial of a page to get the next page.
   *
   * @throws IllegalArgumentException if that serial is not indexed or belongs to no conversation
   */
  public List<Long> conversationSerialsAfter(long after, int limit) throws IOException {
    checkLimit(limit);
    return withSearcher(s -> ConversationViews.after(s, positionOf(s, after), limit));
  }

  /**
   * The {@code limit} records of its conversation that precede the record with serial {@code before},
   * in chronological order (the last one is the record right before it).
   *
   * @throws IllegalArgumentException if that serial is not indexed or belongs to no conversation
   */
  public List<Long> conversationSerialsBefore(long before, int limit) throws IOException {
    checkLimit(limit);
    return withSearcher(s -> ConversationViews.before(s, positionOf(s, before), limit));
  }

  /**
   * The record with serial {@code serial} and up to {@code context} records before and after it in
   * its conversation, with its position there.
   *
   * @return empty if the serial is not indexed or its record belongs to no conversation
   */
  public Optional<ConversationWindow> around(long serial, int context) throws IOException {
    if (context < 0 || context > 10_000) {
      throw new IllegalArgumentException("context: " + context + " is outside 0..10000");
    }
    return withSearcher(s -> {
      Optional<ConversationViews.Position> p = ConversationViews.position(s, serial);
      if (p.isEmpty() || p.get().conversationId() == null) {
        return Optional.empty();
      }
      List<Long> before = context == 0 ? List.of() : ConversationViews.before(s, p.get(), context);
      List<Long> after = context == 0 ? List.of() : ConversationViews.after(s, p.get(), context);
      List<Long> window = new ArrayList<>(before.size() + 1 + after.size());
      window.addAll(before);
      window.add(serial);
      window.addAll(after);
      long position = ConversationViews.countBefore(s, p.get());
      long total = s.count(ConversationViews.inConversation(p.get().conversationId()));
      return Optional.of(new ConversationWindow(p.get().conversationId(), window, before.size(),
          position, total));
    });
  }

  private static ConversationViews.Position positionOf(IndexSearcher s, long serial) throws IOException {
    ConversationViews.Position p = ConversationViews.position(s, serial)
        .orElseThrow(() -> new IllegalArgumentException("serial " + serial + " is not in the search index"));
    if (p.conversationId() == null) {
      throw new IllegalArgumentException("serial " + serial + " belongs to no conversation");
    }
    return p;
  }

  private static void checkLimit(int limit) {
    if (limit < 1 || limit > 100_000) {
      throw new IllegalArgumentException("limit: " + limit + " is outside 1..100000");
    }
  }

  @FunctionalInterface
  private interface SearcherFunction<T> {
    T apply(IndexSearcher searcher) throws IOException;
  }

  private <T> T withSearcher(SearcherFunction<T> f) throws IOException {
    ensureOpen();
    IndexSearcher s = searchers.acquire();
    try {
      return f.apply(s);
    } finally {
      searchers.release(s);
    }
  }

  // ---------------------------------------------------------------- lifecycle

  private void ensureOpen() {
    if (closed.get()) {
      throw new IllegalStateException("search index at " + path + " is closed");
    }
  }

  /** Commits what is indexed and closes. Idempotent. */
  @Override
  public void close() throws IOException {
    if (closed.get()) {
      return;
    }
    IOException failure = null;
    try {
      BulkIndexer b = bulk;
      if (b != null) {
        bulk = null;
        b.finish();
      }
      commit();
    } catch (IOException e) {
      failure = e;
    }
    closed.set(true);
    maintenance.shutdown();
    if (indexPool != null) {
      indexPool.shutdown();
    }
    try {
      maintenance.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      searchers.close();
      writer.close();
    } catch (IOException e) {
      failure = failure != null ? failure : e;
    } finally {
      directory.close();
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
