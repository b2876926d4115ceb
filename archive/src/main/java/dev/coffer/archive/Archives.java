package dev.coffer.archive;

import dev.coffer.archive.crypto.Encryption;
import dev.coffer.archive.crypto.KeyRing;
import dev.coffer.archive.crypto.MasterKey;
import dev.coffer.archive.crypto.MasterKeySource;
import dev.coffer.archive.idindex.IdIndex;
import dev.coffer.archive.keys.SigningKeys;
import dev.coffer.archive.layout.ArchiveLayout;
import dev.coffer.archive.layout.ArchiveLock;
import dev.coffer.archive.layout.Manifest;
import dev.coffer.archive.store.CorruptObjectException;
import dev.coffer.archive.store.FileObjectStore;
import dev.coffer.archive.store.MirroredObjectStore;
import dev.coffer.archive.store.MemoryObjectStore;
import dev.coffer.archive.store.ObjectStore;
import dev.coffer.model.Digests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and opens archives: the one entry point to the archive core.
 *
 * <pre>{@code
 * try (Archive archive = Archives.open(dataDir, ArchiveOptions.defaults())) {
 *   AppendResult r = archive.append(records);   // durable when it returns
 * }
 * }</pre>
 */
public final class Archives {
  private static final Logger LOG = LoggerFactory.getLogger(Archives.class);

  private Archives() {}

  /** True if {@code dataDir} holds an archive (its manifest exists). */
  public static boolean exists(Path dataDir) {
    return Files.isRegularFile(dataDir.resolve(ArchiveLayout.MANIFEST));
  }

  /** {@link #create(Path, ArchiveOptions, MasterKeySource)} with {@link MasterKeySource#standard}. */
  public static Archive create(Path dataDir, ArchiveOptions options) throws IOException {
    return create(dataDir, options, MasterKeySource.standard(dataDir));
  }

  /**
   * Creates an archive in {@code dataDir} (created if needed; other files in it are left alone): a new
   * Ed25519 checkpoint-signing key pair, a random archive id, encryption at rest (the master key
   * {@code masterKeys} supplies from outside the directory, else a new key file
   * {@code keys/master-<id>.key} with permissions 0600; and a keyring with the first data key), the
   * manifest (written last: a crash before it leaves no archive), and the signed checkpoint of the
   * empty tree.
   *
   * @throws ArchiveExistsException if an archive, or its keys or objects, are already there
   */
  public static Archive create(Path dataDir, ArchiveOptions options, MasterKeySource masterKeys) throws IOException {
    Path dir = dataDir.toAbsolutePath().normalize();
    if (exists(dir)) {
      throw new ArchiveExistsException(dir, ArchiveLayout.MANIFEST + " exists");
    }
    Path keysDir = dir.resolve(ArchiveLayout.KEYS);
    if (Files.exists(keysDir.resolve(SigningKeys.PUBLIC_FILE)) || Files.exists(keysDir.resolve(SigningKeys.PRIVATE_FILE))) {
      throw new ArchiveExistsException(dir, "keys exist without a manifest: an interrupted create? remove " + keysDir);
    }
    if (nonEmpty(dir.resolve(ArchiveLayout.OBJECTS))) {
      throw new ArchiveExistsException(dir, "objects exist without a manifest: remove " + dir.resolve(ArchiveLayout.OBJECTS));
    }
    Files.createDirectories(dir);
    if (Files.exists(keysDir.resolve(KeyRing.FILE))) {
      throw new ArchiveExistsException(dir, "a keyring exists without a manifest: an interrupted create? remove " + keysDir);
    }
    SigningKeys keys = SigningKeys.generate();
    keys.write(keysDir);
    String archiveId = newArchiveId();
    Encryption encryption = Encryption.create(keysDir, archiveId, masterKeys, options.clock().millis());
    new Manifest(archiveId, options.clock().millis(), keys.fingerprint(), encryption.scheme()).write(dir);
    LOG.info("created archive at {} (encrypted, master key {})", dir, encryption.keyRing().masterId());
    return open(dir, options, masterKeys);
  }

  /**
   * Opens the archive in {@code dataDir}, recovering after a crash: every acknowledged record is there,
   * a missing last checkpoint is signed, the derived id index catches up (or is rebuilt if damaged).
   *
   * @throws NoArchiveException if there is no archive there (the message says how to create one)
   * @throws CorruptObjectException if the manifest, keys, or an object needed to open is damaged
   *     (run {@code coffer verify} for the full report)
   * @throws dev.coffer.archive.layout.ArchiveInUseException if another process has the archive open
   *     (the writer's lock, {@link ArchiveLock})
   */
  public static Archive open(Path dataDir, ArchiveOptions options) throws IOException {
    return open(dataDir, options, MasterKeySource.standard(dataDir));
  }

