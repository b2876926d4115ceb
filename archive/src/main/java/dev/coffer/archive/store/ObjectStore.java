package dev.coffer.archive.store;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SequencedMap;
import java.util.stream.Stream;

/**
 * The narrow storage SPI every archive backend implements: a flat namespace of immutable objects.
 * The archive core is written once over this interface; wrappers (encryption, metrics) delegate to an
 * underlying store.
 *
 * <h2>Keys</h2>
 * A key is one or more levels separated by {@code /}; each level is 1–128 characters from
 * {@code [a-z0-9._-]}, does not start with {@code .} (reserved for a backend's own files), and is not
 * {@code .} or {@code ..}. Keys are at most 512 characters. No key may be a level-ancestor of another
 * ({@code a/b} and {@code a/b/c} cannot both exist: a filesystem cannot hold both). Any other string
 * is refused with {@link IllegalArgumentException} before anything is touched ({@link Keys#check}).
 * Filesystem backends map each level to a directory, so callers keep each level's fan-out bounded.
 *
 * <h2>Operations</h2>
 * <ul>
 *   <li><b>Write once.</b> {@code put} creates an object; if the key exists it throws
 *       {@link ObjectExistsException} and leaves the existing object untouched. This is how dedupe and
 *       "never overwrite" work: there is no replace.
 *   <li><b>Atomic.</b> A reader (and a process restarted after a crash) sees either no object under the
 *       key or the complete object; never a partial one. When {@code put} fails, no object is created
 *       under the key (a backend may leave private temporary files, which it removes when reopened).
 *   <li><b>Durable on return.</b> When {@code put} returns, the object survives a crash or power loss
 *       (fsync of file and directory, or the remote store's acknowledgement).
 *   <li><b>Missing.</b> {@code get}, {@code open}, {@code size} and {@code delete} throw
 *       {@link NoSuchObjectException} for a key that does not exist.
 *   <li><b>Listing.</b> {@code list} returns existing keys with a prefix in ascending key order
 *       ({@link String#compareTo}, which for these characters is byte order), lazily: the caller must
 *       close the stream. Objects put concurrently with a listing may or may not appear.
 *   <li><b>Delete</b> exists only for disposition after retention ends (an audited act); the archive
 *       core never calls it for anything else.
 *   <li><b>Thread safety.</b> All methods may be called concurrently from any thread. Two concurrent
 *       {@code put}s of one key: exactly one succeeds, the other throws {@link ObjectExistsException}.
 * </ul>
 */
public interface ObjectStore extends Closeable {

  /**
   * Creates the object {@code key} with {@code bytes}. Atomic and durable on return.
   *
   * @throws ObjectExistsException if the key exists (nothing is changed)
   * @throws IllegalArgumentException if the key is not a valid key
   */
  void put(String key, byte[] bytes) throws IOException;

  /**
   * Creates the object {@code key} with the bytes read from {@code in} until its end, streaming (any
   * size, bounded memory). Atomic and durable on return. Does not close {@code in}.
   *
   * @throws ObjectExistsException if the key exists (nothing is changed; {@code in} may be partly read)
   */
  void put(String key, InputStream in) throws IOException;

  /**
   * Creates the object {@code key} with the bytes of {@code file}, which is left unchanged.
   *
   * @throws ObjectExistsException if the key exists
   */
  default void put(String key, Path file) throws IOException {
    Keys.check(key);
    try (InputStream in = Files.newInputStream(file)) {
      put(key, in);
    }
  }

  /**
   * Creates the objects in the map's order, each as {@link #put(String, byte[])} would, with one
   * guarantee more: an object's key appears (to readers, and after a crash) only once every object
   * before it is durable under its key, so what a crash leaves stored is always a prefix of the
   * list. A backend may prepare the objects concurrently (write and sync their bytes in parallel)
   * before publishing them one after another; the default puts them one after another. This is how
   * the archive writes a group commit's blob pack, segment and checkpoint: the blobs durable before
   * any record that names them, the records before the checkpoint that covers them.
   *
   * <p>When it fails, the objects before the failing one may be stored (each complete and durable),
   * the failing one and those after it are not. Durable on return.
   *
   * @throws ObjectExistsException if a key exists (objects before it may be stored, that one is not
   *     changed, none after it is created)
   * @throws IllegalArgumentException if a key is not a valid key
   */
  default void putInOrder(SequencedMap<String, byte[]> objects) throws IOException {
    for (Map.Entry<String, byte[]> o : objects.entrySet()) {
      put(o.getKey(), o.getValue());
    }
  }

  /**
   * All bytes of an object (use {@link #open} for large objects).
   *
   * @throws NoSuchObjectException if there is no such object
   */
  byte[] get(String key) throws IOException;

  /**
   * Opens an object for streaming reading. The caller closes the stream.
   *
   * @throws NoSuchObjectException if there is no such object
   */
  InputStream open(String key) throws IOException;

  /** True if the object exists. */
  boolean exists(String key) throws IOException;

  /**
   * The object's size in bytes.
   *
   * @throws NoSuchObjectException if there is no such object
   */
  long size(String key) throws IOException;

  /** Keys starting with {@code prefix} (may be empty), ascending; close the stream. */
  default Stream<String> list(String prefix) throws IOException {
    return list(prefix, "");
  }

  /**
   * Keys starting with {@code prefix} that are {@code >= fromKey}, ascending; close the stream. This is
   * how the archive resumes after the last object it knows without listing everything before it.
   */
  Stream<String> list(String prefix, String fromKey) throws IOException;

  /**
   * Removes an object. Used only by disposition after retention (an audited act); nothing else in the
   * archive calls it.
   *
   * @throws NoSuchObjectException if there is no such object
   */
  void delete(String key) throws IOException;

  /**
   * A redundant copy of this store's objects, read-only, with the same keys and the same bytes as this
   * store returns them, or null if there is none ({@link MirroredObjectStore} has one). The archive
   * reads an object here when the one this store returned is corrupt. A wrapper that transforms bytes
   * (encryption) returns the delegate's replica wrapped the same way.
   */
  default ObjectStore replica() {
    return null;
  }
}
