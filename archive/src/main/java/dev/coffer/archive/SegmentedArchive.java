package dev.coffer.archive;

import dev.coffer.archive.blob.BlobFormat;
import dev.coffer.archive.blob.BlobPack;
import dev.coffer.archive.blob.BlobReferences;
import dev.coffer.archive.checkpoint.Checkpoint;
import dev.coffer.archive.checkpoint.CheckpointFormat;
import dev.coffer.archive.crypto.BlobNames;
import dev.coffer.archive.crypto.Encryption;
import dev.coffer.archive.crypto.StagingCipher;
import dev.coffer.archive.idindex.IdIndex;
import dev.coffer.archive.keys.SigningKeys;
import dev.coffer.archive.layout.ArchiveLayout;
import dev.coffer.archive.layout.ArchiveLock;
import dev.coffer.archive.checkpoint.SignedNote;
import dev.coffer.archive.merkle.MerkleFrontier;
import dev.coffer.archive.merkle.MerkleProofs;
import dev.coffer.archive.merkle.Rfc6962;
import dev.coffer.archive.proof.ConsistencyProof;
import dev.coffer.archive.proof.InclusionProof;
import dev.coffer.archive.retention.Actor;
import dev.coffer.archive.retention.BlobDisposal;
import dev.coffer.archive.retention.Disposal;
import dev.coffer.archive.retention.LegalHold;
import dev.coffer.archive.retention.RetentionLedger;
import dev.coffer.archive.retention.RetentionPolicy;
import dev.coffer.archive.retention.RetentionViolationException;
import dev.coffer.archive.segment.Segment;
import dev.coffer.archive.segment.SegmentEntry;
import dev.coffer.archive.segment.SegmentFormat;
import dev.coffer.archive.store.CorruptObjectException;
import dev.coffer.archive.store.ObjectExistsException;
import dev.coffer.archive.store.ObjectStore;
import dev.coffer.model.Audit;
import dev.coffer.model.Digests;
import dev.coffer.model.Ids;
import dev.coffer.model.Party;
import dev.coffer.model.Record;
import dev.coffer.model.Source;
import dev.coffer.model.RecordJson;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
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
  private final WormObjectStore worm;
  private final String archiveId;
  private final SigningKeys keys;
  private final IdIndex idIndex;
  private final ArchiveOptions options;
  private final Path staging;
  private final boolean ownsStaging;
  private final Encryption encryption;
  private final BlobNames blobNames;
  /** Blobs stored or found stored lately: blob disposition keeps them (a record may be on its way). */
  private final RecentBlobs recentBlobs = new RecentBlobs();
  /** Blob stores share it; blob disposition's deletes take it alone (a store then re-puts a removed blob). */
  private final java.util.concurrent.locks.ReentrantReadWriteLock blobLock = new java.util.concurrent.locks.ReentrantReadWriteLock();
  /** Streamed blobs wait in {@code staging} sealed under a key that exists only in this process. */
  private final StagingCipher stagingCipher = new StagingCipher();

  private final ReentrantLock commitLock = new ReentrantLock();
  private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final CopyOnWriteArrayList<CommitListener> listeners = new CopyOnWriteArrayList<>();
  private final CopyOnWriteArrayList<DisposalListener> disposalListeners = new CopyOnWriteArrayList<>();
  /** Readers of segments share it; a disposition rewrite (delete, then put) takes it alone. */
  private final java.util.concurrent.locks.ReentrantReadWriteLock rewriteLock = new java.util.concurrent.locks.ReentrantReadWriteLock();
  /** Serializes retention acts (check against the ledger, then append) and dispositions. */
  private final ReentrantLock retentionLock = new ReentrantLock();
  /** Built on first use by {@link #retention()}, then advanced by each commit (under commitLock). */
  private volatile RetentionLedger ledger;
  private MerkleFrontier frontier; // guarded by commitLock
  private long addedSinceIndexCommit; // guarded by commitLock
  private volatile long size;
  private volatile Checkpoint latest;
  private volatile Throwable failure;
  private volatile boolean closed;
  private volatile Segment lastSegment;
  private ArchiveLock lock; // null in memory
  private dev.coffer.archive.store.MirroredObjectStore mirror; // null without a mirror
  private ObjectStore backend; // below encryption; null only for archives made in tests without one
  /** Recently read segments (reads cluster: a conversation, a page of search hits), by first serial. */
  private final SegmentCache readCache = new SegmentCache(32L << 20);

  SegmentedArchive(Path directory, ObjectStore store, String archiveId, SigningKeys keys, IdIndex idIndex,
      ArchiveOptions options, Path staging, boolean ownsStaging, Encryption encryption) {
    this.directory = directory;
    this.worm = new WormObjectStore(store, this::refusedObjectOperation);
    this.store = worm;
    this.archiveId = archiveId;
    this.keys = keys;
    this.idIndex = idIndex;
    this.options = options;
    this.staging = staging;
    this.ownsStaging = ownsStaging;
    this.encryption = encryption;
    this.blobNames = encryption.blobNames();
  }

  /**
   * Rebuilds the in-memory state from what is durable. The id index's last commit names a serial it
   * covers; the checkpoint at that size holds the frontier, so only segments after it are read (their
   * CRCs checked), their ids re-added and their digests appended to the frontier. If the last segment
   * has no checkpoint (a crash between the two), one is signed now. Segments are write-once and
   * published atomically, so there is never a partial one to repair.
   */
  void recover(Recovery recovery) throws IOException {
    finishRewrites();
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
    long lastArchivedAt = -1;
    try (Stream<String> segmentKeys = store.list(ArchiveLayout.SEGMENTS, ArchiveLayout.segmentKey(next))) {
      Iterator<String> it = segmentKeys.iterator();
      while (it.hasNext()) {
        String key = it.next();
        if (ArchiveLayout.serialOfSegmentKey(key) != next) {
          throw new CorruptObjectException(key, "segment out of sequence (run coffer verify)", ArchiveLayout.segmentKey(next), key);
        }
        Segment seg;
        try {
          seg = readChecked(key, b -> SegmentFormat.decodeStructure(key, b)); // a mirror's good copy serves
        } catch (CorruptObjectException e) {
          if (it.hasNext() || !unacknowledged(next)) {
            throw e; // acknowledged data is damaged: never repaired here (coffer verify, coffer restore)
          }
          quarantine(key, storedBytes(key), e, recovery);
          break;
        }
        if (seg.firstSerial() != next) {
          throw new CorruptObjectException(key, "segment's first serial differs from its key", String.valueOf(next),
              String.valueOf(seg.firstSerial()));
        }
        List<String> ids = new ArrayList<>(seg.count());
        for (SegmentEntry e : seg.entries()) {
          f.appendLeafData(e.digest());
          ids.add(e.id());
        }
        String packKey = ArchiveLayout.packKey(seg.firstSerial());
        if (store.exists(packKey)) {
          idIndex.addBlobs(packedNames(readChecked(packKey, b -> BlobPack.decode(packKey, b))), seg.firstSerial());
        }
        idIndex.add(ids, seg.firstSerial());
        next = seg.lastSerial() + 1;
        replayed += seg.count();
        lastArchivedAt = seg.archivedAt();
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    frontier = f;
    size = f.size();
    removeUnacknowledgedPack(next, recovery);
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
        // The checkpoint of a commit carries the commit's time, also when recovery signs it late:
        // verify then checks every segment's archived-at (where retention starts) against a signature.
        writeCheckpoint(lastArchivedAt >= 0 ? lastArchivedAt : options.clock().millis());
        if (size > 0) {
          LOG.info("archive {}: signed checkpoint at size {} missing after an interrupted commit; wrote it", archiveId, size);
          recovery.note("signed_missing_checkpoint", "size " + size + " (its segment was durable, its checkpoint was not)");
        }
      }
    }
    if (idIndex.addedSerial() != idIndex.coveredSerial()) {
      idIndex.commit();
    }
    if (replayed > 0) {
      LOG.info("archive {}: caught up {} records after the id index's last commit", archiveId, replayed);
      if (recovery.unclean()) {
        recovery.note("id_index_caught_up", replayed + " records re-read from their segments");
      }
    }
  }

  /**
   * A blob pack numbered after the last durable segment was written by a commit whose segment never
   * became durable (a crash or a failed write between the two): nothing acknowledged or durable names
   * its blobs, and the next commit needs its key. Removed; the senders' retries store the blobs again.
   */
  private void removeUnacknowledgedPack(long next, Recovery recovery) throws IOException {
    String key = ArchiveLayout.packKey(next);
    if (!store.exists(key)) {
      return;
    }
    long bytes = store.size(key);
    worm.authorized(key, () -> store.delete(key));
    LOG.warn("archive {}: removed blob pack {} whose commit never wrote its segment (nothing acknowledged names it)",
        archiveId, key);
    recovery.target(key);
    recovery.note("removed_unacknowledged_pack", key + " (" + bytes + " bytes; its segment was never written)");
  }

  private List<String> packedNames(List<BlobPack.Entry> entries) {
    List<String> names = new ArrayList<>(entries.size());
    for (BlobPack.Entry e : entries) {
      names.add(blobNames.nameOf(e.sha256()));
    }
    return names;
  }

  /** True if no signed checkpoint covers serial {@code serial}: no append that wrote it was acknowledged. */
  private boolean unacknowledged(long serial) throws IOException {
    try (Stream<String> later = store.list(ArchiveLayout.CHECKPOINTS, ArchiveLayout.checkpointKey(serial))) {
      return later.noneMatch(k -> ArchiveLayout.sizeOfCheckpointKey(k) >= serial);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /**
   * Moves a damaged last segment that no checkpoint covers (a torn write: its append was never
   * acknowledged) out of the store into {@code <data>/quarantine/}, byte for byte, so the archive can
   * go on from the last acknowledged serial. The audit record names it and its digest.
   */
  /**
   * The bytes of an object as the backend holds them (below encryption: ciphertext when the archive is
   * encrypted; a damaged sealed object does not decrypt, and what is set aside is what was stored).
   */
  private byte[] storedBytes(String key) throws IOException {
    return backend != null ? backend.get(key) : store.get(key);
  }

  /**
   * Moves the bytes through the object store (the backends: a file store, a mirror, S3 alike) to the
   * key {@code quarantine/<name>.<millis>}, then deletes the segment. The quarantine key is written
   * first and is durable before the delete, so a crash between the two leaves both, and the next
   * open quarantines again under a new name.
   */
  private void quarantine(String key, byte[] bytes, CorruptObjectException why, Recovery recovery) throws IOException {
    if (directory == null && backend == null) {
      throw why;
    }
    String name = key.substring(key.lastIndexOf('/') + 1) + "." + options.clock().millis();
    String quarantineKey = ArchiveLayout.quarantineKey(name);
    (backend != null ? backend : store).put(quarantineKey, bytes);
    // Not evidence: no checkpoint covers it, so no append that wrote it was acknowledged.
    worm.authorized(key, () -> store.delete(key));
    String digest = Digests.sha256Hex(bytes);
    LOG.warn("archive {}: last segment {} is damaged ({}) and no checkpoint covers it (never acknowledged); moved to {}",
        archiveId, key, why.what(), quarantineKey);
    recovery.target(key);
    recovery.note("quarantined_torn_segment", key + " -> " + quarantineKey + " (" + bytes.length
        + " bytes, sha256 " + digest + ", " + why.what() + ")");
  }

  /** The store below encryption (the backends), from which damaged bytes are set aside as stored. */
  void backend(ObjectStore backend) {
    this.backend = backend;
  }

  /** The store's mirror layer, for its metrics. */
  void mirror(dev.coffer.archive.store.MirroredObjectStore mirror) {
    this.mirror = mirror;
  }

  @Override
  public Optional<dev.coffer.archive.store.MirroredObjectStore> mirror() {
    return Optional.ofNullable(mirror);
  }

  /** Hands over the writer's lock, released when this archive closes. */
  void holdLock(ArchiveLock lock) {
    this.lock = lock;
  }

  /** Decodes an object's bytes, throwing {@link CorruptObjectException} if they are not well formed. */
  @FunctionalInterface
  private interface Decoder<T> {
    T decode(byte[] bytes) throws IOException;
  }

  /**
   * Reads and decodes an object; if the store's copy is corrupt and the store has a redundant copy
   * ({@link ObjectStore#replica()}, the mirror), decodes that instead (the replica logs and counts it).
   */
  private <T> T readChecked(String key, Decoder<T> decoder) throws IOException {
    try {
      return decoder.decode(store.get(key));
    } catch (CorruptObjectException e) {
      ObjectStore replica = store.replica();
      if (replica == null || !replica.exists(key)) {
        throw e;
      }
      try {
        return decoder.decode(replica.get(key));
      } catch (CorruptObjectException onMirror) {
        e.addSuppressed(onMirror);
        throw e;
      }
    }
  }

  /**
   * Finishes or rolls back segment rewrites a crash interrupted (see {@link #rewriteSegment}): if the
   * segment is missing, the old one was already removed after the new bytes were durable, so the new
   * bytes are put in its place; if it exists, it is either the new bytes (done) or the old ones (the
   * rewrite had not started to replace it: rolled back, the next disposition does it again). Either
   * way the staging object goes.
   */
  private void finishRewrites() throws IOException {
    List<String> pending;
    try (Stream<String> keys = store.list(ArchiveLayout.REWRITES)) {
      pending = keys.toList();
    }
    for (String key : pending) {
      long first = ArchiveLayout.serialOfRewriteKey(key);
      if (first < 1) {
        continue;
      }
      String segmentKey = ArchiveLayout.segmentKey(first);
      if (!store.exists(segmentKey)) {
        byte[] bytes = store.get(key);
        SegmentFormat.decodeStructure(key, bytes); // never put damaged bytes in place of evidence
        store.put(segmentKey, bytes);
        LOG.warn("archive {}: finished the disposition rewrite of segment {} interrupted by a crash", archiveId, first);
      } else {
        LOG.warn("archive {}: rolled back an interrupted disposition rewrite of segment {} (the next disposition repeats it)",
            archiveId, first);
      }
      store.delete(key);
    }
  }

  private CheckpointFormat.Stored readCheckpoint(String key) throws IOException {
    CheckpointFormat.Stored st = readChecked(key, b -> CheckpointFormat.decode(key, b));
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
    /** Blobs to make durable with this commit, before its segment. */
    final List<BlobPack.Entry> blobs;
    final long bytes;
    volatile boolean done;
    AppendResult result;
    Throwable error;

    Pending(SegmentEntry[] items, Record[] records, List<BlobPack.Entry> blobs, long bytes) {
      this.items = items;
      this.records = records;
      this.blobs = blobs;
      this.bytes = bytes;
    }
  }

  @Override
  public AppendResult append(List<? extends Record> records) throws IOException {
    return append(records, List.of());
  }

  /**
   * As {@link #append(List)}, with the blobs written into one blob pack just before the commit's
   * segment ({@link BlobPack}, {@code packs/}): one object's syncs for all of a group commit's blobs.
   */
  @Override
  public AppendResult append(List<? extends Record> records, List<byte[]> blobs) throws IOException {
    List<Audit> acts = new ArrayList<>();
    for (Record r : records) {
      if (r instanceof Audit a && RetentionLedger.TRAIL.contains(a.action())) {
        if (a.action().equals(RetentionLedger.DISPOSITION) || a.action().equals(RetentionLedger.BLOB_DISPOSITION)) {
          // Verify accepts a tombstone only if a disposition record names it: only dispose() writes them.
          throw new IllegalArgumentException(a.action() + " records are written only by the archive's dispose() and disposeBlobs()");
        }
        acts.add(a);
      }
    }
    if (acts.isEmpty()) {
      return appendChecked(records, blobs);
    }
    // A retention act must be valid against the state it follows (next policy version, floors only
    // raised, release of an active hold): checked and appended under one lock, so two acts cannot race.
    retentionLock.lock();
    try {
      RetentionLedger l = retention();
      for (Audit a : acts) {
        l.check(a);
        l = l.with(List.of(StoredRecord.committed(Long.MAX_VALUE, "", new byte[] {'{'}, 0, a)));
      }
      return appendChecked(records, blobs);
    } finally {
      retentionLock.unlock();
    }
  }

  private AppendResult appendChecked(List<? extends Record> records) throws IOException {
    return appendChecked(records, List.of());
  }

  private AppendResult appendChecked(List<? extends Record> records, List<byte[]> blobs) throws IOException {
    ensureUsable();
    if (commitLock.isHeldByCurrentThread()) {
      // A listener runs inside a commit whose serials are already assigned; a nested commit would
      // break them. Hand the records to another thread instead.
      throw new IllegalStateException("append called from a commit listener; append from another thread");
    }
    if (records.isEmpty() && blobs.isEmpty()) {
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
    // Blobs are digested and compressed here too, in parallel; the leader only writes them.
    List<BlobPack.Entry> packed = new ArrayList<>(blobs.size());
    java.util.Set<String> inCall = new java.util.HashSet<>();
    for (byte[] b : blobs) {
      BlobPack.Entry e = BlobPack.Entry.of(b);
      if (inCall.add(e.sha256())) {
        packed.add(e);
        bytes += e.encoded().length;
      }
    }
    Pending p = new Pending(items, appended, packed, bytes);
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

  private void commit(List<Pending> callers) throws IOException {
    RetentionLedger known = ledger; // built only if someone asked for it (the server does); never built here
    RetentionPolicy policy = known == null ? null : known.currentPolicy();
    List<Pending> batch = byRetention(callers, policy);
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
    List<BlobPack.Entry> blobs = unstoredBlobs(batch);
    if (fresh.isEmpty()) {
      // No segment to go with: every record was a duplicate. Rare (a re-delivery in other bytes); the
      // blobs are stored one object each.
      for (BlobPack.Entry e : blobs) {
        try {
          store.put(blobKey(e.sha256()), e.encoded());
        } catch (ObjectExistsException ex) {
          // stored by a putBlob meanwhile: the same bytes
        }
      }
    }
    // Segment layout by retention: a new segment where the retention bucket changes, so that records
    // that expire together share segments and disposition rewrites no live record's segment. At most
    // MAX_RETENTION_RUNS segments per commit this way: one caller's records that alternate between
    // buckets stay together (one mixed segment, as before) rather than costing a segment each.
    String[] buckets = new String[fresh.size()];
    int runs = 0;
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] = retentionBucket(freshRecords.get(i), policy);
      if (i == 0 || !buckets[i].equals(buckets[i - 1])) {
        runs++;
      }
    }
    boolean byBucket = runs <= MAX_RETENTION_RUNS;
    List<Integer> ends = new ArrayList<>(); // exclusive end of each segment of this commit
    long chunkBytes = 0;
    for (int i = 0, from = 0; i < fresh.size(); i++) {
      chunkBytes += fresh.get(i).canonical().length;
      boolean full = i + 1 - from >= options.maxCommitRecords() || chunkBytes >= options.maxCommitBytes()
          || (byBucket && i + 1 < buckets.length && !buckets[i + 1].equals(buckets[i]));
      if (full || i == fresh.size() - 1) {
        ends.add(i + 1);
        from = i + 1;
        chunkBytes = 0;
      }
    }
    List<List<BlobPack.Entry>> packs = packsBySegment(blobs, fresh, ends);
    for (int c = 0, from = 0; c < ends.size(); c++) {
      commitSegment(fresh.subList(from, ends.get(c)), freshRecords.subList(from, ends.get(c)), packs.get(c));
      from = ends.get(c);
    }
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).result = new AppendResult(List.copyOf(outcomes.get(i)));
    }
  }

  /**
   * The blobs of each segment's pack: a blob goes with the first segment whose records refer to it (so
   * a commit split by retention period gets one pack per period, and blob disposition can remove each
   * pack whole when its period ends); a blob no fresh record refers to goes with the first segment.
   */
  private static List<List<BlobPack.Entry>> packsBySegment(List<BlobPack.Entry> blobs, List<SegmentEntry> fresh,
      List<Integer> ends) {
    List<List<BlobPack.Entry>> packs = new ArrayList<>(ends.size());
    if (ends.isEmpty()) {
      return packs; // every record a duplicate: the blobs were stored one object each
    }
    if (ends.size() == 1 || blobs.isEmpty()) {
      packs.add(blobs);
      for (int c = 1; c < ends.size(); c++) {
        packs.add(List.of());
      }
      return packs;
    }
    Map<String, Integer> firstUse = new HashMap<>();
    for (int c = 0, from = 0; c < ends.size(); c++) {
      for (int i = from; i < ends.get(c); i++) {
        for (String d : BlobReferences.in(fresh.get(i).canonical())) {
          firstUse.putIfAbsent(d, c);
        }
      }
      from = ends.get(c);
      packs.add(new ArrayList<>());
    }
    for (BlobPack.Entry e : blobs) {
      packs.get(firstUse.getOrDefault(e.sha256(), 0)).add(e);
    }
    return packs;
  }

  /** Most segments one commit is split into by retention bucket (see {@link #commit}). */
  static final int MAX_RETENTION_RUNS = 8;

  /**
   * Which records expire together: all records of one commit share its archive time, so their
   * retain-until differs only by the period the policy gives them. With the policy in force known
   * (the ledger is built), the bucket is that period; without it, the categories a rule-free policy
   * tells apart: retention-trail records (kept for the archive's life), other audit records (books
   * floor), everything else (the default class's floor).
   */
  static String retentionBucket(Record r, RetentionPolicy policy) {
    if (RetentionLedger.isTrail(r)) {
      return "trail";
    }
    if (policy == null) {
      return r instanceof Audit ? "audit" : "records";
    }
    return "P" + policy.decide(r).period().toTotalMonths() + "M";
  }

  /**
   * The callers of one group commit, grouped by retention bucket (stable: callers of one bucket keep
   * their queue order; a caller whose records span buckets comes after the uniform ones). Concurrent
   * callers have no order between them, so this changes nothing a caller can observe; each caller's
   * own records keep their order and get consecutive serials.
   */
  private static List<Pending> byRetention(List<Pending> batch, RetentionPolicy policy) {
    if (batch.size() < 2) {
      return batch;
    }
    Map<String, List<Pending>> groups = new java.util.LinkedHashMap<>();
    List<Pending> mixed = new ArrayList<>();
    for (Pending p : batch) {
      String bucket = null;
      boolean uniform = true;
      for (Record r : p.records) {
        String b = retentionBucket(r, policy);
        if (bucket == null) {
          bucket = b;
        } else if (!bucket.equals(b)) {
          uniform = false;
          break;
        }
      }
      if (uniform && bucket != null) {
        groups.computeIfAbsent(bucket, k -> new ArrayList<>()).add(p);
      } else {
        mixed.add(p);
      }
    }
    if (groups.size() + (mixed.isEmpty() ? 0 : 1) < 2) {
      return batch;
    }
    List<Pending> out = new ArrayList<>(batch.size());
    groups.values().forEach(out::addAll);
    out.addAll(mixed);
    return out;
  }


  /** The batch's blobs that no object and no pack holds yet, each once. Under the commit lock. */
  private List<BlobPack.Entry> unstoredBlobs(List<Pending> batch) throws IOException {
    List<BlobPack.Entry> out = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (Pending p : batch) {
      for (BlobPack.Entry e : p.blobs) {
        recentBlobs.touch(e.sha256()); // a record of this commit refers to it: blob disposition keeps it
        if (seen.add(e.sha256()) && !blobStored(blobNames.nameOf(e.sha256()))) {
          out.add(e);
        }
      }
    }
    return out;
  }

  /** True if the blob with this name is durable: its own object, or in a pack whose segment is durable. */
  private boolean blobStored(String name) throws IOException {
    return store.exists(ArchiveLayout.blobKeyOfName(name)) || packHolding(name) > 0;
  }

  /**
   * The serial of the pack holding the blob named {@code name}, or -1: the id index's newest pack for
   * it, if that pack still exists (blob disposition deletes packs whole and leaves their index entries).
   */
  private long packHolding(String name) throws IOException {
    long pack = idIndex.findBlob(name);
    return pack > 0 && store.exists(ArchiveLayout.packKey(pack)) ? pack : -1;
  }

  private void commitSegment(List<SegmentEntry> entries, List<Record> records, List<BlobPack.Entry> blobs)
      throws IOException {
    long first = size + 1;
    long now = options.clock().millis();
    Segment seg = new Segment(first, now, entries);
    // 0. the blobs durable before any record that names them, 1. the segment, 3. its checkpoint: put in
    // this order (each name durable only after the one before it), their bytes written and synced
    // concurrently (ObjectStore.putInOrder). The frontier advances first to sign the checkpoint; if the
    // puts fail, the archive stops (commitQueued), as after any failed step.
    java.util.SequencedMap<String, byte[]> objects = new java.util.LinkedHashMap<>();
    if (!blobs.isEmpty()) {
      objects.put(ArchiveLayout.packKey(first), BlobPack.encode(blobs));
    }
    // Each digest was computed from its entry's canonical array in appendChecked: not hashed again.
    objects.put(ArchiveLayout.segmentKey(first), SegmentFormat.encode(seg, true));
    List<String> ids = new ArrayList<>(entries.size());
    for (SegmentEntry e : entries) {
      ids.add(e.id());
      frontier.appendLeafData(e.digest());
    }
    Checkpoint cp = Checkpoint.sign(archiveId, frontier.size(), frontier.root(), now, keys);
    objects.put(ArchiveLayout.checkpointKey(cp.size()), CheckpointFormat.encode(cp, frontier));
    store.putInOrder(objects);
    latest = cp;
    if (!blobs.isEmpty()) {
      idIndex.addBlobs(packedNames(blobs), first);
    }
    idIndex.add(ids, first); // 2. id index updated (in memory), once the records are durable
    size = frontier.size();
    lastSegment = seg;
    addedSinceIndexCommit += entries.size();
    if (addedSinceIndexCommit >= options.idIndexCommitRecords()) {
      idIndex.commit();
      addedSinceIndexCommit = 0;
    }
    RetentionLedger current = ledger;
    if (!listeners.isEmpty() || current != null) {
      List<StoredRecord> stored = new ArrayList<>(entries.size());
      long serial = first;
      for (int i = 0; i < entries.size(); i++) {
        SegmentEntry e = entries.get(i);
        // The appended object rides along, so listeners need not parse the bytes just written.
        stored.add(StoredRecord.committed(serial++, Digests.hex(e.digest()), e.canonical(), now, records.get(i)));
      }
      List<StoredRecord> view = List.copyOf(stored);
      if (current != null) {
        ledger = current.with(view);
      }
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

  /** The object key of the blob whose plaintext has this SHA-256 (a keyed name when encrypted). */
  private String blobKey(String sha256) {
    return ArchiveLayout.blobKeyOfName(blobNames.nameOf(sha256));
  }

  @Override
  public String putBlob(byte[] bytes) throws IOException {
    ensureUsable();
    String sha = Digests.sha256Hex(bytes);
    String key = blobKey(sha);
    blobLock.readLock().lock();
    try {
      recentBlobs.touch(sha);
      if (!blobStored(blobNames.nameOf(sha))) {
        try {
          store.put(key, BlobFormat.encode(bytes));
        } catch (ObjectExistsException e) {
          // stored concurrently by another caller: the same bytes, by definition of the key
        }
      }
    } finally {
      blobLock.readLock().unlock();
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
    // The key depends on the digest, known only at the end: stage first (sealed, never plaintext on
    // disk), then stream the staged bytes into the store, which seals them under the object's key.
    Path tmp = Files.createTempFile(staging, "blob-", ".tmp");
    try {
      BlobFormat.Staged st;
      try (OutputStream sealed = stagingCipher.create(tmp)) {
        st = BlobFormat.stage(in, sealed);
      }
      String key = blobKey(st.sha256());
      blobLock.readLock().lock();
      try {
        recentBlobs.touch(st.sha256());
        if (!blobStored(blobNames.nameOf(st.sha256()))) {
          try (InputStream staged = stagingCipher.open(tmp)) {
            store.put(key, new SequenceInputStream(new ByteArrayInputStream(st.header()), staged));
          } catch (ObjectExistsException e) {
            // stored concurrently: same bytes
          }
        }
      } finally {
        blobLock.readLock().unlock();
      }
      return st.sha256();
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public boolean hasBlob(String sha256) throws IOException {
    if (!Digests.isSha256Hex(sha256)) {
      return false;
    }
    blobLock.readLock().lock();
    try {
      boolean stored = blobStored(blobNames.nameOf(sha256));
      if (stored) {
        recentBlobs.touch(sha256); // a caller that finds it may refer to it next
      }
      return stored;
    } finally {
      blobLock.readLock().unlock();
    }
  }

  @Override
  public long blobSize(String sha256) throws IOException {
    if (!Digests.isSha256Hex(sha256)) {
      throw new NoSuchFileException(String.valueOf(sha256), null, "not a lowercase hex SHA-256");
    }
    try {
      return store.size(blobKey(sha256));
    } catch (dev.coffer.archive.store.NoSuchObjectException e) {
      long pack = packHolding(blobNames.nameOf(sha256));
      if (pack > 0) {
        return packedBlob(pack, sha256).length; // a small blob kept in a pack: its plaintext length
      }
      throw new NoSuchFileException(sha256, null, "no such blob");
    }
  }

  @Override
  public InputStream openBlob(String sha256) throws IOException {
    if (!Digests.isSha256Hex(sha256)) {
      throw new NoSuchFileException(String.valueOf(sha256), null, "not a lowercase hex SHA-256");
    }
    String key = blobKey(sha256);
    if (!store.exists(key)) {
      long pack = packHolding(blobNames.nameOf(sha256));
      if (pack > 0) {
        return new ByteArrayInputStream(packedBlob(pack, sha256));
      }
    }
    return BlobFormat.open(key, sha256, new BufferedInputStream(store.open(key), 1 << 16));
  }

  @Override
  public java.util.Optional<StoredPack> blobPack(String sha256) throws IOException {
    if (!Digests.isSha256Hex(sha256) || store.exists(blobKey(sha256))) {
      return java.util.Optional.empty();
    }
    long pack = packHolding(blobNames.nameOf(sha256));
    if (pack <= 0) {
      return java.util.Optional.empty();
    }
    String key = ArchiveLayout.packKey(pack);
    Map<String, Long> blobs = new java.util.LinkedHashMap<>();
    for (BlobPack.Entry e : readChecked(key, b -> BlobPack.decode(key, b))) {
      blobs.put(e.sha256(), (long) e.encoded().length);
    }
    return java.util.Optional.of(new StoredPack(key, store.size(key), blobs));
  }

  /** A blob's plaintext from the pack numbered {@code pack}, checked against its digest. */
  private byte[] packedBlob(long pack, String sha256) throws IOException {
    String key = ArchiveLayout.packKey(pack);
    for (BlobPack.Entry e : readChecked(key, b -> BlobPack.decode(key, b))) {
      if (e.sha256().equals(sha256)) {
        return BlobPack.plaintext(key, e);
      }
    }
    throw new CorruptObjectException(key, "the id index names this pack for blob " + sha256
        + " but the pack does not hold it (run coffer reindex)", sha256, null);
  }

  @Override
  public Encryption encryption() {
    return encryption;
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
    if (e.disposed()) {
      return Optional.empty();
    }
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
    // A segment read just before a disposition rewrote it must not be cached after the rewrite
    // cleared the caches: it would serve disposed content. The generation tells.
    long generation = rewrites;
    Segment seg = readCache.get(first);
    if (seg == null) {
      seg = readSegment(ArchiveLayout.segmentKey(first));
      synchronized (cacheGuard) {
        if (generation == rewrites) {
          readCache.put(seg);
        }
      }
    }
    synchronized (cacheGuard) {
      if (generation == rewrites) {
        lastSegment = seg;
      }
    }
    return seg;
  }

  /** Counts segment rewrites; guarded by {@link #cacheGuard} for writes. */
  private volatile long rewrites;
  private final Object cacheGuard = new Object();

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

    synchronized void remove(long first) {
      Segment old = map.remove(first);
      if (old != null) {
        held -= weight(old);
      }
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
    rewriteLock.readLock().lock();
    try {
      return readChecked(key, b -> SegmentFormat.decodeStructure(key, b));
    } finally {
      rewriteLock.readLock().unlock();
    }
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
    // The read lock is held across the listing, so a disposition rewrite (which removes a segment key
    // for a moment) cannot make the scan skip a segment.
    rewriteLock.readLock().lock();
    try (Stream<String> segmentKeys = store.list(ArchiveLayout.SEGMENTS, ArchiveLayout.segmentKey(first))) {
      Iterator<String> it = segmentKeys.iterator();
      while (it.hasNext()) {
        Segment seg = readSegment(it.next());
        for (long s = Math.max(from, seg.firstSerial()); s <= Math.min(end, seg.lastSerial()); s++) {
          SegmentEntry e = seg.entry(s);
          if (e.disposed()) {
            continue;
          }
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
    } finally {
      rewriteLock.readLock().unlock();
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

  // ---------------------------------------------------------------- retention

  @Override
  public java.time.Clock clock() {
    return options.clock();
  }

  @Override
  public RetentionLedger retention() throws IOException {
    RetentionLedger l = ledger;
    if (l != null) {
      return l;
    }
    retentionLock.lock();
    try {
      if (ledger != null) {
        return ledger;
      }
      // A pass over every record, parsing only audit records; then the tail committed meanwhile is
      // read under the commit lock, and from then on each commit advances the ledger.
      long through = size;
      RetentionLedger built = readLedger(RetentionLedger.empty(), 1, through);
      commitLock.lock();
      try {
        ledger = readLedger(built, through + 1, size);
        return ledger;
      } finally {
        commitLock.unlock();
      }
    } finally {
      retentionLock.unlock();
    }
  }

  private static final byte[] AUDIT_KIND = "\"kind\":\"audit\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private RetentionLedger readLedger(RetentionLedger start, long from, long to) throws IOException {
    if (from > to) {
      return start;
    }
    RetentionLedger[] l = {start};
    List<StoredRecord> batch = new ArrayList<>();
    scan(from, r -> {
      if (r.serial() > to) {
        return false;
      }
      // In canonical JSON an unescaped "kind":"audit" occurs only as the record's own kind (quotes
      // inside strings are escaped), so only audit records are parsed.
      if (contains(r.canonical(), AUDIT_KIND)) {
        batch.add(r);
        if (batch.size() >= 1024) {
          l[0] = l[0].with(List.copyOf(batch));
          batch.clear();
        }
      }
      return true;
    });
    return l[0].with(batch);
  }

  private static boolean contains(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /** Most records one disposition audit record names (a larger disposition archives several). */
  private static final int DISPOSITION_CHUNK = 2_000;

  @Override
  public Disposal dispose(List<String> ids, Actor actor, String reason, java.util.Set<String> queryHeld) throws IOException {
    ensureUsable();
    java.util.Objects.requireNonNull(actor, "actor");
    if (reason == null || reason.isBlank()) {
      throw new IllegalArgumentException("a disposition needs a reason");
    }
    java.util.Set<String> held = queryHeld == null ? java.util.Set.of() : queryHeld;
    retentionLock.lock();
    try {
      RetentionLedger l = retention();
      java.time.Instant now = options.clock().instant();
      List<Disposal.Item> items = new ArrayList<>();
      Map<String, java.util.Set<String>> blobRefs = new HashMap<>();
      Map<String, String> refusals = new java.util.LinkedHashMap<>();
      for (String id : new java.util.LinkedHashSet<>(ids)) {
        long serial = id == null ? -1 : idIndex.find(id);
        if (serial < 1) {
          refusals.put(String.valueOf(id), "no such record");
          continue;
        }
        Segment seg = segmentHolding(serial);
        SegmentEntry e = seg.entry(serial);
        if (e.disposed()) {
          continue;
        }
        StoredRecord sr = new StoredRecord(serial, Digests.hex(e.digest()), e.canonical(), seg.archivedAt());
        RetentionLedger.RetainUntil ru = l.retainUntil(sr);
        if (ru.forever()) {
          refusals.put(id, "part of the retention trail, kept for the archive's life");
        } else if (ru.until().isAfter(now)) {
          refusals.put(id, "in retention until " + ru.until() + " (policy version " + ru.policyVersion() + ", "
              + ru.decision().rule() + (ru.extensions().isEmpty() ? "" : ", extended") + ")");
        } else {
          List<LegalHold> holds = l.holdsCovering(sr, held);
          if (!holds.isEmpty()) {
            refusals.put(id, "under legal hold " + holds.stream().map(h -> h.id() + " (" + h.matter() + ")").toList());
          } else {
            items.add(new Disposal.Item(id, serial, sr.digest(), ru.archivedAt(), ru.until(), ru.policyVersion(),
                ru.decision().retentionClass().jsonName(), ru.decision().rule()));
            // An audit record's blob is Coffer's own state (the employee directory a pointer file names),
            // not content: disposing the record leaves the blob.
            blobRefs.put(id, sr.record() instanceof Audit ? java.util.Set.of() : BlobReferences.in(e.canonical()));
          }
        }
      }
      if (!refusals.isEmpty()) {
        Map<String, String> detail = new java.util.LinkedHashMap<>();
        detail.put("attempt", "archive.dispose");
        detail.put("reason", reason);
        detail.put("refused", json(refusals));
        auditInternal(actor, RetentionLedger.REFUSED, List.copyOf(refusals.keySet()), detail);
        throw new RetentionViolationException("refused to dispose " + refusals.size() + " record(s): "
            + refusals.entrySet().stream().limit(5).map(x -> x.getKey() + ": " + x.getValue()).toList()
            + (refusals.size() > 5 ? " …" : "") + "; nothing was removed", List.copyOf(refusals.keySet()));
      }
      if (items.isEmpty()) {
        return new Disposal(List.of(), List.of(), 0, 0);
      }
      items.sort(Comparator.comparingLong(Disposal.Item::serial));
      // 1. The evidence first: which records, their digests, under which policy, why. A crash after
      //    this leaves records named here still present; the next disposition removes them.
      List<String> auditIds = new ArrayList<>();
      for (int from = 0; from < items.size(); from += DISPOSITION_CHUNK) {
        List<Disposal.Item> chunk = items.subList(from, Math.min(items.size(), from + DISPOSITION_CHUNK));
        Map<String, String> digests = new java.util.LinkedHashMap<>();
        Map<String, String> policies = new java.util.LinkedHashMap<>();
        // The blobs these records refer to, with the latest retain-until among them: after the
        // tombstones, nothing else says which blobs a disposed record had (disposeBlobs reads this).
        java.util.TreeMap<String, java.time.Instant> blobs = new java.util.TreeMap<>();
        for (Disposal.Item it : chunk) {
          digests.put(it.id(), it.digest());
          policies.put(it.id(), "v" + it.policyVersion() + " " + it.rule() + "; archived " + it.archivedAt()
              + ", retain until " + it.retainUntil());
          for (String b : blobRefs.getOrDefault(it.id(), java.util.Set.of())) {
            blobs.merge(b, it.retainUntil(), (x, y) -> x.isAfter(y) ? x : y);
          }
        }
        Map<String, String> detail = new java.util.LinkedHashMap<>();
        detail.put("reason", reason);
        detail.put("digests", json(digests));
        detail.put("policies", json(policies));
        detail.put("records", Integer.toString(chunk.size()));
        if (!blobs.isEmpty()) {
          Map<String, String> until = new java.util.LinkedHashMap<>();
          blobs.forEach((k, v) -> until.put(k, v.toString()));
          detail.put("blobs", json(until));
        }
        auditIds.add(auditInternal(actor, RetentionLedger.DISPOSITION, chunk.stream().map(Disposal.Item::id).toList(), detail));
      }
      // 2. The tombstones, one segment rewrite at a time.
      java.util.TreeMap<Long, java.util.Set<Long>> bySegment = new java.util.TreeMap<>();
      for (Disposal.Item it : items) {
        bySegment.computeIfAbsent(segmentHolding(it.serial()).firstSerial(), k -> new java.util.HashSet<>()).add(it.serial());
      }
      long copied = 0;
      for (Map.Entry<Long, java.util.Set<Long>> e : bySegment.entrySet()) {
        copied += rewriteSegment(e.getKey(), e.getValue());
      }
      List<String> removed = items.stream().map(Disposal.Item::id).toList();
      for (DisposalListener dl : disposalListeners) {
        try {
          dl.disposed(removed);
        } catch (Exception | LinkageError ex) {
          LOG.warn("archive {}: disposal listener {} failed: {}", archiveId, dl.getClass().getName(), ex.toString());
        }
      }
      LOG.info("archive {}: disposed {} records in {} segments ({} live records copied)", archiveId, items.size(),
          bySegment.size(), copied);
      return new Disposal(items, auditIds, bySegment.size(), copied);
    } finally {
      retentionLock.unlock();
    }
  }

  /**
   * Replaces segment {@code first} by the same segment with {@code serials} as tombstones: the new
   * bytes are put under {@code rewrites/} (durable), the old segment is removed (the one delete
   * {@link WormObjectStore} lets through), the new bytes are put in its place, the staging object is
   * removed. Readers wait (rewrite lock). A failure stops the archive; reopening finishes the rewrite
   * ({@link #finishRewrites}).
   *
   * @return how many live records (neither tombstones before nor now) the new segment copies
   */
  private long rewriteSegment(long first, java.util.Set<Long> serials) throws IOException {
    String key = ArchiveLayout.segmentKey(first);
    String staged = ArchiveLayout.rewriteKey(first);
    rewriteLock.writeLock().lock();
    try {
      Segment old = SegmentFormat.decode(key, store.get(key), true);
      List<SegmentEntry> entries = new ArrayList<>(old.count());
      long serial = first;
      long copied = 0;
      for (SegmentEntry e : old.entries()) {
        boolean goes = serials.contains(serial);
        entries.add(goes ? SegmentEntry.tombstone(e.id(), e.digest()) : e);
        if (!goes && !e.disposed()) {
          copied++;
        }
        serial++;
      }
      byte[] bytes = SegmentFormat.encode(new Segment(first, old.archivedAt(), entries));
      try {
        if (store.exists(staged)) {
          store.delete(staged);
        }
        store.put(staged, bytes);
        worm.authorized(key, () -> store.delete(key));
        store.put(key, bytes);
        store.delete(staged);
      } catch (IOException | RuntimeException ex) {
        if (failure == null) {
          failure = ex;
        }
        LOG.error("archive {}: rewrite of segment {} failed; the archive stops until reopened (which finishes it): {}",
            archiveId, first, ex.toString());
        throw ex;
      } finally {
        synchronized (cacheGuard) {
          rewrites++;
          readCache.remove(first);
          lastSegment = null;
        }
      }
      return copied;
    } finally {
      rewriteLock.writeLock().unlock();
    }
  }

  @Override
  public BlobDisposal disposeBlobs(Actor actor, String reason) throws IOException {
    ensureUsable();
    java.util.Objects.requireNonNull(actor, "actor");
    if (reason == null || reason.isBlank()) {
      throw new IllegalArgumentException("a disposition needs a reason");
    }
    retentionLock.lock();
    try {
      RetentionLedger l = retention();
      // Candidates stored as their own object, and those stored in a blob pack (by pack serial).
      java.util.TreeMap<String, java.time.Instant> candidates = new java.util.TreeMap<>();
      java.util.TreeMap<Long, Map<String, java.time.Instant>> packed = new java.util.TreeMap<>();
      for (Map.Entry<String, java.time.Instant> c : l.disposedBlobs().entrySet()) {
        if (store.exists(blobKey(c.getKey()))) {
          candidates.put(c.getKey(), c.getValue());
        } else {
          long pack = packHolding(blobNames.nameOf(c.getKey()));
          if (pack > 0) {
            packed.computeIfAbsent(pack, k -> new HashMap<>()).put(c.getKey(), c.getValue());
          }
        }
      }
      if (candidates.isEmpty() && packed.isEmpty()) {
        return BlobDisposal.NONE;
      }
      recentBlobs.rotate();
      // One pass over the live records: a candidate any of them refers to stays (in retention, held,
      // restricted: every record that is not a tombstone). Records appended after the pass refer only
      // to blobs stored or looked up since the rotation above, which recentBlobs keeps. A pack's blobs
      // that are no candidate stay anyway, so only candidates are looked for.
      Map<String, Long> live = new HashMap<>();
      scan(1, r -> {
        for (String d : BlobReferences.in(r.canonical())) {
          if (candidates.containsKey(d) || packedCandidate(packed, d)) {
            live.putIfAbsent(d, r.serial());
          }
        }
        return true;
      });
      List<BlobDisposal.Blob> removable = new ArrayList<>();
      List<BlobDisposal.Pack> removablePacks = new ArrayList<>();
      List<BlobDisposal.Blob> removed = new ArrayList<>();
      List<BlobDisposal.Pack> removedPacks = new ArrayList<>();
      List<BlobDisposal.Blob> kept = new ArrayList<>();
      List<BlobDisposal.Blob> refused = new ArrayList<>();
      String auditId = null;
      for (Map.Entry<String, java.time.Instant> c : candidates.entrySet()) {
        String d = c.getKey();
        long bytes = store.size(blobKey(d));
        String why = keptWhy(d, live);
        if (why != null) {
          kept.add(new BlobDisposal.Blob(d, bytes, c.getValue(), why));
        } else {
          removable.add(new BlobDisposal.Blob(d, bytes, c.getValue(),
              "every record that referred to it is disposed; its retention ended " + c.getValue()));
        }
      }
      for (Map.Entry<Long, Map<String, java.time.Instant>> p : packed.entrySet()) {
        BlobDisposal.Pack pack = removablePack(p.getKey(), p.getValue(), live, kept);
        if (pack != null) {
          removablePacks.add(pack);
        }
      }
      if (removable.isEmpty() && removablePacks.isEmpty()) {
        return new BlobDisposal(List.of(), kept, List.of(), null);
      }
      // The evidence first (which blobs and packs, how large, why), then the deletes: a crash between
      // the two leaves blobs and packs the next run removes, named again.
      java.time.Instant now = options.clock().instant();
      for (int from = 0; from < removable.size(); from += DISPOSITION_CHUNK) {
        auditId = firstOf(auditId, auditBlobDisposal(actor, reason,
            removable.subList(from, Math.min(removable.size(), from + DISPOSITION_CHUNK)), List.of()));
      }
      for (int from = 0; from < removablePacks.size(); ) {
        int to = from;
        int blobs = 0;
        while (to < removablePacks.size() && (to == from || blobs + removablePacks.get(to).blobs().size() <= DISPOSITION_CHUNK)) {
          blobs += removablePacks.get(to++).blobs().size();
        }
        List<BlobDisposal.Pack> chunk = removablePacks.subList(from, to);
        auditId = firstOf(auditId, auditBlobDisposal(actor, reason,
            chunk.stream().flatMap(k -> k.blobs().stream()).toList(), chunk));
        from = to;
      }
      // The deletes hold the blob lock (no putBlob runs) and the commit lock (no commit dedupes a
      // blob against one being removed): a store or commit that saw a candidate touched it, and
      // one after the deletes stores the bytes anew. Appending is impossible under the commit
      // lock, so refusals are archived after it.
      blobLock.writeLock().lock();
      commitLock.lock();
      try {
        for (var b : removable) {
          if (recentBlobs.touched(b.sha256())) {
            kept.add(new BlobDisposal.Blob(b.sha256(), b.size(), b.retainUntil(),
                "stored again while this disposition ran: a record referring to it may be on its way"));
          } else if (now.isBefore(b.retainUntil())) {
            refused.add(new BlobDisposal.Blob(b.sha256(), b.size(), b.retainUntil(),
                "the WORM store refused: its retention ends " + b.retainUntil()));
          } else {
            try {
              worm.deleteExpiredBlob(blobKey(b.sha256()), b.retainUntil(), now);
              removed.add(b);
            } catch (dev.coffer.archive.store.NoSuchObjectException gone) {
              removed.add(b); // already gone (from a mirror's copy, or a delete a crash interrupted)
            }
          }
        }
        for (var k : removablePacks) {
          String touched = k.blobs().stream().map(BlobDisposal.Blob::sha256).filter(recentBlobs::touched).findFirst()
              .orElse(null);
          if (touched != null) {
            for (var b : k.blobs()) {
              kept.add(new BlobDisposal.Blob(b.sha256(), b.size(), b.retainUntil(), "in blob pack " + k.name()
                  + " with blob " + touched + ", stored again while this disposition ran: a record referring to it may be on its way"));
            }
          } else if (now.isBefore(k.retainUntil())) {
            for (var b : k.blobs()) {
              refused.add(new BlobDisposal.Blob(b.sha256(), b.size(), b.retainUntil(),
                  "in blob pack " + k.name() + ": the WORM store refused, the pack's retention ends " + k.retainUntil()));
            }
          } else {
            try {
              worm.deleteExpiredPack(k.name(), k.retainUntil(), now);
            } catch (dev.coffer.archive.store.NoSuchObjectException gone) {
              // already gone (from a mirror's copy, or a delete a crash interrupted)
            }
            removedPacks.add(k);
            removed.addAll(k.blobs());
          }
        }
      } finally {
        commitLock.unlock();
        blobLock.writeLock().unlock();
      }
      if (!refused.isEmpty()) {
        Map<String, String> detail = new java.util.LinkedHashMap<>();
        detail.put("attempt", "objectstore.delete of a blob before its retain-until");
        detail.put("reason", reason);
        Map<String, String> until = new java.util.LinkedHashMap<>();
        refused.forEach(b -> until.put(b.sha256(), b.retainUntil().toString()));
        detail.put("refused", json(until));
        auditInternal(actor, RetentionLedger.REFUSED, List.of(), detail);
      }
      LOG.info("archive {}: disposed {} blobs ({} bytes, {} in {} removed packs); {} kept, {} refused", archiveId,
          removed.size(), removed.stream().mapToLong(BlobDisposal.Blob::size).sum(),
          removedPacks.stream().mapToInt(k -> k.blobs().size()).sum(), removedPacks.size(), kept.size(), refused.size());
      return new BlobDisposal(removed, kept, refused, auditId, removedPacks);
    } finally {
      retentionLock.unlock();
    }
  }

  private static boolean packedCandidate(Map<Long, Map<String, java.time.Instant>> packed, String sha256) {
    for (Map<String, java.time.Instant> m : packed.values()) {
      if (m.containsKey(sha256)) {
        return true;
      }
    }
    return false;
  }

  private static String firstOf(String a, String b) {
    return a == null ? b : a;
  }

  /** Why a candidate blob stays (a live record refers to it, or it was touched lately), or null if it may go. */
  private String keptWhy(String sha256, Map<String, Long> live) {
    Long by = live.get(sha256);
    if (by != null) {
      return "the live record with serial " + by + " refers to it (in retention, under a legal hold or restricted)";
    }
    if (recentBlobs.touched(sha256)) {
      return "stored or looked up since the previous blob disposition: a record referring to it may be on its way";
    }
    return null;
  }

  /**
   * The pack numbered {@code serial} if every blob in it may go (each a candidate no live record refers
   * to), with its retain-until the latest of its blobs'; otherwise null, and its candidates are added to
   * {@code kept} with the reason. A pack is deleted whole or kept whole: it is not rewritten.
   */
  private BlobDisposal.Pack removablePack(long serial, Map<String, java.time.Instant> cands, Map<String, Long> live,
      List<BlobDisposal.Blob> kept) throws IOException {
    String key = ArchiveLayout.packKey(serial);
    List<BlobPack.Entry> entries = readChecked(key, b -> BlobPack.decode(key, b));
    String blocker = null;
    java.time.Instant until = java.time.Instant.MIN;
    List<BlobDisposal.Blob> blobs = new ArrayList<>(entries.size());
    for (BlobPack.Entry e : entries) {
      java.time.Instant u = cands.get(e.sha256());
      String why = u == null ? "no record referring to it is disposed" : keptWhy(e.sha256(), live);
      if (why != null && blocker == null) {
        blocker = "blob " + e.sha256() + " in the same pack stays (" + why + ")";
      }
      if (u != null) {
        until = until.isAfter(u) ? until : u;
        blobs.add(new BlobDisposal.Blob(e.sha256(), e.encoded().length, u, "in blob pack " + key
            + ", removed whole: every record that referred to its blobs is disposed; its retention ended " + u));
      }
    }
    if (blocker == null) {
      return new BlobDisposal.Pack(key, store.size(key), until, blobs);
    }
    for (BlobDisposal.Blob b : blobs) {
      String own = keptWhy(b.sha256(), live);
      kept.add(new BlobDisposal.Blob(b.sha256(), b.size(), b.retainUntil(), own != null ? own
          : "kept in blob pack " + key + ", which goes only as a whole: " + blocker));
    }
    return null;
  }

  /** Archives one {@code disposition.blobs} record naming these blobs (and the packs they are in). */
  private String auditBlobDisposal(Actor actor, String reason, List<BlobDisposal.Blob> blobs, List<BlobDisposal.Pack> packs)
      throws IOException {
    Map<String, String> sizes = new java.util.LinkedHashMap<>();
    Map<String, String> until = new java.util.LinkedHashMap<>();
    for (var b : blobs) {
      sizes.put(b.sha256(), Long.toString(b.size()));
      until.put(b.sha256(), b.retainUntil().toString());
    }
    Map<String, String> detail = new java.util.LinkedHashMap<>();
    detail.put("reason", reason);
    detail.put("sizes", json(sizes));
    detail.put("retain_until", json(until));
    detail.put("blobs", Integer.toString(sizes.size()));
    if (!packs.isEmpty()) {
      Map<String, String> members = new java.util.LinkedHashMap<>();
      for (var k : packs) {
        members.put(k.name(), k.size() + " bytes, until " + k.retainUntil() + ": "
            + String.join(",", k.blobs().stream().map(BlobDisposal.Blob::sha256).toList()));
      }
      detail.put("packs", json(members));
    }
    return auditInternal(actor, RetentionLedger.BLOB_DISPOSITION, List.of(), detail);
  }

  /** Deletes a blob pack through the WORM store's retain-until check, for tests of the refusal. */
  void deletePackForTest(String key, java.time.Instant retainUntil) throws IOException {
    worm.deleteExpiredPack(key, retainUntil, options.clock().instant());
  }

  /** Deletes a blob through the WORM store's retain-until check, for tests of the refusal. */
  void deleteBlobForTest(String sha256, java.time.Instant retainUntil) throws IOException {
    worm.deleteExpiredBlob(blobKey(sha256), retainUntil, options.clock().instant());
  }

  @Override
  public void addDisposalListener(DisposalListener listener) {
    disposalListeners.add(java.util.Objects.requireNonNull(listener, "listener"));
  }

  /** Archives a refused attempt on the store's evidence as a {@code worm.refused} audit record. */
  private void refusedObjectOperation(String key, String attempt) {
    Map<String, String> detail = new java.util.LinkedHashMap<>();
    detail.put("attempt", attempt);
    detail.put("key", key);
    try {
      if (closed || failure != null || commitLock.isHeldByCurrentThread()) {
        LOG.error("archive {}: refused {} of {}; the archive cannot record it now", archiveId, attempt, key);
        return;
      }
      auditInternal(new Actor("process:" + System.getProperty("user.name", "unknown"), null, "unknown"),
          RetentionLedger.REFUSED, List.of(), detail);
      LOG.warn("archive {}: refused {} of {} (audited)", archiveId, attempt, key);
    } catch (IOException | RuntimeException e) {
      LOG.error("archive {}: refused {} of {}; recording it failed: {}", archiveId, attempt, key, e.toString());
    }
  }

  /** Appends one audit record the archive writes itself (bypassing the check that refuses them from callers). */
  private String auditInternal(Actor actor, String action, List<String> targets, Map<String, String> detail) throws IOException {
    java.time.Instant now = options.clock().instant();
    Map<String, String> d = new java.util.LinkedHashMap<>(detail);
    d.put("role", actor.role());
    String id = Ids.derive("coffer/audit", actor.name(), now.toString(), action, java.util.UUID.randomUUID().toString());
    appendChecked(List.of(new Audit(id, "coffer", null, new Party(actor.name(), null), now, null, action, targets, d,
        actor.address(), new Source("coffer-archive", null, null, null, null))));
    return id;
  }

  private static String json(Map<String, String> m) {
    com.fasterxml.jackson.databind.node.ObjectNode o = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    m.forEach(o::put);
    return o.toString();
  }

  /** The store this archive writes through (the WORM guard), for tests of what it refuses. */
  ObjectStore objectStore() {
    return store;
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
    if (e.disposed()) {
      throw new IllegalArgumentException("record " + e.id() + " (serial " + serial + ") was disposed after its retention: "
          + "no new proof of it can be made (proofs issued before still verify; proofs of other records still work)");
    }
    byte[] digest = Digests.sha256(e.canonical());
    String key = ArchiveLayout.segmentKey(seg.firstSerial());
    if (!Arrays.equals(digest, e.digest())) {
      throw new CorruptObjectException(key, "record " + serial + " does not match its digest (run coffer verify)",
          Digests.hex(e.digest()), Digests.hex(digest));
    }
    List<MerkleProofs.Range> ranges = MerkleProofs.inclusionRanges(serial - 1, treeSize);
    List<byte[]> path = leafScan(ranges);
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
    List<byte[]> path = leafScan(ranges);
    if (!MerkleProofs.verifyConsistency(oldSize, newSize, older.root(), newer.root(), path)) {
      throw new CorruptObjectException(ArchiveLayout.checkpointKey(newSize),
          "the segments' digests do not prove checkpoint " + newSize + " extends checkpoint " + oldSize + " (run coffer verify)",
          "a consistent history", "a mismatch");
    }
    java.security.PublicKey pub = keys.publicKey();
    return new ConsistencyProof(oldSize, newSize, path, SignedNote.render(older, pub), SignedNote.render(newer, pub),
        SignedNote.rawPublicKey(pub));
  }

  private List<byte[]> leafScan(List<MerkleProofs.Range> ranges) throws IOException {
    rewriteLock.readLock().lock();
    try {
      return LeafScan.subtreeHashes(store, startSegment(ranges), ranges);
    } finally {
      rewriteLock.readLock().unlock();
    }
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
          try {
            store.close();
            if (ownsStaging) {
              deleteTree(staging);
            }
          } finally {
            if (lock != null) {
              if (failure == null) {
                lock.close();
              } else {
                lock.abandon(); // a stopped archive did not close cleanly: the next open recovers and audits
              }
            }
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
      if (lock != null) {
        lock.abandon();
      }
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
