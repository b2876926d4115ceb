package dev.coffer.archive.layout;

import dev.coffer.archive.crypto.Encryption;
import dev.coffer.archive.store.FileObjectStore;
import dev.coffer.archive.store.MirroredObjectStore;
import dev.coffer.archive.store.ObjectStore;
import dev.coffer.model.Digests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where everything lives in a data directory and in the object store (see
 * {@code docs/archive-format.md}):
 *
 * <pre>
 * &lt;data&gt;/archive.manifest                    manifest (Manifest)
 * &lt;data&gt;/.lock                               the writer's lock (ArchiveLock)
 * &lt;data&gt;/keys/checkpoint-signing.{pub,key}   Ed25519 key pair (SigningKeys)
 * &lt;data&gt;/keys/master-&lt;id&gt;.key                 master key file(s), 0600 (MasterKeyFile), unless supplied
 * &lt;data&gt;/keys/keyring                       the data keys, wrapped by the master key (KeyRing)
 * &lt;data&gt;/objects/                           the FileObjectStore (objects sealed by EncryptingObjectStore)
 *     segments/&lt;s[0,12)&gt;/&lt;s[12,16)&gt;/&lt;s&gt;.seg    s = first serial, 20 decimal digits
 *     checkpoints/&lt;n[0,12)&gt;/&lt;n[12,16)&gt;/&lt;n&gt;.ckpt n = tree size, 20 decimal digits
 *     blobs/&lt;n[0,2)&gt;/&lt;n[2,4)&gt;/&lt;n&gt;                n = blob name (BlobNames): keyed HMAC of the
 *                                               plaintext's SHA-256, or the SHA-256 itself unencrypted
 *     packs/&lt;s[0,12)&gt;/&lt;s[12,16)&gt;/&lt;s&gt;.pack   blobs a group commit stored together (BlobPack); s = the
 *                                               first serial of the segment written right after it
 *     .tmp/                                     the store's temporary files
 * &lt;data&gt;/idindex/                           derived Lucene index id → serial (rebuildable)
 * &lt;data&gt;/tmp/                               staging for streamed blobs (emptied on open)
 * &lt;data&gt;/index/                             the search module's index (not the archive's)
 * &lt;data&gt;/web/                               the web app's users (not the archive's; owner-only)
 * &lt;data&gt;/directory/current                  the latest imported directory's digest (the server's; the
 *                                               directory itself is a blob in the archive)
 * &lt;data&gt;/directory/lock, inbox/            the directory's own lock, imports handed to a running server
 * &lt;data&gt;/quarantine/                        torn segments recovery set aside (never acknowledged)
 * &lt;data&gt;/mirror.conf                         the redundant copy's location and policy (MirrorConfig)
 * &lt;data&gt;/mirror-queue/                      pending writes to the mirror (MirroredObjectStore)
 * </pre>
 *
 * Fixed-width decimal names make key order equal numeric order; the two directory levels keep every
 * directory under 10,000 entries for the first 10^16 serials.
 */
public final class ArchiveLayout {
  public static final String MANIFEST = "archive.manifest";
  public static final String KEYS = "keys";
  /** In {@link #KEYS}: the intent of a key rotation in progress (or interrupted: the next open finishes it). */
  public static final String KEY_ROTATION_INTENT = "rotation.pending";
  public static final String OBJECTS = "objects";
  public static final String ID_INDEX = "idindex";
  public static final String STAGING = "tmp";
  /** Damaged, never-acknowledged segments that recovery moved out of the store (kept as evidence). */
  public static final String QUARANTINE = "quarantine";
  /** Pending writes to the mirror, one empty file per object key ({@link MirroredObjectStore}). */
  public static final String MIRROR_QUEUE = "mirror-queue";
  /** Owned by the search module; the archive neither writes nor verifies it. */
  public static final String SEARCH_INDEX = "index";
  /** Owned by the web app (its user database); the archive neither writes nor verifies it. */
  public static final String WEB = "web";
  /** Owned by the server's directory (a pointer to its latest blob); the archive does not verify it. */
  public static final String DIRECTORY = "directory";

  public static final String SEGMENTS = "segments/";
  public static final String CHECKPOINTS = "checkpoints/";
  public static final String BLOBS = "blobs/";
  /**
   * Blob packs ({@link dev.coffer.archive.blob.BlobPack}): the blobs of one group commit in one object,
   * written just before the commit's segment and numbered by that segment's first serial.
   */
  public static final String PACKS = "packs/";
  /**
   * A segment being rewritten by disposition: the new bytes are put here first, then the segment is
   * replaced, then this object is removed. Opening the archive finishes or rolls back an interrupted
   * rewrite (see {@code docs/archive-format.md}).
   */
  public static final String REWRITES = "rewrites/";

  private ArchiveLayout() {}

  /**
   * The object store of an archive directory. The one place the store stack is assembled: the
   * filesystem backend, mirrored to a second location when {@code mirror.conf} names one
   * ({@link MirroredObjectStore}, directly above the backends so both hold the same bytes), sealed by
   * {@code encryption} (what the manifest names): the mirror holds ciphertext too.
   */
  public static ObjectStore openStore(Path dataDir, Encryption encryption) throws IOException {
    return encryption.wrap(openBackends(dataDir));
  }

