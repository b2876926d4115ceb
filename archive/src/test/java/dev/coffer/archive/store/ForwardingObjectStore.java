package dev.coffer.archive.store;

import java.io.IOException;
import java.io.InputStream;
import java.util.stream.Stream;

/**
 * An {@link ObjectStore} that hands every call to another one: fault-injecting stores in tests
 * extend it and override only the calls they interfere with.
 */
public abstract class ForwardingObjectStore implements ObjectStore {
  protected final ObjectStore delegate;

  protected ForwardingObjectStore(ObjectStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public void put(String key, byte[] bytes) throws IOException {
    delegate.put(key, bytes);
  }

  @Override
  public void put(String key, InputStream in) throws IOException {
    delegate.put(key, in);
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
