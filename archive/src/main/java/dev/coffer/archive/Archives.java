package dev.coffer.archive;

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

  /**
   * Creates an archive in {@code dataDir} (created if needed; other files in it are left alone): a new
   * Ed25519 checkpoint-signing key pair, a random archive id, the manifest (written last: a crash
   * before it leaves no archive), and the signed checkpoint of the empty tree.
   *
   * @throws ArchiveExistsException if an archive, or its keys or objects, are already there
   */
  public static Archive create(Path dataDir, ArchiveOptions options) throws IOException {
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
    SigningKeys keys = SigningKeys.generate();
    keys.write(keysDir);
    new Manifest(newArchiveId(), options.clock().millis(), keys.fingerprint()).write(dir);
    LOG.info("created archive at {}", dir);
    return open(dir, options);
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
    return open(dataDir, options, UnaryOperator.identity());
  }

  /** {@link #open} with the object store wrapped (fault injection in tests). */
  static Archive open(Path dataDir, ArchiveOptions options, UnaryOperator<ObjectStore> wrapStore) throws IOException {
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
    // The writer's lock comes first: a second process is refused before it touches anything.
    ArchiveLock lock = ArchiveLock.acquire(dir);
    Recovery recovery = new Recovery(lock.uncleanShutdown());
    IdIndex idIndex = null;
    ObjectStore store = null;
    try {
      idIndex = openIdIndex(dir, recovery);
      recovery.leftovers(dir.resolve(ArchiveLayout.OBJECTS).resolve(FileObjectStore.TEMP_DIR), "objects/.tmp");
      recovery.leftovers(dir.resolve(ArchiveLayout.STAGING), ArchiveLayout.STAGING);
      ObjectStore opened = ArchiveLayout.openStore(dir);
      store = wrapStore.apply(opened);
      Path staging = dir.resolve(ArchiveLayout.STAGING);
      SegmentedArchive.deleteTree(staging);
      Files.createDirectories(staging);
      SegmentedArchive archive = new SegmentedArchive(dir, store, manifest.archiveId(), keys, idIndex, options, staging, false);
      archive.holdLock(lock);
      if (opened instanceof MirroredObjectStore m) {
        archive.mirror(m);
      }
      archive.recover(recovery);
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

  /** A fresh archive in memory (tests, tools): same core, {@link MemoryObjectStore}, no directory. */
  public static Archive inMemory(ArchiveOptions options) throws IOException {
    IdIndex idIndex = IdIndex.open(new ByteBuffersDirectory());
    Path staging = Files.createTempDirectory("coffer-staging-");
    SegmentedArchive archive = new SegmentedArchive(null, new MemoryObjectStore(), newArchiveId(), SigningKeys.generate(),
        idIndex, options, staging, true);
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

  private static IdIndex openIdIndex(Path dir, Recovery recovery) throws IOException {
    Path path = dir.resolve(ArchiveLayout.ID_INDEX);
    FSDirectory fs = FSDirectory.open(path);
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
      return IdIndex.open(FSDirectory.open(path));
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
