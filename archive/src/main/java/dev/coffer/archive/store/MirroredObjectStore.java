package dev.coffer.archive.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A redundant copy: every object put here is written to a primary store and to an independent mirror
 * store (a second directory today; any {@link ObjectStore}, such as S3, later), holding the same bytes
 * under the same keys. It sits directly above the backends, below encryption, so the mirror holds the
 * same ciphertext as the primary.
 *
 * <h2>When a put is acknowledged ({@link Policy})</h2>
 * <ul>
 *   <li>{@link Policy#BOTH}: {@code put} returns after the object is durable on the primary and on
 *       the mirror. If the mirror write fails, the put fails (the object may be on the primary; the
 *       mirror write stays queued and is retried).
 *   <li>{@link Policy#PRIMARY}: {@code put} returns once the object is durable on the primary and its
 *       mirror write is durably queued; a background thread copies it. {@link #pendingWrites()} and
 *       {@link #lagMillis()} show how far the mirror is behind.
 * </ul>
 *
 * <h2>The queue survives crashes</h2>
 * Before the primary write, an empty file named after the key is created and fsynced in the queue
 * directory; it is removed once the mirror holds the object. Reopening resumes every queued write; an
 * entry whose object never reached the primary (the put failed or the process died first) is dropped.
 * A mirror that already holds an object with the same bytes counts as written (a repeated copy is
 * harmless); different bytes are an error, never overwritten.
 *
 * <h2>Reads fall back</h2>
 * {@code get}, {@code open} and {@code size} of an object missing on the primary read it from the
 * mirror (logged at WARN with the key, counted in {@link #readFallbacks()}); {@code list} merges both
 * sides' keys; {@link #replica()} hands the archive the mirror for objects it finds corrupt on the
 * primary. Thread-safe.
 */
public final class MirroredObjectStore implements ObjectStore {
  private static final Logger LOG = LoggerFactory.getLogger(MirroredObjectStore.class);

  /** When a put is acknowledged. */
  public enum Policy {
    /** After the object is durable on both the primary and the mirror. */
    BOTH,
    /** After it is durable on the primary and queued (durably) for the mirror. */
    PRIMARY
  }

  private final ObjectStore primary;
  private final ObjectStore mirror;
  private final Policy policy;
  private final Path queueDir;
  /** Queued keys and when they were queued (epoch millis). */
  private final ConcurrentHashMap<String, Long> queued = new ConcurrentHashMap<>();
  /** Keys whose primary write is under way: the worker leaves them alone. */
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  private final LinkedBlockingDeque<String> work = new LinkedBlockingDeque<>();
  private final AtomicLong mirrored = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong fallbacks = new AtomicLong();
  private final Thread worker;
  private volatile boolean closed;

  /**
   * @param queueDir where pending mirror writes are kept (created if needed; in the primary's data
   *     directory, so a crash does not lose them)
   */
  public MirroredObjectStore(ObjectStore primary, ObjectStore mirror, Policy policy, Path queueDir) throws IOException {
    this.primary = java.util.Objects.requireNonNull(primary, "primary");
    this.mirror = java.util.Objects.requireNonNull(mirror, "mirror");
    this.policy = java.util.Objects.requireNonNull(policy, "policy");
    this.queueDir = queueDir;
    Files.createDirectories(queueDir);
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(queueDir)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (name.startsWith(".")) {
          Files.deleteIfExists(p);
          continue;
        }
        String key = name.replace('+', '/');
        queued.put(key, Files.getLastModifiedTime(p).toMillis());
        work.add(key);
      }
    }
    if (!queued.isEmpty()) {
      LOG.info("mirror: resuming {} queued write(s) to {}", queued.size(), mirror);
    }
    worker = new Thread(this::drain, "coffer-mirror");
    worker.setDaemon(true);
    worker.start();
  }

  /** The acknowledgement policy. */
  public Policy policy() {
    return policy;
  }

  /** The primary store. */
  public ObjectStore primary() {
    return primary;
  }

  /** The mirror store. */
  public ObjectStore mirror() {
    return mirror;
  }

  // ---------------------------------------------------------------- metrics

  /** Objects written to the primary and not yet to the mirror (the queue's length). */
  public long pendingWrites() {
    return queued.size();
  }

  /** Age of the oldest queued mirror write in milliseconds; 0 when the mirror is up to date. */
  public long lagMillis() {
    long now = System.currentTimeMillis();
    return queued.values().stream().mapToLong(t -> Math.max(0, now - t)).max().orElse(0);
  }

  /** Objects copied to the mirror since this store was opened. */
  public long mirroredWrites() {
    return mirrored.get();
  }

  /** Mirror writes that failed (each is retried) since this store was opened. */
  public long mirrorWriteFailures() {
    return failures.get();
  }

  /** Reads served by the mirror because the primary's object was missing or corrupt. */
  public long readFallbacks() {
    return fallbacks.get();
  }

  /** Waits until every queued write has reached the mirror; false if {@code timeout} passed first. */
  public boolean awaitMirrored(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!queued.isEmpty()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(5);
    }
    return true;
  }

  // ---------------------------------------------------------------- writes

  @Override
  public void put(String key, byte[] bytes) throws IOException {
    write(key, () -> primary.put(key, bytes));
  }

  @Override
  public void put(String key, InputStream in) throws IOException {
    write(key, () -> primary.put(key, in));
  }

  @Override
  public void put(String key, Path file) throws IOException {
    write(key, () -> primary.put(key, file));
  }

  private interface PrimaryWrite {
    void run() throws IOException;
  }

  private void write(String key, PrimaryWrite toPrimary) throws IOException {
    Keys.check(key);
    inFlight.add(key);
    boolean enqueued = false;
    try {
      enqueued = enqueue(key);
      toPrimary.run();
    } catch (IOException | RuntimeException e) {
      inFlight.remove(key);
      if (enqueued) {
        dequeue(key);
      }
      throw e;
    }
    inFlight.remove(key);
    if (policy == Policy.BOTH) {
      try {
        copy(key);
      } catch (IOException e) {
        failures.incrementAndGet();
        work.add(key); // stays queued: retried in the background and after a restart
        throw new IOException("object " + key + " is on the primary but the mirror write failed (" + e.getMessage()
            + "); not acknowledged under the 'both' policy", e);
      }
    } else {
      work.add(key);
    }
  }

  /** Durably records that {@code key} must reach the mirror; false if it already was queued. */
  private boolean enqueue(String key) throws IOException {
    Path entry = queueDir.resolve(key.replace('/', '+'));
    try {
      Files.createFile(entry);
    } catch (FileAlreadyExistsException e) {
      return false;
    }
    queued.put(key, System.currentTimeMillis());
    try (FileChannel dir = FileChannel.open(queueDir, StandardOpenOption.READ)) {
      dir.force(true);
    }
    return true;
  }

  private void dequeue(String key) {
    try {
      Files.deleteIfExists(queueDir.resolve(key.replace('/', '+')));
    } catch (IOException e) {
      LOG.warn("mirror: could not remove queue entry for {}: {}", key, e.toString());
    }
    queued.remove(key);
  }

  /**
   * Copies one object from the primary to the mirror and removes its queue entry. An object the
   * primary does not have (its put never completed) is dropped from the queue.
   */
  private synchronized void copy(String key) throws IOException {
    if (!queued.containsKey(key)) {
      return; // copied already
    }
    if (!primary.exists(key)) {
      dequeue(key);
      return;
    }
    try (InputStream in = primary.open(key)) {
      mirror.put(key, in);
    } catch (ObjectExistsException e) {
      if (!sameBytes(key)) {
        throw new IOException("mirror already holds different bytes under " + key + " (run coffer verify --mirror)");
      }
    }
    mirrored.incrementAndGet();
    dequeue(key);
  }

  private boolean sameBytes(String key) throws IOException {
    try (InputStream a = primary.open(key); InputStream b = mirror.open(key)) {
      return Arrays.equals(digest(a), digest(b));
    }
  }

  /** SHA-256 of a stream's bytes. */
  static byte[] digest(InputStream in) throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    byte[] buf = new byte[1 << 16];
    int n;
    while ((n = in.read(buf)) > 0) {
      sha.update(buf, 0, n);
    }
    return sha.digest();
  }

  /** The background copier: retries failed writes with a growing pause, up to 30 s. */
  private void drain() {
    long pause = 100;
    while (!closed) {
      String key;
      try {
        key = work.poll(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (key == null) {
        continue;
      }
      if (inFlight.contains(key)) {
        work.add(key);
        sleep(5);
        continue;
      }
      try {
        copy(key);
        pause = 100;
      } catch (IOException | RuntimeException e) {
        failures.incrementAndGet();
        LOG.warn("mirror: writing {} to {} failed ({}); retrying in {} ms", key, mirror, e.toString(), pause);
        work.addFirst(key);
        sleep(pause);
        pause = Math.min(30_000, pause * 2);
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---------------------------------------------------------------- reads

  @Override
  public byte[] get(String key) throws IOException {
    try {
      return primary.get(key);
    } catch (NoSuchObjectException e) {
      return fallback(key, e).get(key);
    }
  }

  @Override
  public InputStream open(String key) throws IOException {
    try {
      return primary.open(key);
    } catch (NoSuchObjectException e) {
      return fallback(key, e).open(key);
    }
  }

  @Override
  public long size(String key) throws IOException {
    try {
      return primary.size(key);
    } catch (NoSuchObjectException e) {
      return fallback(key, e).size(key);
    }
  }

  private ObjectStore fallback(String key, NoSuchObjectException missing) throws IOException {
    if (!mirror.exists(key)) {
      throw missing;
    }
    fallbacks.incrementAndGet();
    LOG.warn("object {} is missing on the primary; reading it from the mirror (run coffer restore --from-mirror)", key);
    return mirror;
  }

  @Override
  public boolean exists(String key) throws IOException {
    return primary.exists(key) || mirror.exists(key);
  }

  /** Both sides' keys, merged in key order without repeats. */
  @Override
  public Stream<String> list(String prefix, String fromKey) throws IOException {
    Stream<String> a = primary.list(prefix, fromKey);
    Stream<String> b;
    try {
      b = mirror.list(prefix, fromKey);
    } catch (IOException | RuntimeException e) {
      a.close();
      throw e;
    }
    Iterator<String> merged = new Merge(a.iterator(), b.iterator());
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(merged,
            Spliterator.ORDERED | Spliterator.SORTED | Spliterator.DISTINCT | Spliterator.NONNULL), false)
        .onClose(() -> {
          try {
            a.close();
          } finally {
            b.close();
          }
        });
  }

  /** Merges two ascending key iterators, dropping repeats. */
  private static final class Merge implements Iterator<String> {
    private final Iterator<String> a;
    private final Iterator<String> b;
    private String nextA;
    private String nextB;

    Merge(Iterator<String> a, Iterator<String> b) {
      this.a = a;
      this.b = b;
      nextA = a.hasNext() ? a.next() : null;
      nextB = b.hasNext() ? b.next() : null;
    }

    @Override
    public boolean hasNext() {
      return nextA != null || nextB != null;
    }

    @Override
    public String next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      String out;
      if (nextB == null || (nextA != null && nextA.compareTo(nextB) < 0)) {
        out = nextA;
        nextA = a.hasNext() ? a.next() : null;
      } else if (nextA == null || nextB.compareTo(nextA) < 0) {
        out = nextB;
        nextB = b.hasNext() ? b.next() : null;
      } else {
        out = nextA;
        nextA = a.hasNext() ? a.next() : null;
        nextB = b.hasNext() ? b.next() : null;
      }
      return out;
    }
  }

  /** Deletes on both sides (disposition): the mirror keeps nothing the primary may no longer keep. */
  @Override
  public void delete(String key) throws IOException {
    boolean any = false;
    try {
      primary.delete(key);
      any = true;
    } catch (NoSuchObjectException e) {
      // only on the mirror
    }
    try {
      mirror.delete(key);
      any = true;
    } catch (NoSuchObjectException e) {
      // only on the primary
    }
    dequeue(key);
    if (!any) {
      throw new NoSuchObjectException(key);
    }
  }

  /** The mirror, counting each read through it as a fallback (the archive reads corrupt primary objects here). */
  @Override
  public ObjectStore replica() {
    return new FallbackReads();
  }

  /** Read access to the mirror for objects the caller found corrupt on the primary. */
  private final class FallbackReads extends ReadOnlyView {
    FallbackReads() {
      super(mirror);
    }

    @Override
    void used(String key) {
      fallbacks.incrementAndGet();
      LOG.warn("object {} is corrupt on the primary; reading it from the mirror (run coffer restore --from-mirror)", key);
    }
  }

  /**
   * Gives the background copier up to 5 seconds to empty the queue (a short command should not leave
   * its writes behind), then stops it and closes both stores. Writes still queued stay queued on disk
   * and resume when the store is opened again.
   */
  @Override
  public void close() throws IOException {
    try {
      if (!awaitMirrored(Duration.ofSeconds(5))) {
        LOG.warn("mirror: closing with {} write(s) still queued for {}; they resume at the next open", queued.size(), mirror);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closed = true;
    worker.interrupt();
    try {
      worker.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      primary.close();
    } finally {
      mirror.close();
    }
  }

  @Override
  public String toString() {
    return "MirroredObjectStore[" + primary + " -> " + mirror + ", " + policy + "]";
  }
}
