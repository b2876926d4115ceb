package dev.coffer.archive;

import dev.coffer.model.Record;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The evidence archive: an append-only, Merkle-proved log of {@code coffer/1} records plus
 * content-addressed blobs (raw originals and attachments).
 *
 * <p>Contract, for every implementation:
 * <ul>
 *   <li><b>Acknowledge after durable.</b> When {@link #append} or a {@code putBlob} method returns,
 *       what it wrote survives a crash (fsync, or the object store's acknowledgement). A caller may
 *       report success to its source only after that return.
 *   <li><b>Idempotent.</b> A record whose {@link Record#id()} is already archived is not appended
 *       again; {@link #append} reports it as a duplicate with the serial it already has. Two records
 *       with the same id in one batch: the first wins, the second is a duplicate.
 *   <li><b>Gap-free serials.</b> Appended records get serials 1, 2, 3, … in append order, with no
 *       gaps, across restarts and crashes.
 *   <li><b>Immutable.</b> Nothing rewrites or deletes a record before its retention ends. The one
 *       removal is {@link #dispose}: after a record's retain-until, with no legal hold covering it, its
 *       content is replaced by a tombstone that keeps its digest (the Merkle tree, checkpoints and every
 *       earlier proof still verify). Any other attempt is refused and archived as a {@code worm.refused}
 *       audit record.
 *   <li><b>Thread-safe.</b> All methods may be called from any thread; appends are serialized
 *       internally (concurrent callers share group commits).
 * </ul>
 */
public interface Archive extends Closeable {

  /**
   * Appends records durably, in order, skipping ids already archived.
   *
   * @return one outcome per input record, in input order
   * @throws IOException if the records could not be made durable; then none of this call's records
   *     is acknowledged (a later call may find some of them already archived, which is safe)
   */
  AppendResult append(List<? extends Record> records) throws IOException;

  /**
   * Appends records together with the blobs they name (the raw original of a webhook body, say), in
   * one group commit: the blobs become durable with the commit's own syncs instead of two syncs each.
   * On return the blobs and the records are durable; the blobs are durable no later than the records,
   * so a durable record never names a blob that is not. Blobs already stored are not stored again. The
   * blobs are stored even when every record is a duplicate (a re-delivery in other bytes), and a blob
   * stored this way is read like any other ({@link #hasBlob}, {@link #openBlob}).
   *
   * <p>The default stores each blob with {@link #putBlob(byte[])} and then appends; an archive that can
   * group-commit blobs overrides it.
   *
   * @param blobs plaintext of each blob (kept in memory until the commit: for small objects only)
   * @throws IOException if the commit failed: nothing of this call is acknowledged (a blob may be
   *     stored, which is harmless: blobs are content-addressed)
   */
  default AppendResult append(List<? extends Record> records, List<byte[]> blobs) throws IOException {
    for (byte[] b : blobs) {
      putBlob(b);
    }
    return append(records);
  }

  /** Stores bytes as a blob, once however often they recur. Durable on return. @return lowercase hex SHA-256 */
  String putBlob(byte[] bytes) throws IOException;

  /** Stores a file's bytes as a blob, streaming (any size). Durable on return. @return lowercase hex SHA-256 */
  String putBlob(Path file) throws IOException;

  /** Stores a stream's bytes as a blob, streaming (any size). Durable on return. @return lowercase hex SHA-256 */
  String putBlob(InputStream in) throws IOException;

  /** True if a blob with this SHA-256 is stored. */
  boolean hasBlob(String sha256) throws IOException;

  /**
   * Opens a blob's plaintext bytes.
   *
   * @throws java.nio.file.NoSuchFileException if no such blob is stored
   */
  InputStream openBlob(String sha256) throws IOException;

  /** True if a record with this id is archived. */
  boolean contains(String id) throws IOException;

  /**
   * The archived record with this id, if any; empty for a record disposition removed ({@link #contains}
   * stays true for it, so a re-delivered copy is still a duplicate).
   */
  Optional<StoredRecord> get(String id) throws IOException;

  /** The archived record with this serial, if any; empty for a disposed record. */
  Optional<StoredRecord> get(long serial) throws IOException;

  /** Number of records archived = the highest serial (serials start at 1). */
  long size();

  /**
   * Visits records in serial order starting at {@code fromSerial} (1 for all), streaming: memory use
   * does not grow with the archive's size. Disposed records (tombstones) are skipped, so nothing
   * rebuilt from a scan (the search index) brings them back.
   */
  void scan(long fromSerial, RecordVisitor visitor) throws IOException;

  /**
   * Registers a listener called after each durable commit (segment, id index and signed checkpoint
   * written), in serial order, on the committing thread, before the appending callers return. A
   * listener that throws is logged and skipped: the records are archived regardless, and derived
   * state catches up with {@code coffer reindex}. Listeners must be quick (appenders wait for them)
   * and must not call {@link #append} (it throws {@link IllegalStateException} there).
   */
  void addCommitListener(CommitListener listener);

  /** The latest signed checkpoint (tree head); at size 0 right after creation. */
  dev.coffer.archive.checkpoint.Checkpoint latestCheckpoint();

  /**
   * The signed checkpoint of {@code size} records, if there is one: every commit boundary has one
   * (its signature is checked on reading).
   */
  Optional<dev.coffer.archive.checkpoint.Checkpoint> checkpoint(long size) throws IOException;

  /** The Ed25519 key the checkpoints are signed with. */
  java.security.PublicKey signingKey();

  /**
   * Proves the record with {@code serial} is in the tree of the checkpoint of {@code treeSize} records.
   * The proof is checked against the signed root before it is returned. Costs one sequential pass over
   * the segments' digests up to {@code treeSize} (no record bodies), O(log n) memory.
   *
   * @throws IllegalArgumentException if there is no checkpoint of that size, or it does not cover the serial
   * @throws dev.coffer.archive.store.CorruptObjectException if the stored data does not give the signed root
   */
  dev.coffer.archive.proof.InclusionProof proveInclusion(long serial, long treeSize) throws IOException;

  /**
   * Proves the record with this id is in the tree of the checkpoint of {@code treeSize} records.
   *
   * @throws IllegalArgumentException if no record has this id, or as {@link #proveInclusion(long, long)}
   */
  default dev.coffer.archive.proof.InclusionProof proveInclusion(String id, long treeSize) throws IOException {
    Optional<StoredRecord> found = get(id);
    if (found.isEmpty()) {
      throw new IllegalArgumentException(contains(id)
          ? "record " + id + " was disposed after its retention: no new proof of it can be made (proofs issued before still verify)"
          : "no archived record has id " + id);
    }
    StoredRecord r = found.get();
    return proveInclusion(r.serial(), treeSize);
  }

  /**
   * Proves the checkpoint of {@code newSize} records extends the one of {@code oldSize} records. Costs a
   * pass over the digests of the segments the proof's subtrees cover.
   *
   * @throws IllegalArgumentException unless both checkpoints exist and {@code oldSize <= newSize}
   */
  dev.coffer.archive.proof.ConsistencyProof proveConsistency(long oldSize, long newSize) throws IOException;

  /**
   * How this archive is encrypted at rest. Derived state kept beside it (the search index) wraps its
   * Lucene directory with {@code encryption().wrap(directory, Encryption.SEARCH_INDEX)} so it is
   * encrypted under the archive's keys too.
   */
  dev.coffer.archive.crypto.Encryption encryption();

  /**
   * The archive's redundant copy, if it has one: its lag, queue and fallback counters for monitoring
   * ({@link dev.coffer.archive.store.MirroredObjectStore#pendingWrites()} and the getters beside it).
   */
  default java.util.Optional<dev.coffer.archive.store.MirroredObjectStore> mirror() {
    return java.util.Optional.empty();
  }

  /** The archive's data directory, or null for an in-memory archive. */
  Path directory();

  /** The archive's id (32 lowercase hex), named in every checkpoint. */
  String archiveId();

  /** The archive's clock: archive times, checkpoint times and retention decisions use it. */
  java.time.Clock clock();

  /**
   * Retention, legal holds, restrictions and dispositions as the archive's audit trail makes them
   * now (a consistent, immutable snapshot). The first call reads the archive's audit records (a pass
   * over every segment); later calls are kept current by each commit.
   */
  dev.coffer.archive.retention.RetentionLedger retention() throws IOException;

  /**
   * Removes the content of records whose retention has ended and that no active legal hold covers,
   * leaving tombstones with their digests. First archives {@code disposition} audit records naming every
   * record with its digest, policy version and the reason; then rewrites each affected segment
   * crash-safely (new bytes under {@code rewrites/}, the segment replaced, the staging object removed;
   * opening the archive finishes or rolls back an interrupted rewrite).
   *
   * <p>All or nothing on the check: if any id is unknown, still in retention, covered by an active hold
   * (or in {@code queryHeld}), or part of the retention trail, nothing is removed, a {@code worm.refused}
   * audit record is archived, and {@link dev.coffer.archive.retention.RetentionViolationException} is
   * thrown. Records already disposed are skipped.
   *
   * @param queryHeld ids the active holds' queries match now (from a search index); may be empty
   */
  dev.coffer.archive.retention.Disposal dispose(List<String> ids, dev.coffer.archive.retention.Actor actor, String reason,
      java.util.Set<String> queryHeld) throws IOException;

  /**
   * Removes the blobs (attachments, raw originals) that only disposed records referred to. The
   * candidates are the blobs {@code disposition} records name ({@link
   * dev.coffer.archive.retention.RetentionLedger#disposedBlobs()}) that are still stored; one pass over
   * the live records (their blob references, {@link dev.coffer.archive.blob.BlobReferences}) keeps every
   * candidate a live record still refers to, whether it is in retention, under a legal hold or restricted.
   * A blob this process stored or found stored since the previous call is kept too (a record referring
   * to it may not be appended yet). The rest are named, with their sizes, by one
   * {@code disposition.blobs} audit record, then deleted through the WORM store, which refuses (and
   * audits) a delete before the blob's retain-until; a mirror loses its copy too. A blob stored in a
   * blob pack goes only with its whole pack, once every blob in the pack may go (retain-until: the
   * latest of its blobs'); a pack with a blob that stays is kept and its candidates are listed as kept.
   *
   * <p>Crash-safe by order: records are tombstoned (by {@link #dispose}) before their blobs go, and a
   * blob goes only when no live record refers to it, so no live record ever lacks its blob; a crash
   * before the deletes leaves candidates the next call removes. Costs nothing without candidates.
   */
  dev.coffer.archive.retention.BlobDisposal disposeBlobs(dev.coffer.archive.retention.Actor actor, String reason)
      throws IOException;

  /**
   * The blob pack holding this blob, if it is stored in one (a small blob a group commit stored with
   * its records, {@link #append(List, List)}) rather than as its own object: blob disposition removes a
   * pack only as a whole. Empty for a blob stored as its own object, or not stored.
   */
  default java.util.Optional<StoredPack> blobPack(String sha256) throws IOException {
    return java.util.Optional.empty();
  }

  /**
   * A stored blob pack.
   *
   * @param name its object key ({@code packs/...pack})
   * @param size its stored size in bytes
   * @param blobs its blobs' digests (in pack order) with their sizes inside the pack
   */
  record StoredPack(String name, long size, java.util.Map<String, Long> blobs) {
    public StoredPack {
      blobs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(blobs));
    }
  }

  /**
   * The stored size in bytes of a blob (its object in the store: compressed and sealed as it is kept).
   *
   * @throws java.nio.file.NoSuchFileException if no such blob is stored
   */
  long blobSize(String sha256) throws IOException;

  /**
   * Registers a listener told the ids of records {@link #dispose} removed, after the segments are
   * rewritten (the search index deletes them). A listener that throws is logged and skipped; derived
   * state is rebuilt from the archive, which no longer returns the records.
   */
  void addDisposalListener(DisposalListener listener);

  /** Told which records disposition removed. */
  @FunctionalInterface
  interface DisposalListener {
    void disposed(List<String> ids) throws IOException;
  }

  /** Receives records during {@link #scan}; return false to stop. */
  @FunctionalInterface
  interface RecordVisitor {
    boolean visit(StoredRecord record) throws IOException;
  }

  /** Told about records once they are durable (for projections such as the search index). */
  @FunctionalInterface
  interface CommitListener {
    void committed(List<StoredRecord> records) throws IOException;
  }
}