  /**
   * The store below encryption: the filesystem backend, mirrored when {@code mirror.conf} names a
   * mirror. Its objects are ciphertext in an encrypted archive.
   */
  public static ObjectStore openBackends(Path dataDir) throws IOException {
    ObjectStore primary = new FileObjectStore(dataDir.resolve(OBJECTS));
    Optional<MirrorConfig> mirror;
    try {
      mirror = MirrorConfig.read(dataDir);
    } catch (IOException | RuntimeException e) {
      primary.close();
      throw e;
    }
    if (mirror.isEmpty()) {
      return primary;
    }
    Path location = mirror.get().location();
    if (!Files.isRegularFile(location.resolve(MANIFEST))) {
      // Never create an empty mirror where a disk should be mounted: writes would land on the wrong device.
      primary.close();
      throw new IOException("the archive's mirror at " + location + " is not available (no " + MANIFEST
          + " there): mount it, or change " + MirrorConfig.FILE + " (coffer mirror add DIR)");
    }
    return new MirroredObjectStore(primary, openMirror(mirror.get().location()), mirror.get().policy(),
        dataDir.resolve(MIRROR_QUEUE));
  }

  /** The object store inside a mirror's directory (a data directory of its own: {@code <mirror>/objects}). */
  public static FileObjectStore openMirror(Path mirrorDir) throws IOException {
    return new FileObjectStore(mirrorDir.resolve(OBJECTS));
  }

  /** The object store of an archive directory, read-only and untouched (for verify). */
  public static ObjectStore openStoreForReading(Path dataDir, Encryption encryption) {
    return encryption.wrap(FileObjectStore.openReadOnly(dataDir.resolve(OBJECTS)));
  }

  /**
   * The object key a damaged, never-acknowledged segment is set aside under ({@code
   * quarantine/<name>}): in the object store, so a mirror or a remote store keeps it too.
   */
  public static String quarantineKey(String name) {
    return QUARANTINE + "/" + name;
  }

  /** True for a key under {@code quarantine/} (set-aside bytes: not part of the archive's data). */
  public static boolean isQuarantineKey(String key) {
    return key.startsWith(QUARANTINE + "/");
  }

  public static String segmentKey(long firstSerial) {
    return numbered(SEGMENTS, firstSerial, ".seg");
  }

  /** Where the rewritten bytes of the segment starting at {@code firstSerial} wait during a rewrite. */
  public static String rewriteKey(long firstSerial) {
    return numbered(REWRITES, firstSerial, ".seg");
  }

  /** The first serial a well-formed rewrite key names, or -1. */
  public static long serialOfRewriteKey(String key) {
    return numberOf(key, REWRITES, ".seg");
  }

  /** The blob pack written by the commit whose (first) segment starts at {@code firstSerial}. */
  public static String packKey(long firstSerial) {
    return numbered(PACKS, firstSerial, ".pack");
  }

  /** The first serial a well-formed pack key names, or -1. */
  public static long serialOfPackKey(String key) {
    return numberOf(key, PACKS, ".pack");
  }

  public static String checkpointKey(long size) {
    return numbered(CHECKPOINTS, size, ".ckpt");
  }

  /**
   * The key of the blob named {@code name}: 64 lowercase hex from
   * {@link dev.coffer.archive.crypto.BlobNames#nameOf} (never pass a digest here directly: in an
   * encrypted archive the name is keyed).
   */
  public static String blobKeyOfName(String name) {
    if (!Digests.isSha256Hex(name)) {
      throw new IllegalArgumentException("not a 64-hex blob name: " + name);
    }
    return BLOBS + name.substring(0, 2) + "/" + name.substring(2, 4) + "/" + name;
  }

  private static String numbered(String prefix, long n, String suffix) {
    if (n < 0) {
      throw new IllegalArgumentException("negative number in key: " + n);
    }
    String s = String.format("%020d", n);
    return prefix + s.substring(0, 12) + "/" + s.substring(12, 16) + "/" + s + suffix;
  }

  /** The first serial a well-formed segment key names, or -1. */
  public static long serialOfSegmentKey(String key) {
    return numberOf(key, SEGMENTS, ".seg");
  }

  /** The tree size a well-formed checkpoint key names, or -1. */
  public static long sizeOfCheckpointKey(String key) {
    return numberOf(key, CHECKPOINTS, ".ckpt");
  }

  /** The blob name a well-formed blob key holds, or null. */
  public static String nameOfBlobKey(String key) {
    if (!key.startsWith(BLOBS)) {
      return null;
    }
    String h = key.substring(key.lastIndexOf('/') + 1);
    return Digests.isSha256Hex(h) && blobKeyOfName(h).equals(key) ? h : null;
  }

  private static long numberOf(String key, String prefix, String suffix) {
    if (!key.startsWith(prefix) || !key.endsWith(suffix)) {
      return -1;
    }
    String name = key.substring(key.lastIndexOf('/') + 1, key.length() - suffix.length());
    if (name.length() != 20 || !name.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return -1;
    }
    long n;
    try {
      n = Long.parseLong(name);
    } catch (NumberFormatException e) {
      return -1;
    }
    return numbered(prefix, n, suffix).equals(key) ? n : -1;
  }
}
