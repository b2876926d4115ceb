package dev.coffer.archive.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link ObjectStore} in a local directory: the embedded default.
 *
 * <p>Key {@code a/b/c} is the file {@code root/a/b/c}. {@code put} writes a temporary file in
 * {@code root/.tmp} (same filesystem), fsyncs it, publishes it with a hard link to the final name —
 * which fails if the name exists, so publishing never replaces anything — removes the temporary name and
 * fsyncs the directory (and every directory it created). A crash therefore leaves either no file under
 * the key or the complete, synced file; at worst a stray temporary file, which the constructor removes.
 * On a filesystem without hard links the publish step falls back to an atomic rename after an existence
 * check made under this object's lock (safe within one process). {@link #putInOrder} writes and
 * fdatasyncs several objects' temporary files concurrently, then publishes them one by one in order.
 *
 * <p>One process uses a store directory at a time (the archive holds a lock for that).
 */
public final class FileObjectStore implements ObjectStore {
  private static final Logger LOG = LoggerFactory.getLogger(FileObjectStore.class);
  /** Name of the directory for temporary files, which no key can name. */
  public static final String TEMP_DIR = ".tmp";
  private static final int BUFFER = 1 << 20;

  private final Path root;
  private final Path temp;
  private final Object publishLock = new Object();
  private volatile boolean hardLinks = true;
  private final boolean readOnly;
  private final Fsync fsync;

  /**
   * How a file's or a directory's contents are forced to stable storage. {@link #SYSTEM} is
   * {@link FileChannel#force}; tests inject failures here, at the exact calls that make a put durable.
   */
  @FunctionalInterface
  public interface Fsync {
    Fsync SYSTEM = FileChannel::force;

    /** Forces {@code channel}'s contents (and, if {@code metadata}, its metadata) to stable storage. */
    void force(FileChannel channel, boolean metadata) throws IOException;
  }

  private FileObjectStore(Path root, boolean readOnly) {
    this.root = root.toAbsolutePath().normalize();
    this.temp = this.root.resolve(TEMP_DIR);
    this.readOnly = readOnly;
    this.fsync = Fsync.SYSTEM;
  }

  /**
   * Opens an existing store for reading only, touching nothing (no temporary-file cleanup, so it is
   * safe beside a running writer): {@code put} and {@code delete} throw {@link IOException}. Used by
   * verify.
   */
  public static FileObjectStore openReadOnly(Path root) {
    return new FileObjectStore(root, true);
  }

  /** Opens (creating if needed) a store in {@code root}, removing temporary files a crash left. */
  public FileObjectStore(Path root) throws IOException {
    this(root, Fsync.SYSTEM);
  }

  /**
   * As {@link #FileObjectStore(Path)}, forcing data to disk with {@code fsync} (fault injection: a
   * failing fsync makes {@code put} fail without publishing the object, as the contract requires).
   */
  public FileObjectStore(Path root, Fsync fsync) throws IOException {
    this.fsync = java.util.Objects.requireNonNull(fsync, "fsync");
    this.readOnly = false;
    this.root = root.toAbsolutePath().normalize();
    Files.createDirectories(this.root);
    this.temp = this.root.resolve(TEMP_DIR);
    Files.createDirectories(temp);
    try (DirectoryStream<Path> stale = Files.newDirectoryStream(temp)) {
      for (Path p : stale) {
        Files.deleteIfExists(p);
        LOG.info("removed temporary file {} left by an interrupted write", p.getFileName());
      }
    }
  }

  /** The store's directory. */
  public Path root() {
    return root;
  }

  /** The file that holds {@code key} (which may not exist). */
  public Path file(String key) {
    return root.resolve(Keys.check(key));
  }

