package dev.coffer.archive.crypto;

import dev.coffer.archive.store.CorruptObjectException;
import dev.coffer.archive.store.Keys;
import dev.coffer.archive.store.ObjectStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.stream.Stream;

/**
 * An {@link ObjectStore} that seals every object with AES-256-GCM before it reaches the store below
 * and authenticates it on every read. The contract is the one of {@link ObjectStore}, on plaintext:
 * {@code get}/{@code open} return what was put, {@code size} is the plaintext length; keys, listing,
 * existence and deletion pass through unchanged (keys are not secret: serials, tree sizes and keyed
 * blob names).
 *
 * <p>Each object is a {@link ChunkedGcm} stream under the keyring's current data key, with the
 * archive id and the object's key in the authenticated data: an object moved to another key (or
 * another archive) fails to decrypt, and the failure names the key as a {@link CorruptObjectException}.
 * Streaming puts and reads hold one 64 KiB chunk in memory.
 */
public final class EncryptingObjectStore implements ObjectStore {
  private final ObjectStore delegate;
  private final String archiveId;
  private final KeyRing ring;

  EncryptingObjectStore(ObjectStore delegate, KeyRing ring) {
    this.delegate = delegate;
    this.archiveId = ring.archiveId();
    this.ring = ring;
  }

  /** The authenticated context of an object: which archive, which key. */
  static byte[] context(String archiveId, String key) {
    return KeyMaterial.utf8("coffer/object/1 " + archiveId + " " + key);
  }

  /** The store below (ciphertext). */
  public ObjectStore delegate() {
    return delegate;
  }

  @Override
  public void put(String key, byte[] bytes) throws IOException {
    Keys.check(key);
    int id = ring.currentId();
    delegate.put(key, ChunkedGcm.seal(bytes, id, ring.dataKey(id), context(archiveId, key)));
  }

  /** Seals every object as {@link #put(String, byte[])} does, then hands them on in the same order. */
  @Override
  public void putInOrder(java.util.SequencedMap<String, byte[]> objects) throws IOException {
    int id = ring.currentId();
    java.util.SequencedMap<String, byte[]> sealed = new java.util.LinkedHashMap<>();
    for (java.util.Map.Entry<String, byte[]> o : objects.entrySet()) {
      Keys.check(o.getKey());
      sealed.put(o.getKey(), ChunkedGcm.seal(o.getValue(), id, ring.dataKey(id), context(archiveId, o.getKey())));
    }
    delegate.putInOrder(sealed);
  }

  @Override
  public void put(String key, InputStream in) throws IOException {
    Keys.check(key);
    int id = ring.currentId();
    delegate.put(key, new ChunkedGcm.Sealing(in, id, ring.dataKey(id), context(archiveId, key)));
  }

  @Override
  public byte[] get(String key) throws IOException {
    try (InputStream in = decrypting(key, new ByteArrayInputStream(delegate.get(key)))) {
      return in.readAllBytes();
    }
  }

  @Override
  public InputStream open(String key) throws IOException {
    InputStream raw = delegate.open(key);
    try {
      return decrypting(key, raw);
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  private InputStream decrypting(String key, InputStream raw) throws IOException {
    byte[] header = ChunkedGcm.readHeader(key, raw);
    int id = ChunkedGcm.dataKeyId(header);
    byte[] dataKey = ring.dataKey(id);
    if (dataKey == null) {
      throw new CorruptObjectException(key, "sealed with a data key the keyring does not hold",
          "one of 1.." + ring.dataKeys().size(), String.valueOf(id));
    }
    return new ChunkedGcm.Opening(key, raw, header, dataKey, context(archiveId, key));
  }

  @Override
  public boolean exists(String key) throws IOException {
    return delegate.exists(key);
  }

  @Override
  public long size(String key) throws IOException {
    long stored = delegate.size(key);
    long plain = ChunkedGcm.plainLength(stored);
    if (plain < 0) {
      throw new CorruptObjectException(key, "no encrypted object has this length", "header + chunks", stored + " bytes");
    }
    return plain;
  }

  @Override
  public Stream<String> list(String prefix, String fromKey) throws IOException {
    return delegate.list(prefix, fromKey);
  }

  @Override
  public void delete(String key) throws IOException {
    delegate.delete(key);
  }

  /** The redundant copy below (a mirror), sealed the same way, or null. */
  @Override
  public ObjectStore replica() {
    ObjectStore r = delegate.replica();
    return r == null ? null : new EncryptingObjectStore(r, ring);
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }

  @Override
  public String toString() {
    return "Encrypting[" + delegate + "]";
  }
}
