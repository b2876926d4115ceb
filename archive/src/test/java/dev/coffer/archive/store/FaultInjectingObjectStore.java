package dev.coffer.archive.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Wraps a store and fails its N-th write (put), the way a disk, a full filesystem or a crash would:
 * the archive's crash tests run every N. Reads always pass through.
 */
public final class FaultInjectingObjectStore implements ObjectStore {
  /** How the N-th write fails. */
  public enum Mode {
    /** Throws before anything is written. */
    FAIL_BEFORE,
    /** Writes the object completely, then throws (e.g. the directory fsync failed): durable but unacknowledged. */
    FAIL_AFTER,
    /** Leaves half the bytes in a temporary file of a FileObjectStore, then throws (a crash mid-write). */
    PARTIAL_TEMP_FILE
  }

  private final ObjectStore delegate;
  private final int failAt;
  private final Mode mode;
  private final AtomicInteger writes = new AtomicInteger();

  /** Fails the {@code failAt}-th put (1-based) and every put after it. */
  public FaultInjectingObjectStore(ObjectStore delegate, int failAt, Mode mode) {
    this.delegate = delegate;
    this.failAt = failAt;
    this.mode = mode;
  }

  /** Number of puts attempted so far. */
  public int writes() {
    return writes.get();
  }

  private boolean failsNow() {
    return writes.incrementAndGet() >= failAt;
  }

  @Override
  public void put(String key, byte[] bytes) throws IOException {
    if (!failsNow()) {
      delegate.put(key, bytes);
      return;
    }
    fail(key, bytes);
  }

  @Override
  public void put(String key, InputStream in) throws IOException {
    if (!failsNow()) {
      delegate.put(key, in);
      return;
    }
    fail(key, in.readAllBytes());
  }

  @Override
  public void put(String key, Path file) throws IOException {
    if (!failsNow()) {
      delegate.put(key, file);
      return;
    }
    fail(key, Files.readAllBytes(file));
  }

  private void fail(String key, byte[] bytes) throws IOException {
    switch (mode) {
      case FAIL_BEFORE -> {}
      case FAIL_AFTER -> delegate.put(key, bytes);
      case PARTIAL_TEMP_FILE -> {
        if (delegate instanceof FileObjectStore f) {
          Path tmp = Files.createTempFile(f.root().resolve(FileObjectStore.TEMP_DIR), "put-", ".tmp");
          Files.write(tmp, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        }
      }
    }
    throw new IOException("injected fault (" + mode + ") at write " + writes.get() + ": " + key);
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
    delegate.delete(key);
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }
}