  /**
   * {@link #open(Path, ArchiveOptions)} with the master keys from {@code masterKeys}.
   *
   * @throws dev.coffer.archive.crypto.MasterKeyException if the archive is encrypted and the master
   *     key its keyring names is not in {@code masterKeys} (the message names the key and the places
   *     looked in)
   */
  public static Archive open(Path dataDir, ArchiveOptions options, MasterKeySource masterKeys) throws IOException {
    return open(dataDir, options, masterKeys, UnaryOperator.identity());
  }

  /** {@link #open} with the object store wrapped (fault injection in tests). */
  static Archive open(Path dataDir, ArchiveOptions options, UnaryOperator<ObjectStore> wrapStore) throws IOException {
    return open(dataDir, options, MasterKeySource.standard(dataDir), wrapStore);
  }

  /**
   * How the archive in {@code dataDir} is encrypted, with its keys unwrapped (for tools that read
   * the directory without opening the archive: verify, the search index's check).
   *
   * @throws dev.coffer.archive.crypto.MasterKeyException if its master key is not available
   */
  public static Encryption encryption(Path dataDir, MasterKeySource masterKeys) throws IOException {
    Path dir = dataDir.toAbsolutePath().normalize();
    if (!exists(dir)) {
      throw new NoArchiveException(dir);
    }
    Manifest manifest = Manifest.read(dir);
    return Encryption.open(dir.resolve(ArchiveLayout.KEYS), manifest.archiveId(), manifest.encryption(), masterKeys);
  }

  /** What a key rotation did. */
  public record Rotation(String oldMasterId, String newMasterId, String newMasterOrigin, int newDataKeyId) {}

  /**
   * Rotates an open archive's keys: its data keys are re-wrapped under {@code newMaster} (or, if null,
   * a new master key file written into {@code keys/}), and a new data key becomes current for content
   * written from the next open on. No object is rewritten. The old master key file stays (it still
   * opens older copies of the keyring, e.g. in backups) until it is retired. The new keyring is copied
   * to the mirror, if there is one (never the master key).
   *
   * <p>The rotation is evidence whatever the crash point: a {@code keys.rotate.begin} audit record
   * before the keyring is replaced, {@code keys.rotate} after it, and an intent file that the next
   * open uses to complete the records (or to record the rotation as abandoned) if the process stopped
   * in between (see {@code KeyRotation}).
   *
   * @param actor who rotates (written into the audit records), e.g. {@code os:alice}
   * @param host where from, or null
   * @throws IllegalStateException if the archive is not encrypted or is in memory
   */
  public static Rotation rotateKeys(Archive archive, MasterKey newMaster, String actor, String host) throws IOException {
    return rotateKeys(archive, newMaster, actor, host, KeyRotation.Steps.NONE);
  }

  static Rotation rotateKeys(Archive archive, MasterKey newMaster, String actor, String host, KeyRotation.Steps steps)
      throws IOException {
    Encryption enc = archive.encryption();
    if (!enc.enabled() || archive.directory() == null) {
      throw new IllegalStateException("archive " + archive.archiveId() + " is not encrypted on disk: nothing to rotate");
    }
    return KeyRotation.rotate(archive, newMaster, actor, host, steps);
  }

