package dev.coffer.archive;

import dev.coffer.archive.blob.BlobFormat;
import dev.coffer.archive.checkpoint.Checkpoint;
import dev.coffer.archive.checkpoint.CheckpointFormat;
import dev.coffer.archive.idindex.IdIndex;
import dev.coffer.archive.keys.SigningKeys;
import dev.coffer.archive.layout.ArchiveLayout;
import dev.coffer.archive.checkpoint.SignedNote;
import dev.coffer.archive.merkle.MerkleFrontier;
import dev.coffer.archive.merkle.MerkleProofs;
import dev.coffer.archive.merkle.Rfc6962;
import dev.coffer.archive.proof.ConsistencyProof;
import dev.coffer.archive.proof.InclusionProof;
import dev.coffer.archive.segment.Segment;
import dev.coffer.archive.segment.SegmentEntry;
import dev.coffer.archive.segment.SegmentFormat;
import dev.coffer.archive.store.CorruptObjectException;
import dev.coffer.archive.store.ObjectExistsException;
import dev.coffer.archive.store.ObjectStore;
import dev.coffer.model.Digests;
import dev.coffer.model.Record;
import dev.coffer.model.RecordJson;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The archive core, written once over {@link ObjectStore}: group commit into immutable segments, the
 * derived id index, the Merkle frontier and signed checkpoints, blobs, reads and crash recovery.
 *
 * <p>Commit order, for every group commit: segment object durable → id index updated → checkpoint
 * object durable → listeners called → appending callers return. Any failure while committing stops
 * the archive ("tragic" failure, like Lucene's IndexWriter): later calls throw until it is reopened,
 * and reopening recovers from exactly what is durable (see {@link #recover}).
 */
final class SegmentedArchive implements Archive {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentedArchive.class);

  private final Path directory;
  private final ObjectStore store;
  private final String archiveId;
  private final SigningKeys keys;
  private final IdIndex idIndex;
  private final ArchiveOptions options;
  private final Path staging;
  private final boolean ownsStaging;

  private final ReentrantLock commitLock = new ReentrantLock();
  private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final CopyOnWriteArrayList<CommitListener> listeners = new CopyOnWriteArrayList<>();
  private MerkleFrontier frontier; // guarded by commitLock
  private long addedSinceIndexCommit; // guarded by commitLock
  private volatile long size;
  private volatile Checkpoint latest;
  private volatile Throwable failure;
  private volatile boolean closed;
  private volatile Segment lastSegment;
  /** Recently read segments (reads cluster: a conversation, a page of search hits), by first serial. */
  private final SegmentCache readCache = new SegmentCache(32L << 20);

  SegmentedArchive(Path directory, ObjectStore store, String archiveId, SigningKeys keys, IdIndex idIndex,
      ArchiveOptions options, Path staging, boolean ownsStaging) {
    this.directory = directory;
    this.store = store;
    this.archiveId = archiveId;
    this.keys = keys;
    this.idIndex = idIndex;
    this.options = options;
    this.staging = staging;
    this.ownsStaging = ownsStaging;
  }

  /**
   * Rebuilds the in-memory state from what is durable. The id index's last commit names a serial it
   * covers; the checkpoint at that size holds the frontier, so only segments after it are read (their
   * CRCs checked), their ids re-added and their digests appended to the frontier. If the last segment
   * has no checkpoint (a crash between the two), one is signed now. Segments are write-once and
   * published atomically, so there is never a partial one to repair.
   */
  void recover() throws IOException {
    long covered = idIndex.coveredSerial();
    MerkleFrontier f = null;
    if (covered > 0) {
      String key = ArchiveLayout.checkpointKey(covered);
      if (store.exists(key)) {
        CheckpointFormat.Stored st = readCheckpoint(key);
        f = st.frontier();
        latest = st.checkpoint();
      } else {
        LOG.warn("id index covers serial {} but no checkpoint has that size; rebuilding the id index", covered);
        idIndex.clear();
      }
    }
    if (f == null) {
      f = new MerkleFrontier();
      String zero = ArchiveLayout.checkpointKey(0);
      if (store.exists(zero)) {
        latest = readCheckpoint(zero).checkpoint();
      }
    }
    long next = f.size() + 1;
    long replayed = 0;
    try (Stream<String> segmentKeys = store.list(ArchiveLayout.SEGMENTS, ArchiveLayout.segmentKey(next))) {
      Iterator<String> it = segmentKeys.iterator();
      while (it.hasNext()) {
        String key = it.next();
        if (ArchiveLayout.serialOfSegmentKey(key) != next) {
          throw new CorruptObjectException(key, "segment out of sequence (run coffer verify)", ArchiveLayout.segmentKey(next), key);
        }
        Segment seg = SegmentFormat.decodeStructure(key, store.get(key));
        if (seg.firstSerial() != next) {
          throw new CorruptObjectException(key, "segment's first serial differs from its key", String.valueOf(next),
              String.valueOf(seg.firstSerial()));
        }
        List<String> ids = new ArrayList<>(seg.count());
        for (SegmentEntry e : seg.entries()) {
          f.appendLeafData(e.digest());
          ids.add(e.id());
        }
        idIndex.add(ids, seg.firstSerial());
        next = seg.lastSerial() + 1;
        replayed += seg.count();
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    frontier = f;
    size = f.size();
    if (latest == null || latest.size() != size) {
      String key = ArchiveLayout.checkpointKey(size);
      if (store.exists(key)) {
        CheckpointFormat.Stored st = readCheckpoint(key);
        if (!Arrays.equals(st.checkpoint().root(), f.root())) {
          throw new CorruptObjectException(key, "checkpoint root differs from the segments' Merkle root (run coffer verify)",
              Digests.hex(f.root()), st.checkpoint().rootHex());
        }
        latest = st.checkpoint();
      } else {
        writeCheckpoint(options.clock().millis());
        if (size > 0) {
          LOG.info("archive {}: signed checkpoint at size {} missing after an interrupted commit; wrote it", archiveId, size);
        }
      }
    }
    if (idIndex.addedSerial() != idIndex.coveredSerial()) {
      idIndex.commit();
    }
    if (replayed > 0) {
      LOG.info("archive {}: caught up {} records after the id index's last commit", archiveId, replayed);
    }
  }

  private CheckpointFormat.Stored readCheckpoint(String key) throws IOException {
    CheckpointFormat.Stored st = CheckpointFormat.decode(key, store.get(key));
    if (!st.checkpoint().verifySignature(keys.publicKey())) {
      throw new CorruptObjectException(key, "checkpoint signature does not verify with the archive's key", null, null);
    }
    if (!st.checkpoint().archiveId().equals(archiveId)) {
      throw new CorruptObjectException(key, "checkpoint names another archive", archiveId, st.checkpoint().archiveId());
    }
    return st;
  }

  private void writeCheckpoint(long time) throws IOException {
    Checkpoint cp = Checkpoint.sign(archiveId, frontier.size(), frontier.root(), time, keys);
    store.put(ArchiveLayout.checkpointKey(cp.size()), CheckpointFormat.encode(cp, frontier));
    latest = cp;
  }

  // ---------------------------------------------------------------- append

  /** One caller's append, waiting for a group commit. */
  private static final class Pending {
    final SegmentEntry[] items;
    /** The appended records, index for index with {@code items}, handed on to commit listeners. */
    final Record[] records;
    final long bytes;
    volatile boolean done;
    AppendResult result;
    Throwable error;

    Pending(SegmentEntry[] items, Record[] records, long bytes) {
      this.items = items;
      this.records = records;
      this.bytes = bytes;
    }
  }

  @Override
  public AppendResult append(List<? extends Record> records) throws IOException {
    ensureUsable();
    if (commitLock.isHeldByCurrentThread()) {
      // A listener runs inside a commit whose serials are already assigned; a nested commit would
      // break them. Hand the records to another thread instead.
      throw new IllegalStateException("append called from a commit listener; append from another thread");
    }
    if (records.isEmpty()) {
      return new AppendResult(List.of());
    }
    // Canonical JSON and digests are computed here, on the callers' threads, in parallel; only the
    // dedupe and the write are serialized.
    MessageDigest sha = sha256();
    SegmentEntry[] items = new SegmentEntry[records.size()];
    Record[] appended = new Record[items.length];
    long bytes = 0;
    for (int i = 0; i < items.length; i++) {
      Record r = records.get(i);
      if (r == null || r.id() == null || r.id().isEmpty()) {
        throw new IllegalArgumentException("record " + i + " has no id");
      }
      byte[] canonical = RecordJson.canonical(r);
      if (canonical.length > SegmentFormat.MAX_RECORD_BYTES) {
        throw new IllegalArgumentException("record " + r.id() + " is " + canonical.length
            + " bytes as canonical JSON; the limit is " + SegmentFormat.MAX_RECORD_BYTES + " (keep large content in blobs)");
      }
      items[i] = new SegmentEntry(r.id(), sha.digest(canonical), canonical);
      appended[i] = r;
      bytes += canonical.length;
    }
    Pending p = new Pending(items, appended, bytes);
    queue.add(p);
    commitLock.lock();
    try {
      while (!p.done) {
        commitQueued();
      }
    } finally {
      commitLock.unlock();
    }
    if (p.error != null) {
      if (p.error instanceof IOException io) {
        throw new IOException("append not acknowledged: " + io.getMessage(), io);
      }
      if (p.error instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException("append not acknowledged", p.error);
    }
    return p.result;
  }

  /** Leader: takes queued appends up to the commit limits and commits them together. */
  private void commitQueued() {
    List<Pending> batch = new ArrayList<>();
    long records = 0;
    long bytes = 0;
    for (Pending p = queue.peek(); p != null; p = queue.peek()) {
      if (!batch.isEmpty()
          && (records + p.items.length > options.maxCommitRecords() || bytes + p.bytes > options.maxCommitBytes())) {
        break;
      }
      queue.poll();
      batch.add(p);
      records += p.items.length;
      bytes += p.bytes;
    }
    if (batch.isEmpty()) {
      return;
    }
    Throwable error = null;
    try {
      ensureUsable();
      commit(batch);
    } catch (Throwable t) {
      error = t;
      if (!(t instanceof IllegalStateException) && failure == null) {
        failure = t;
        LOG.error("archive {}: commit failed; the archive stops until reopened: {}", archiveId, t.toString());
      }
    }
    for (Pending p : batch) {
      p.error = error;
      p.done = true;
    }
  }

  private void commit(List<Pending> batch) throws IOException {
    Map<String, Long> inCommit = new HashMap<>();
    List<SegmentEntry> fresh = new ArrayList<>();
    List<Record> freshRecords = new ArrayList<>();
    long next = size + 1;
    List<List<AppendResult.Outcome>> outcomes = new ArrayList<>();
    try (IdIndex.Lookup lookup = idIndex.lookup()) {
      for (Pending p : batch) {
        List<AppendResult.Outcome> out = new ArrayList<>(p.items.length);
        for (int k = 0; k < p.items.length; k++) {
          SegmentEntry e = p.items[k];
          Long seen = inCommit.get(e.id());
          if (seen != null) {
            out.add(new AppendResult.Outcome(e.id(), seen, true));
            continue;
          }
          long existing = lookup.find(e.id());
          if (existing > 0) {
            out.add(new AppendResult.Outcome(e.id(), existing, true));
            continue;
          }
          inCommit.put(e.id(), next);
          fresh.add(e);
          freshRecords.add(p.records[k]);
          out.add(new AppendResult.Outcome(e.id(), next, false));
          next++;
        }
        outcomes.add(out);
      }
    }
    int from = 0;
    long chunkBytes = 0;
    for (int i = 0; i < fresh.size(); i++) {
      chunkBytes += fresh.get(i).canonical().length;
      boolean full = i + 1 - from >= options.maxCommitRecords() || chunkBytes >= options.maxCommitBytes();
      if (full || i == fresh.size() - 1) {
        commitSegment(fresh.subList(from, i + 1), freshRecords.subList(from, i + 1));
        from = i + 1;
        chunkBytes = 0;
      }
    }
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).result = new AppendResult(List.copyOf(outcomes.get(i)));
    }
  }

  private void commitSegment(List<SegmentEntry> entries, List<Record> records) throws IOException {
    long first = size + 1;
    long now = options.clock().millis();
    Segment seg = new Segment(first, now, entries);
    store.put(ArchiveLayout.segmentKey(first), SegmentFormat.encode(seg)); // 1. segment durable
    List<String> ids = new ArrayList<>(entries.size());
    for (SegmentEntry e : entries) {
      ids.add(e.id());
      frontier.appendLeafData(e.digest());
    }
    idIndex.add(ids, first); // 2. id index updated
    writeCheckpoint(now); // 3. checkpoint durable
    size = frontier.size();
    lastSegment = seg;
    addedSinceIndexCommit += entries.size();
    if (addedSinceIndexCommit >= options.idIndexCommitRecords()) {
      idIndex.commit();
      addedSinceIndexCommit = 0;
    }
    if (!listeners.isEmpty()) { // 4. listeners
      List<StoredRecord> stored = new ArrayList<>(entries.size());
      long serial = first;
      for (int i = 0; i < entries.size(); i++) {
        SegmentEntry e = entries.get(i);
        // The appended object rides along, so listeners need not parse the bytes just written.
        stored.add(StoredRecord.committed(serial++, Digests.hex(e.digest()), e.canonical(), now, records.get(i)));
      }
      List<StoredRecord> view = List.copyOf(stored);
      for (CommitListener l : listeners) {
        try {
          l.committed(view);
        } catch (Exception | LinkageError e) {
          LOG.warn("archive {}: commit listener {} failed on serials {}..{}: {}", archiveId, l.getClass().getName(),
              first, seg.lastSerial(), e.toString());
        }
      }
    }
  }

  // ---------------------------------------------------------------- blobs

  @Override
  public String putBlob(byte[] bytes) throws IOException {
    ensureUsable();
    String sha = Digests.sha256Hex(bytes);
    String key = ArchiveLayout.blobKey(sha);
    if (!store.exists(key)) {
      try {
        store.put(key, BlobFormat.encode(bytes));
      } catch (ObjectExistsException e) {
        // stored concurrently by another caller: the same bytes, by definition of the key
      }
    }
    return sha;
  }

  @Override
  public String putBlob(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return putBlob(in);
    }
  }

  @Override
  public String putBlob(InputStream in) throws IOException {
    ensureUsable();
    Path tmp = Files.createTempFile(staging, "blob-", ".tmp");
    try {
      BlobFormat.Staged st = BlobFormat.stage(in, tmp);
      String key = ArchiveLayout.blobKey(st.sha256());
      if (!store.exists(key)) {
        try {
          store.put(key, tmp);
        } catch (ObjectExistsException e) {
          // stored concurrently: same bytes
        }
      }
      return st.sha256();
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public boolean hasBlob(String sha256) throws IOException {
    return Digests.isSha256Hex(sha256) && store.exists(ArchiveLayout.blobKey(sha256));
  }

  @Override
  public InputStream openBlob(String sha256) throws IOException {
    if (!Digests.isSha256Hex(sha256)) {
      throw new NoSuchFileException(String.valueOf(sha256), null, "not a lowercase hex SHA-256");
    }
    String key = ArchiveLayout.blobKey(sha256);
    return BlobFormat.open(key, sha256, new BufferedInputStream(store.open(key), 1 << 16));
  }

  // ---------------------------------------------------------------- reads

  @Override
  public boolean contains(String id) throws IOException {
    return id != null && idIndex.find(id) > 0;
  }

  @Override
  public Optional<StoredRecord> get(String id) throws IOException {
    if (id == null) {
      return Optional.empty();
    }
    long serial = idIndex.find(id);
    return serial < 1 ? Optional.empty() : get(serial);
  }

  @Override
  public Optional<StoredRecord> get(long serial) throws IOException {
    if (serial < 1 || serial > size) {
      return Optional.empty();
    }
    Segment seg = segmentHolding(serial);
    SegmentEntry e = seg.entry(serial);
    return Optional.of(new StoredRecord(serial, Digests.hex(e.digest()), e.canonical(), seg.archivedAt()));
  }

  private Segment segmentHolding(long serial) throws IOException {
    Segment cached = lastSegment;
    if (cached != null && cached.holds(serial)) {
      return cached;
    }
    long first = idIndex.segmentOf(serial);
    if (first < 1) {
      throw new IOException("the derived id index does not know serial " + serial + " (run coffer reindex)");
    }
    Segment seg = readCache.get(first);
    if (seg == null) {
      seg = readSegment(ArchiveLayout.segmentKey(first));
      readCache.put(seg);
    }
    lastSegment = seg;
    return seg;
  }

  /** A small LRU of decoded segments, bounded by the canonical bytes it holds. */
  private static final class SegmentCache {
    private final long budget;
    private long held;
    private final java.util.LinkedHashMap<Long, Segment> map = new java.util.LinkedHashMap<>(16, 0.75f, true);

    SegmentCache(long budget) {
      this.budget = budget;
    }

    synchronized Segment get(long first) {
      return map.get(first);
    }

    synchronized void put(Segment seg) {
      long weight = weight(seg);
      if (weight > budget || map.containsKey(seg.firstSerial())) {
        return;
      }
      map.put(seg.firstSerial(), seg);
      held += weight;
      Iterator<Map.Entry<Long, Segment>> it = map.entrySet().iterator();
      while (held > budget && it.hasNext()) {
        Segment old = it.next().getValue();
        it.remove();
        held -= weight(old);
      }
    }

    private static long weight(Segment seg) {
      long w = 0;
      for (SegmentEntry e : seg.entries()) {
        w += e.canonical().length + 64;
      }
      return w;
    }
  }

  private Segment readSegment(String key) throws IOException {
    // The CRC is checked on every read; recomputing every digest is verify's job.
    return SegmentFormat.decodeStructure(key, store.get(key));
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public void scan(long fromSerial, RecordVisitor visitor) throws IOException {
    long end = size;
    long from = Math.max(fromSerial, 1);
    if (from > end) {
      return;
    }
    long first = idIndex.segmentOf(from);
    if (first < 1) {
      throw new IOException("the derived id index does not know serial " + from + " (run coffer reindex)");
    }
    try (Stream<String> segmentKeys = store.list(ArchiveLayout.SEGMENTS, ArchiveLayout.segmentKey(first))) {
      Iterator<String> it = segmentKeys.iterator();
      while (it.hasNext()) {
        Segment seg = readSegment(it.next());
        for (long s = Math.max(from, seg.firstSerial()); s <= Math.min(end, seg.lastSerial()); s++) {
          SegmentEntry e = seg.entry(s);
          if (!visitor.visit(new StoredRecord(s, Digests.hex(e.digest()), e.canonical(), seg.archivedAt()))) {
            return;
          }
        }
        if (seg.lastSerial() >= end) {
          return;
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  @Override
  public void addCommitListener(CommitListener listener) {
    listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public Checkpoint latestCheckpoint() {
    return latest;
  }

  // ---------------------------------------------------------------- proofs

  @Override
  public Optional<Checkpoint> checkpoint(long treeSize) throws IOException {
    if (treeSize < 0 || treeSize > size) {
      return Optional.empty();
    }
    Checkpoint l = latest;
    if (l != null && l.size() == treeSize) {
      return Optional.of(l);
    }
    String key = ArchiveLayout.checkpointKey(treeSize);
    if (!store.exists(key)) {
      return Optional.empty();
    }
    return Optional.of(readCheckpoint(key).checkpoint());
  }

  @Override
  public java.security.PublicKey signingKey() {
    return keys.publicKey();
  }

  private Checkpoint requireCheckpoint(long treeSize) throws IOException {
    return checkpoint(treeSize).orElseThrow(() -> new IllegalArgumentException("no signed checkpoint of size " + treeSize
        + " (checkpoints exist at commit boundaries, from 0 to " + size + ")"));
  }

  @Override
  public InclusionProof proveInclusion(long serial, long treeSize) throws IOException {
    ensureOpen();
    Checkpoint cp = requireCheckpoint(treeSize);
    if (serial < 1 || serial > treeSize) {
      throw new IllegalArgumentException("serial " + serial + " is not in the checkpoint of size " + treeSize);
    }
    Segment seg = segmentHolding(serial);
    SegmentEntry e = seg.entry(serial);
    byte[] digest = Digests.sha256(e.canonical());
    String key = ArchiveLayout.segmentKey(seg.firstSerial());
    if (!Arrays.equals(digest, e.digest())) {
      throw new CorruptObjectException(key, "record " + serial + " does not match its digest (run coffer verify)",
          Digests.hex(e.digest()), Digests.hex(digest));
    }
    List<MerkleProofs.Range> ranges = MerkleProofs.inclusionRanges(serial - 1, treeSize);
    List<byte[]> path = LeafScan.subtreeHashes(store, startSegment(ranges), ranges);
    if (!MerkleProofs.verifyInclusion(serial - 1, treeSize, Rfc6962.leafHash(digest), path, cp.root())) {
      throw new CorruptObjectException(ArchiveLayout.checkpointKey(treeSize),
          "the segments' digests do not give the signed root (run coffer verify)", cp.rootHex(), "another root");
    }
    return new InclusionProof(e.id(), e.canonical(), digest, serial - 1, treeSize, path,
        SignedNote.render(cp, keys.publicKey()), SignedNote.rawPublicKey(keys.publicKey()));
  }

  @Override
  public ConsistencyProof proveConsistency(long oldSize, long newSize) throws IOException {
    ensureOpen();
    if (oldSize > newSize) {
      throw new IllegalArgumentException("the old size " + oldSize + " is larger than the new size " + newSize);
    }
    Checkpoint older = requireCheckpoint(oldSize);
    Checkpoint newer = requireCheckpoint(newSize);
    List<MerkleProofs.Range> ranges = MerkleProofs.consistencyRanges(oldSize, newSize);
    List<byte[]> path = LeafScan.subtreeHashes(store, startSegment(ranges), ranges);
    if (!MerkleProofs.verifyConsistency(oldSize, newSize, older.root(), newer.root(), path)) {
      throw new CorruptObjectException(ArchiveLayout.checkpointKey(newSize),
          "the segments' digests do not prove checkpoint " + newSize + " extends checkpoint " + oldSize + " (run coffer verify)",
          "a consistent history", "a mismatch");
    }
    java.security.PublicKey pub = keys.publicKey();
    return new ConsistencyProof(oldSize, newSize, path, SignedNote.render(older, pub), SignedNote.render(newer, pub),
        SignedNote.rawPublicKey(pub));
  }

  /** The first serial of the segment holding the earliest leaf of {@code ranges} (1 if there are none). */
  private long startSegment(List<MerkleProofs.Range> ranges) throws IOException {
    if (ranges.isEmpty()) {
      return 1;
    }
    long firstLeaf = ranges.stream().mapToLong(MerkleProofs.Range::from).min().orElseThrow();
    long first = idIndex.segmentOf(firstLeaf + 1);
    if (first < 1) {
      throw new IOException("the derived id index does not know serial " + (firstLeaf + 1) + " (run coffer reindex)");
    }
    return first;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("archive " + archiveId + " is closed");
    }
  }

  @Override
  public Path directory() {
    return directory;
  }

  @Override
  public String archiveId() {
    return archiveId;
  }

  private void ensureUsable() throws IOException {
    if (closed) {
      throw new IllegalStateException("archive " + archiveId + " is closed");
    }
    Throwable f = failure;
    if (f != null) {
      throw new IOException("archive " + archiveId + " stopped after a failed commit (" + f + "); reopen it to recover", f);
    }
  }

  @Override
  public void close() throws IOException {
    commitLock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      try {
        if (failure == null && idIndex.addedSerial() != idIndex.coveredSerial()) {
          idIndex.commit();
        }
      } finally {
        try {
          idIndex.close();
        } finally {
          store.close();
          if (ownsStaging) {
            deleteTree(staging);
          }
        }
      }
    } finally {
      commitLock.unlock();
    }
  }

  /** Stops without committing the id index, like a crash (for tests of recovery). */
  void crashForTest() throws IOException {
    commitLock.lock();
    try {
      closed = true;
      idIndex.abandon();
      store.close();
    } finally {
      commitLock.unlock();
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "Archive[" + archiveId + (directory == null ? " in memory" : " at " + directory) + ", " + size + " records]";
  }
}
