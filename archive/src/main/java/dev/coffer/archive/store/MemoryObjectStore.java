package dev.coffer.archive.store;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;

/**
 * An {@link ObjectStore} in memory, for tests and {@code Archives.inMemory}. "Durable" means "in this
 * JVM's heap": it keeps the write-once, atomicity and key rules of the contract, not the crash safety.
 */
public final class MemoryObjectStore implements ObjectStore {
  private final ConcurrentSkipListMap<String, byte[]> objects = new ConcurrentSkipListMap<>();

  @Override
  public void put(String key, byte[] bytes) throws IOException {
    Keys.check(key);
    store(key, bytes.clone());
  }

  @Override
  public void put(String key, InputStream in) throws IOException {
    Keys.check(key);
    if (objects.containsKey(key)) {
      throw new ObjectExistsException(key);
    }
    store(key, in.readAllBytes());
  }

  private synchronized void store(String key, byte[] bytes) throws IOException {
    if (objects.containsKey(key)) {
      throw new ObjectExistsException(key);
    }
    // Same restriction as a filesystem: a key cannot be both an object and a "directory".
    for (int i = key.indexOf('/'); i >= 0; i = key.indexOf('/', i + 1)) {
      if (objects.containsKey(key.substring(0, i))) {
        throw new IOException("object key " + key + " conflicts with existing object " + key.substring(0, i));
      }
    }
    String below = objects.ceilingKey(key + "/");
    if (below != null && below.startsWith(key + "/")) {
      throw new IOException("object key " + key + " conflicts with existing object " + below);
    }
    objects.put(key, bytes);
  }

  @Override
  public byte[] get(String key) throws IOException {
    return found(key).clone();
  }

  @Override
  public InputStream open(String key) throws IOException {
    return new ByteArrayInputStream(found(key));
  }

  @Override
  public boolean exists(String key) {
    return objects.containsKey(Keys.check(key));
  }

  @Override
  public long size(String key) throws IOException {
    return found(key).length;
  }

  @Override
  public Stream<String> list(String prefix, String fromKey) {
    Keys.checkPrefix(prefix);
    String from = fromKey.compareTo(prefix) > 0 ? fromKey : prefix;
    return objects.tailMap(from, true).keySet().stream().takeWhile(k -> k.startsWith(prefix));
  }

  @Override
  public synchronized void delete(String key) throws IOException {
    if (objects.remove(Keys.check(key)) == null) {
      throw new NoSuchObjectException(key);
    }
  }

  /** Number of objects. */
  public int count() {
    return objects.size();
  }

  @Override
  public void close() {}

  private byte[] found(String key) throws NoSuchObjectException {
    byte[] bytes = objects.get(Keys.check(key));
    if (bytes == null) {
      throw new NoSuchObjectException(key);
    }
    return bytes;
  }

  @Override
  public String toString() {
    return "MemoryObjectStore[" + objects.size() + " objects]";
  }

}
