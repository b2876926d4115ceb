package dev.coffer.archive.crypto;

import dev.coffer.archive.store.ObjectStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.lucene.store.Directory;

/**
 * How one archive is encrypted at rest, assembled once when it is opened: its keyring (or none, for an
 * archive created without encryption), and from it the encrypting object store, the keyed blob names
 * and the encrypted index directories. The archive's manifest records the scheme ({@link #SCHEME} or
 * {@link #NONE}); see {@code docs/encryption.md}.
 */
public final class Encryption {
  /** The manifest's value for archives encrypted as described in docs/archive-format.md. */
  public static final String SCHEME = "aes-256-gcm/1";
  /** The manifest's value (implied by a version-1 manifest) for archives without encryption. */
  public static final String NONE = "none";
  /** Purpose of the archive's derived id index, in its index key. */
  public static final String ID_INDEX = "idindex";
  /** Purpose of the search index, in its index key. */
  public static final String SEARCH_INDEX = "search";

  private static final Encryption OFF = new Encryption(null);

  private final KeyRing ring;
  private final BlobNames names;

  private Encryption(KeyRing ring) {
    this.ring = ring;
    this.names = ring == null ? BlobNames.DIGEST : BlobNames.keyed(ring.dataKey(1));
  }

  /** No encryption (archives created before encryption existed). */
  public static Encryption none() {
    return OFF;
  }

  /** Encryption under {@code ring}. */
  public static Encryption of(KeyRing ring) {
    return new Encryption(ring);
  }

  /**
   * Sets up encryption for a new archive: the master key is the first one {@code source} supplies
   * from outside the data directory, or else a new key file written into {@code keysDir} (0600); a
   * keyring with one data key is written beside it.
   */
  public static Encryption create(Path keysDir, String archiveId, MasterKeySource source, long now) throws IOException {
    List<MasterKey> supplied = source.supplied();
    MasterKey master;
    if (supplied.isEmpty()) {
      MasterKeyFile k = MasterKeyFile.generate(now);
      k.writeTo(keysDir.resolve(k.fileName()));
      master = k;
    } else {
      master = supplied.get(0);
    }
    return new Encryption(KeyRing.create(keysDir, archiveId, master, now));
  }

  /**
   * Opens the encryption a manifest names.
   *
   * @throws MasterKeyException if the archive is encrypted and its master key is not available
   * @throws IllegalArgumentException if the scheme is not one this Coffer knows
   */
  public static Encryption open(Path keysDir, String archiveId, String scheme, MasterKeySource source) throws IOException {
    if (NONE.equals(scheme)) {
      return OFF;
    }
    if (!SCHEME.equals(scheme)) {
      throw new IllegalArgumentException("the manifest names encryption '" + scheme + "', which this Coffer does not know ("
          + SCHEME + " or " + NONE + ")");
    }
    return new Encryption(KeyRing.open(keysDir, archiveId, source));
  }

  public boolean enabled() {
    return ring != null;
  }

  /** {@link #SCHEME} or {@link #NONE}, as the manifest records it. */
  public String scheme() {
    return ring == null ? NONE : SCHEME;
  }

  /** The keyring, or null without encryption. */
  public KeyRing keyRing() {
    return ring;
  }

  /** How blobs are named. */
  public BlobNames blobNames() {
    return names;
  }

  /** {@code store} with every object sealed (or {@code store} itself without encryption). */
  public ObjectStore wrap(ObjectStore store) {
    return ring == null ? store : new EncryptingObjectStore(store, ring);
  }

  /**
   * Seals a small file kept beside the archive (the web app's user database and sign-in state): the
   * same chunked AES-256-GCM as objects, under the current data key, with the archive id and
   * {@code name} authenticated, so a file cannot be swapped for another's. Without encryption the
   * bytes are returned as they are.
   *
   * @param name what the file is (e.g. {@code web/users}); it must be the same to {@link #openFile}
   */
  public byte[] sealFile(String name, byte[] plain) {
    if (ring == null) {
      return plain;
    }
    int id = ring.currentId();
    return ChunkedGcm.seal(plain, id, ring.dataKey(id), fileContext(ring.archiveId(), name));
  }

  /**
   * The plaintext of a file {@link #sealFile} wrote under the same {@code name}.
   *
   * @throws dev.coffer.archive.store.CorruptObjectException if the bytes are not sealed, were sealed
   *     for another name or archive, or were altered
   */
  public byte[] openFile(String name, byte[] sealed) throws IOException {
    if (ring == null) {
      return sealed;
    }
    java.io.InputStream raw = new java.io.ByteArrayInputStream(sealed);
    byte[] header = ChunkedGcm.readHeader(name, raw);
    int id = ChunkedGcm.dataKeyId(header);
    byte[] key = ring.dataKey(id);
    if (key == null) {
      throw new dev.coffer.archive.store.CorruptObjectException(name, "sealed with a data key the keyring does not hold",
          "one of 1.." + ring.dataKeys().size(), String.valueOf(id));
    }
    try (java.io.InputStream in = new ChunkedGcm.Opening(name, raw, header, key, fileContext(ring.archiveId(), name))) {
      return in.readAllBytes();
    }
  }

  /** True when {@code bytes} begin as a sealed file or object does (magic and version). */
  public static boolean looksSealed(byte[] bytes) {
    return bytes.length >= ChunkedGcm.HEADER
        && java.nio.ByteBuffer.wrap(bytes).getInt() == ChunkedGcm.MAGIC && bytes[4] == ChunkedGcm.VERSION;
  }

  private static byte[] fileContext(String archiveId, String name) {
    return KeyMaterial.utf8("coffer/file/1 " + archiveId + " " + name);
  }

  /**
   * {@code dir} with every file encrypted under this archive's index key for {@code purpose}
   * ({@link #ID_INDEX}, {@link #SEARCH_INDEX}), or {@code dir} itself without encryption.
   */
  public Directory wrap(Directory dir, String purpose) {
    return wrap(dir, purpose, 0);
  }

  /**
   * {@link #wrap(Directory, String)} with a cache of decrypted index blocks of up to {@code cacheBytes}
   * (plaintext in this process's memory only; see {@code EncryptedDirectory.BlockCache}): for an
   * index that is searched, whose blocks are read again by every query. 0: no cache.
   */
  public Directory wrap(Directory dir, String purpose, long cacheBytes) {
    return ring == null ? dir : new EncryptedDirectory(dir, ring, purpose, cacheBytes);
  }
}
