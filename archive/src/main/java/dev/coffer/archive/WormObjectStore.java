package dev.coffer.archive;

import dev.coffer.archive.layout.ArchiveLayout;
import dev.coffer.archive.retention.RetentionViolationException;
import dev.coffer.archive.store.ObjectExistsException;
import dev.coffer.archive.store.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

/**
 * The store the archive core writes through: it refuses, and reports, every delete of evidence
 * (segments, checkpoints, blobs, blob packs) and every attempt to put over an existing segment or checkpoint.
 *
 * <p>The deletes it lets through are the replacement of one segment by disposition, which the core
 * authorizes for that key, on its own thread, after checking every tombstoned record's retention and
 * holds ({@link #authorized}), and the removal of a blob no live record refers to, which it refuses
 * (and reports) before the blob's retain-until ({@link #deleteExpiredBlob}); neither can be reached
 * from outside this package. Objects under
 * {@code rewrites/} (a rewrite in progress) are not evidence and may be removed.
 *
 * <p>What this cannot stop: a process that opens the directory with its own store, or the operating
 * system's {@code rm}. On the filesystem backend such a removal is found by {@code coffer verify} (a
 * serial gap, an unauthorized tombstone); preventing it needs storage that enforces retention itself
 * (S3 Object Lock in compliance mode).
 */
final class WormObjectStore implements ObjectStore {
  private final ObjectStore delegate;
  private final BiConsumer<String, String> refused;
  private final ThreadLocal<String> authorizedDelete = new ThreadLocal<>();

  /**
   * @param refused told (key, what was attempted) about each refusal, after it is refused; the archive
   *     turns it into a {@code worm.refused} audit record
   */
  WormObjectStore(ObjectStore delegate, BiConsumer<String, String> refused) {
    this.delegate = delegate;
    this.refused = refused;
  }

  /** Runs {@code action} with a delete of {@code segmentKey} allowed on this thread. */
  void authorized(String segmentKey, IoAction action) throws IOException {
    authorizedDelete.set(segmentKey);
    try {
      action.run();
    } finally {
      authorizedDelete.remove();
    }
  }

  /**
   * Deletes the blob object {@code key} if its retention has ended: {@code retainUntil} is the latest
   * retain-until of the records that referred to it. Before that, or for a key that is not a blob, the
   * delete is refused and reported like any other attempt on evidence.
   *
   * @throws RetentionViolationException if refused (nothing was deleted)
   */
  void deleteExpiredBlob(String key, java.time.Instant retainUntil, java.time.Instant now) throws IOException {
    if (!key.startsWith(ArchiveLayout.BLOBS)) {
      refused.accept(key, "objectstore.delete (not a blob)");
      throw new RetentionViolationException("refused: " + key + " is not a blob", List.of(key));
    }
    if (now.isBefore(retainUntil)) {
      refused.accept(key, "objectstore.delete of a blob before its retain-until " + retainUntil);
      throw new RetentionViolationException("refused: blob " + key + " is in retention until " + retainUntil, List.of(key));
    }
    delegate.delete(key);
  }

  /**
   * Deletes the blob pack {@code key} if its retention has ended: {@code retainUntil} is the latest
   * retain-until of its blobs (every one of which only disposed records referred to). Before that, or
   * for a key that is not a pack, the delete is refused and reported like any other attempt on evidence.
   *
   * @throws RetentionViolationException if refused (nothing was deleted)
   */
  void deleteExpiredPack(String key, java.time.Instant retainUntil, java.time.Instant now) throws IOException {
    if (!key.startsWith(ArchiveLayout.PACKS)) {
      refused.accept(key, "objectstore.delete (not a blob pack)");
      throw new RetentionViolationException("refused: " + key + " is not a blob pack", List.of(key));
    }
    if (now.isBefore(retainUntil)) {
      refused.accept(key, "objectstore.delete of a blob pack before its retain-until " + retainUntil);
      throw new RetentionViolationException("refused: blob pack " + key + " is in retention until " + retainUntil,
          List.of(key));
    }
    delegate.delete(key);
  }

  @FunctionalInterface
  interface IoAction {
    void run() throws IOException;
  }

  private static boolean evidence(String key) {
    return key.startsWith(ArchiveLayout.SEGMENTS) || key.startsWith(ArchiveLayout.CHECKPOINTS)
        || key.startsWith(ArchiveLayout.BLOBS) || key.startsWith(ArchiveLayout.PACKS);
  }

  @Override
  public void put(String key, byte[] bytes) throws IOException {
    try {
      delegate.put(key, bytes);
    } catch (ObjectExistsException e) {
      overwriteAttempt(key);
      throw e;
    }
  }

  @Override
  public void putInOrder(java.util.SequencedMap<String, byte[]> objects) throws IOException {
    try {
      delegate.putInOrder(objects);
    } catch (ObjectExistsException e) {
      overwriteAttempt(e.getFile());
      throw e;
    }
  }

  @Override
  public void put(String key, InputStream in) throws IOException {
    try {
      delegate.put(key, in);
    } catch (ObjectExistsException e) {
      overwriteAttempt(key);
      throw e;
    }
  }

  @Override
  public void put(String key, Path file) throws IOException {
    try {
      delegate.put(key, file);
    } catch (ObjectExistsException e) {
      overwriteAttempt(key);
      throw e;
    }
  }

  private void overwriteAttempt(String key) {
    // A blob put of stored bytes is dedupe, not an overwrite: same key, same content by definition.
    if (key.startsWith(ArchiveLayout.SEGMENTS) || key.startsWith(ArchiveLayout.CHECKPOINTS)
        || key.startsWith(ArchiveLayout.PACKS)) {
      refused.accept(key, "objectstore.put over an existing object");
    }
  }

  @Override
  public byte[] get(String key) throws IOException {
    return delegate.get(key);
  }

  @Override
  public InputStream open(String key) throws IOException {
    return delegate.open(key);
  }

  @Override
  public boolean exists(String key) throws IOException {
    return delegate.exists(key);
  }

  @Override
  public long size(String key) throws IOException {
    return delegate.size(key);
  }

  @Override
  public Stream<String> list(String prefix, String fromKey) throws IOException {
    return delegate.list(prefix, fromKey);
  }

  @Override
  public void delete(String key) throws IOException {
    if (evidence(key) && !key.equals(authorizedDelete.get())) {
      refused.accept(key, "objectstore.delete");
      throw new RetentionViolationException("refused: " + key + " is archive evidence; only disposition removes "
          + "records, after their retention, by rewriting their segment with tombstones", List.of(key));
    }
    delegate.delete(key);
  }

  /** The redundant copy under this store, read-only (reads of corrupt objects fall back to it). */
  @Override
  public ObjectStore replica() {
    return delegate.replica();
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }
}