  @Override
  public void put(String key, byte[] bytes) throws IOException {
    Path target = prepare(key);
    Path tmp = Files.createTempFile(temp, "put-", ".tmp");
    try {
      stage(tmp, bytes);
      publish(key, tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Writes every object's bytes to a temporary file and fdatasyncs them all at once (one thread each:
   * the syncs overlap in the device queue and in the filesystem's journal, where one after another each
   * waits for the previous), then publishes them one after another in the map's order, each with its
   * link and its directory's fsync: an object's name becomes durable only after every name before it,
   * so a crash leaves a prefix of the list. A failed write or sync publishes nothing.
   */
  @Override
  public void putInOrder(java.util.SequencedMap<String, byte[]> objects) throws IOException {
    int n = objects.size();
    if (n < 2) {
      ObjectStore.super.putInOrder(objects);
      return;
    }
    List<String> keys = new ArrayList<>(objects.keySet());
    List<byte[]> contents = new ArrayList<>(objects.values());
    List<Path> targets = new ArrayList<>(n);
    for (String key : keys) {
      targets.add(prepare(key));
    }
    Path[] tmps = new Path[n];
    try {
      for (int i = 0; i < n; i++) {
        tmps[i] = Files.createTempFile(temp, "put-", ".tmp");
      }
      IOException[] failed = new IOException[n];
      Thread[] stagers = new Thread[n];
      for (int i = 1; i < n; i++) {
        int k = i;
        stagers[k] = Thread.ofVirtual().name("coffer-put-stage").start(() -> {
          try {
            stage(tmps[k], contents.get(k));
          } catch (IOException e) {
            failed[k] = e;
          } catch (Throwable e) { // whatever ended this write, its file is not to be published
            failed[k] = new IOException("writing " + keys.get(k) + " failed: " + e, e);
          }
        });
      }
      try {
        stage(tmps[0], contents.get(0));
      } catch (IOException e) {
        failed[0] = e;
      } finally {
        for (int i = 1; i < n; i++) {
          joinUninterruptibly(stagers[i]);
        }
      }
      for (int i = 0; i < n; i++) {
        if (failed[i] != null) {
          throw failed[i];
        }
      }
      for (int i = 0; i < n; i++) {
        publish(keys.get(i), tmps[i], targets.get(i));
      }
    } finally {
      for (Path tmp : tmps) {
        if (tmp != null) {
          Files.deleteIfExists(tmp);
        }
      }
    }
  }

  /** Waits for a staging thread; an interrupt is kept for the caller, not allowed to cut the wait short. */
  private static void joinUninterruptibly(Thread t) {
    boolean interrupted = false;
    while (true) {
      try {
        t.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Writes {@code bytes} to the (empty) temporary file {@code tmp} and fdatasyncs it. */
  private void stage(Path tmp, byte[] bytes) throws IOException {
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      fsync.force(ch, false); // fdatasync: data and the size needed to read it; the name comes with the link
    }
  }

  @Override
  public void put(String key, InputStream in) throws IOException {
    Path target = prepare(key);
    Path tmp = Files.createTempFile(temp, "put-", ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        byte[] chunk = new byte[BUFFER];
        ByteBuffer buf = ByteBuffer.wrap(chunk);
        int n;
        while ((n = in.readNBytes(chunk, 0, chunk.length)) > 0) {
          buf.clear().limit(n);
          while (buf.hasRemaining()) {
            ch.write(buf);
          }
        }
        fsync.force(ch, false);
      }
      publish(key, tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Validates the key, refuses an existing one early (before writing), and creates the directories. */
  private Path prepare(String key) throws IOException {
    Path target = root.resolve(Keys.check(key));
    refuseIfReadOnly(key);
    if (Files.isDirectory(target)) {
      throw new IOException("object key " + key + " conflicts with existing objects below it");
    }
    if (Files.exists(target)) {
      throw new ObjectExistsException(key);
    }
    createDirectories(key, target.getParent());
    return target;
  }

  /** Creates missing directories one level at a time, fsyncing each new one's parent. */
  private void createDirectories(String key, Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Path parent = dir.getParent();
    if (!dir.equals(root)) {
      createDirectories(key, parent);
    }
    try {
      Files.createDirectory(dir);
      syncDirectory(parent);
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir)) {
        throw new IOException("object key " + key + " conflicts with existing object " + root.relativize(dir), e);
      }
    }
  }

  private void publish(String key, Path tmp, Path target) throws IOException {
    if (hardLinks) {
      try {
        Files.createLink(target, tmp);
        syncDirectoryOrUnpublish(key, target);
        return;
      } catch (FileAlreadyExistsException e) {
        throw new ObjectExistsException(key);
      } catch (UnsupportedOperationException e) {
        hardLinks = false;
        LOG.warn("filesystem of {} has no hard links; publishing with rename", root);
      }
    }
    synchronized (publishLock) {
      if (Files.exists(target)) {
        throw new ObjectExistsException(key);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    }
    syncDirectoryOrUnpublish(key, target);
  }

  /**
   * The directory fsync that makes a published name durable. If it fails, the put fails, so the name
   * is removed again: a failed put leaves no object (best effort: if even the removal cannot be made
   * durable, a crash may bring the complete object back, which the archive treats as written but
   * never acknowledged).
   */
  private void syncDirectoryOrUnpublish(String key, Path target) throws IOException {
    try {
      syncDirectory(target.getParent());
    } catch (IOException e) {
      try {
        Files.deleteIfExists(target);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new IOException("fsync of the directory of " + key + " failed; the object is not stored: " + e.getMessage(), e);
    }
  }

  /** fsync of a directory, so a created or removed name survives power loss. */
  private void syncDirectory(Path dir) throws IOException {
    syncDirectory(dir, fsync);
  }

  static void syncDirectory(Path dir, Fsync fsync) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      fsync.force(ch, true);
    } catch (IOException e) {
      // Some platforms (Windows) cannot open a directory; Linux and macOS can, and must succeed.
      if (System.getProperty("os.name", "").startsWith("Windows")) {
        return;
      }
      throw e;
    }
  }

  @Override
  public byte[] get(String key) throws IOException {
    Path file = existing(key);
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new NoSuchObjectException(key);
    }
  }

  @Override
  public InputStream open(String key) throws IOException {
    Path file = existing(key);
    try {
      return Files.newInputStream(file);
    } catch (NoSuchFileException e) {
      throw new NoSuchObjectException(key);
    }
  }

  @Override
  public boolean exists(String key) {
    return Files.isRegularFile(root.resolve(Keys.check(key)));
  }

  @Override
  public long size(String key) throws IOException {
    return Files.size(existing(key));
  }

  private void refuseIfReadOnly(String key) throws IOException {
    if (readOnly) {
      throw new IOException("store " + root + " is open read-only; cannot change " + key);
    }
  }

  @Override
  public void delete(String key) throws IOException {
    Path file = existing(key);
    refuseIfReadOnly(key);
    try {
      Files.delete(file);
    } catch (NoSuchFileException e) {
      throw new NoSuchObjectException(key);
    }
    syncDirectory(file.getParent());
  }

  private Path existing(String key) throws NoSuchObjectException {
    Path file = root.resolve(Keys.check(key));
    if (!Files.isRegularFile(file)) {
      throw new NoSuchObjectException(key);
    }
    return file;
  }

  @Override
  public Stream<String> list(String prefix, String fromKey) {
    Keys.checkPrefix(prefix);
    String from = fromKey.compareTo(prefix) > 0 ? fromKey : prefix;
    Iterator<String> keys = new KeyWalk(prefix, from);
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(keys, Spliterator.ORDERED | Spliterator.SORTED | Spliterator.DISTINCT | Spliterator.NONNULL),
        false);
  }

  @Override
  public void close() {}

  @Override
  public String toString() {
    return "FileObjectStore[" + root + "]";
  }

  /**
   * Depth-first walk in key order, one directory's entries in memory at a time. Entries sort by name,
   * with "/" appended to directory names, which makes directory order equal key order.
   */
  private final class KeyWalk implements Iterator<String> {
    private final String prefix;
    private final String from;
    private final Deque<Iterator<Entry>> stack = new ArrayDeque<>();
    private String next;

    record Entry(String key, boolean directory) {}

    KeyWalk(String prefix, String from) {
      this.prefix = prefix;
      this.from = from;
      // Start in the deepest directory the prefix names completely.
      int slash = prefix.lastIndexOf('/');
      String dirKey = slash < 0 ? "" : prefix.substring(0, slash);
      Path dir = dirKey.isEmpty() ? root : root.resolve(dirKey);
      if (Files.isDirectory(dir)) {
        stack.push(entries(dirKey, dir).iterator());
      }
    }

    private List<Entry> entries(String dirKey, Path dir) {
      List<Entry> out = new ArrayList<>();
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
        for (Path p : ds) {
          String name = p.getFileName().toString();
          if (name.startsWith(".") || !validLevel(name)) {
            continue;
          }
          String key = dirKey.isEmpty() ? name : dirKey + "/" + name;
          boolean isDir = Files.isDirectory(p);
          if (isDir ? wanted(key + "/") : (key.startsWith(prefix) && key.compareTo(from) >= 0)) {
            out.add(new Entry(key, isDir));
          }
        }
      } catch (NoSuchFileException e) {
        return out;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      out.sort((a, b) -> (a.directory ? a.key + "/" : a.key).compareTo(b.directory ? b.key + "/" : b.key));
      return out;
    }

    /** Could a key below directory key {@code dir} (ending in "/") match the prefix and be >= from? */
    private boolean wanted(String dir) {
      boolean prefixOk = dir.startsWith(prefix) || prefix.startsWith(dir);
      boolean fromOk = from.compareTo(dir) <= 0 || from.startsWith(dir);
      return prefixOk && fromOk;
    }

    @Override
    public boolean hasNext() {
      while (next == null && !stack.isEmpty()) {
        Iterator<Entry> top = stack.peek();
        if (!top.hasNext()) {
          stack.pop();
          continue;
        }
        Entry e = top.next();
        if (e.directory) {
          stack.push(entries(e.key, root.resolve(e.key)).iterator());
        } else {
          next = e.key;
        }
      }
      return next != null;
    }

    @Override
    public String next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      String k = next;
      next = null;
      return k;
    }
  }

  private static boolean validLevel(String name) {
    try {
      Keys.check(name);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
