package dev.coffer.archive.store;

import java.io.IOException;
import java.io.InputStream;
import java.util.stream.Stream;

/** Reads through to a store and refuses every change; tells a subclass which object was read. */
abstract class ReadOnlyView implements ObjectStore {
  private final ObjectStore delegate;

  ReadOnlyView(ObjectStore delegate) {
    this.delegate = delegate;
  }

  /** Called before each read of {@code key}. */
  abstract void used(String key);

  private IOException refused(String key) {
    return new IOException("read-only view of " + delegate + ": cannot change " + key);
  }

  @Override
  public void put(String key, byte[] bytes) throws IOException {
    throw refused(key);
  }

  @Override
  public void put(String key, InputStream in) throws IOException {
    throw refused(key);
  }

  @Override
  public byte[] get(String key) throws IOException {
    used(key);
    return delegate.get(key);
  }

  @Override
  public InputStream open(String key) throws IOException {
    used(key);
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
    throw refused(key);
  }

  /** Closing the view leaves the store open (its owner closes it). */
  @Override
  public void close() {}
}