  /** {@link #open} with the object store wrapped (fault injection in tests). */
  static Archive open(Path dataDir, ArchiveOptions options, MasterKeySource masterKeys, UnaryOperator<ObjectStore> wrapStore)
      throws IOException {
    Path dir = dataDir.toAbsolutePath().normalize();
    if (!exists(dir)) {
      throw new NoArchiveException(dir);
    }
    Manifest manifest = Manifest.read(dir);
    SigningKeys keys = SigningKeys.read(dir.resolve(ArchiveLayout.KEYS));
    if (!keys.fingerprint().equals(manifest.signingKeyFingerprint())) {
      throw new CorruptObjectException(ArchiveLayout.KEYS + "/" + SigningKeys.PUBLIC_FILE,
          "public key is not the one the manifest names", manifest.signingKeyFingerprint(), keys.fingerprint());
    }
    // Keys before the lock: an archive whose master key is missing is refused before anything is touched.
    Encryption encryption = Encryption.open(dir.resolve(ArchiveLayout.KEYS), manifest.archiveId(), manifest.encryption(),
        masterKeys);
    // The writer's lock comes first: a second process is refused before it touches anything.
    ArchiveLock lock = ArchiveLock.acquire(dir);
    Recovery recovery = new Recovery(lock.uncleanShutdown());
    IdIndex idIndex = null;
    ObjectStore store = null;
    try {
      idIndex = openIdIndex(dir, recovery, encryption);
      recovery.leftovers(dir.resolve(ArchiveLayout.OBJECTS).resolve(FileObjectStore.TEMP_DIR), "objects/.tmp");
      recovery.leftovers(dir.resolve(ArchiveLayout.STAGING), ArchiveLayout.STAGING);
      ObjectStore backends = ArchiveLayout.openBackends(dir);
      store = wrapStore.apply(encryption.wrap(backends));
      Path staging = dir.resolve(ArchiveLayout.STAGING);
      SegmentedArchive.deleteTree(staging);
      Files.createDirectories(staging);
      SegmentedArchive archive = new SegmentedArchive(dir, store, manifest.archiveId(), keys, idIndex, options, staging, false, encryption);
      archive.holdLock(lock);
      archive.backend(backends);
      if (backends instanceof MirroredObjectStore m) {
        archive.mirror(m);
      }
      archive.recover(recovery);
      KeyRotation.recover(archive, encryption.keyRing(), recovery);
      Mirrors.syncKeyringAtOpen(dir, recovery);
      if (recovery.happened()) {
        archive.append(List.of(recovery.audit(manifest.archiveId(), archive.size(), options.clock().instant())));
        LOG.warn("archive {}: recovered after {}; audit record appended: {}", manifest.archiveId(),
            recovery.unclean() ? "an unclean shutdown" : "an interrupted write", recovery.detail());
      }
      return archive;
    } catch (IOException | RuntimeException e) {
      try {
        if (idIndex != null) {
          idIndex.close();
        }
        if (store != null) {
          store.close();
        }
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      } finally {
        // Not closed cleanly: the next open still sees "open" in the lock file and recovers again.
        lock.abandon();
      }
      throw e;
    }
  }

  /**
   * A fresh archive in memory (tests, tools): same core, {@link MemoryObjectStore}, no directory;
   * encrypted like an archive on disk, under a data key that exists only in memory.
   */
  public static Archive inMemory(ArchiveOptions options) throws IOException {
    String archiveId = newArchiveId();
    Encryption encryption = Encryption.of(KeyRing.inMemory(archiveId, "in-memory", options.clock().millis()));
    IdIndex idIndex = IdIndex.open(encryption.wrap(new ByteBuffersDirectory(), Encryption.ID_INDEX));
    Path staging = Files.createTempDirectory("coffer-staging-");
    MemoryObjectStore backend = new MemoryObjectStore();
    SegmentedArchive archive = new SegmentedArchive(null, encryption.wrap(backend), archiveId,
        SigningKeys.generate(), idIndex, options, staging, true, encryption);
    archive.backend(backend);
    archive.recover(new Recovery(false));
    return archive;
  }

  /**
   * Deletes the derived id index of a closed archive; the next {@link #open} rebuilds it from the
   * segments. This is what {@code coffer reindex} does for the archive's own derived state.
   */
  public static void dropIdIndex(Path dataDir) throws IOException {
    Path dir = dataDir.toAbsolutePath().normalize();
    if (!exists(dir)) {
      throw new NoArchiveException(dir);
    }
    SegmentedArchive.deleteTree(dir.resolve(ArchiveLayout.ID_INDEX));
  }

  /**
   * Decrypted blocks of the id index kept in memory. Every appended record's id is looked up in every
   * Lucene segment of the id index (dedupe); without the cache each lookup re-initialised AES-CTR and
   * decrypted the block again: 31 % of a 1,000,000-entry import's CPU (BENCHMARKS.md, "Id index").
   */
  private static final long ID_INDEX_CACHE_BYTES = 32L << 20;

  private static IdIndex openIdIndex(Path dir, Recovery recovery, Encryption encryption) throws IOException {
    Path path = dir.resolve(ArchiveLayout.ID_INDEX);
    Directory fs = encryption.wrap(FSDirectory.open(path), Encryption.ID_INDEX, ID_INDEX_CACHE_BYTES);
    try {
      return IdIndex.open(fs);
    } catch (LockObtainFailedException e) {
      fs.close();
      throw new IOException("the archive at " + dir + " is open in another process", e);
    } catch (IOException | RuntimeException e) {
      fs.close();
      LOG.warn("derived id index at {} unreadable ({}); rebuilding it from the segments", path, e.toString());
      recovery.note("id_index", "unreadable (" + e.getClass().getSimpleName() + "); rebuilt from the segments");
      SegmentedArchive.deleteTree(path);
      return IdIndex.open(encryption.wrap(FSDirectory.open(path), Encryption.ID_INDEX, ID_INDEX_CACHE_BYTES));
    }
  }

  private static boolean nonEmpty(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.anyMatch(p -> !p.getFileName().toString().startsWith("."));
    }
  }

  private static String newArchiveId() {
    byte[] b = new byte[16];
    new SecureRandom().nextBytes(b);
    return Digests.hex(b);
  }
}
