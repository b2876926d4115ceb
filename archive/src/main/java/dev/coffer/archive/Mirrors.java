package dev.coffer.archive;

import dev.coffer.archive.blob.BlobFormat;
import dev.coffer.archive.checkpoint.CheckpointFormat;
import dev.coffer.archive.layout.ArchiveLayout;
import dev.coffer.archive.layout.ArchiveLock;
import dev.coffer.archive.layout.Manifest;
import dev.coffer.archive.layout.MirrorConfig;
import dev.coffer.archive.segment.SegmentFormat;
import dev.coffer.archive.store.CorruptObjectException;
import dev.coffer.archive.store.FileObjectStore;
import dev.coffer.archive.store.MirroredObjectStore;
import dev.coffer.archive.store.ObjectExistsException;
import dev.coffer.archive.store.ObjectStore;
import dev.coffer.archive.verify.Problem;
import dev.coffer.model.Audit;
import dev.coffer.model.Digests;
import dev.coffer.model.Ids;
import dev.coffer.model.Party;
import dev.coffer.model.Source;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Administers an archive's redundant copy (see {@link MirroredObjectStore} for how writes reach it):
 * adding a mirror to an existing archive, comparing both copies, and repairing the primary from the
 * mirror. The mirror's directory is a data directory of its own: {@code objects/} with the same keys
 * and bytes, plus copies of {@code archive.manifest} and {@code keys/}, so {@code coffer verify --data
 * MIRROR} checks it on its own and it can stand in for a lost primary.
 *
 * <p>{@link #add} and {@link #restoreFromMirror} take the archive's writer lock (they refuse to run
 * beside a writer) and are audited; {@link #compare} only reads.
 */
public final class Mirrors {
  private static final Logger LOG = LoggerFactory.getLogger(Mirrors.class);

  private Mirrors() {}

  /** What {@link #add} did. */
  public record Added(Path location, MirroredObjectStore.Policy policy, long copied, long alreadyThere, long bytesCopied) {}

  /**
   * Makes {@code location} the archive's mirror: copies every existing object (and the manifest and
   * keys) there, then writes {@code mirror.conf}, so every later write goes to both. Objects already
   * on the mirror with the same bytes are kept; different bytes stop the add (nothing overwritten).
   * Appends an audit record (action {@code mirror-add}).
   *
   * @throws IllegalArgumentException if the location is not independent of the data directory, or
   *     holds another archive
   */
  public static Added add(Path dataDir, Path location, MirroredObjectStore.Policy policy, String actor, String host)
      throws IOException {
    Path dir = requireArchive(dataDir);
    MirrorConfig config = new MirrorConfig(location.toAbsolutePath(), policy);
    config.checkIndependentOf(dir);
    long copied = 0;
    long already = 0;
    long bytes = 0;
    try (ArchiveLock lock = ArchiveLock.acquire(dir)) {
      Path mirrorDir = config.location();
      Files.createDirectories(mirrorDir);
      copyArchiveFiles(dir, mirrorDir);
      try (FileObjectStore primary = new FileObjectStore(dir.resolve(ArchiveLayout.OBJECTS));
          FileObjectStore mirror = ArchiveLayout.openMirror(mirrorDir);
          Stream<String> keys = primary.list("")) {
        for (Iterator<String> it = keys.iterator(); it.hasNext(); ) {
          String key = it.next();
          try (InputStream in = primary.open(key)) {
            mirror.put(key, in);
            copied++;
            bytes += primary.size(key);
          } catch (ObjectExistsException e) {
            if (!sameBytes(primary, mirror, key)) {
              throw new IOException("the mirror at " + mirrorDir + " already holds different bytes under " + key
                  + "; choose an empty directory (nothing was overwritten)");
            }
            already++;
          }
        }
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
      config.write(dir);
    }
    LOG.info("mirror of {} added at {} ({} policy): {} objects copied, {} already there", dir, config.location(),
        policy, copied, already);
    Map<String, String> detail = new LinkedHashMap<>();
    detail.put("location", config.location().toString());
    detail.put("policy", policy.name().toLowerCase(java.util.Locale.ROOT));
    detail.put("objects_copied", Long.toString(copied));
    detail.put("objects_already_there", Long.toString(already));
    audit(dir, actor, host, "mirror-add", List.of(), detail);
    return new Added(config.location(), policy, copied, already, bytes);
  }

  /** The manifest and key files, copied into the mirror's directory (kept if already there and equal). */
  private static void copyArchiveFiles(Path dir, Path mirrorDir) throws IOException {
    Path manifest = mirrorDir.resolve(ArchiveLayout.MANIFEST);
    if (Files.exists(manifest)) {
      if (!Manifest.read(mirrorDir).archiveId().equals(Manifest.read(dir).archiveId())) {
        throw new IllegalArgumentException("the mirror location " + mirrorDir + " holds another archive");
      }
    } else {
      Files.copy(dir.resolve(ArchiveLayout.MANIFEST), manifest);
    }
    Path keys = dir.resolve(ArchiveLayout.KEYS);
    Path mirrorKeys = mirrorDir.resolve(ArchiveLayout.KEYS);
    Files.createDirectories(mirrorKeys);
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(keys)) {
      for (Path p : ds) {
        if (Files.isRegularFile(p)) {
          Files.copy(p, mirrorKeys.resolve(p.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING,
              StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  /** What {@link #compare} found. */
  public record Comparison(Path location, long primaryObjects, long mirrorObjects, long pending, List<Problem> problems) {
    public Comparison {
      problems = List.copyOf(problems);
    }

    public boolean ok() {
      return problems.isEmpty();
    }
  }

  /**
   * Compares the primary's objects with the mirror's, key by key and byte for byte (SHA-256 of each
   * side): names every object missing on either side or different. Objects still in the mirror queue
   * (an async mirror catching up) are counted as pending, not as problems. Reads only.
   *
   * @throws IllegalStateException if the archive has no mirror
   */
  public static Comparison compare(Path dataDir) throws IOException {
    Path dir = requireArchive(dataDir);
    MirrorConfig config = MirrorConfig.read(dir)
        .orElseThrow(() -> new IllegalStateException("the archive at " + dir + " has no mirror (coffer mirror add DIR)"));
    Set<String> pending = pendingKeys(dir);
    List<Problem> problems = new ArrayList<>();
    long primaryCount = 0;
    long mirrorCount = 0;
    long pendingCount = 0;
    ObjectStore primary = FileObjectStore.openReadOnly(dir.resolve(ArchiveLayout.OBJECTS));
    ObjectStore mirror = FileObjectStore.openReadOnly(config.location().resolve(ArchiveLayout.OBJECTS));
    String mirrorName = config.location().resolve(ArchiveLayout.OBJECTS).toString();
    try (Stream<String> a = primary.list(""); Stream<String> b = mirror.list("")) {
      Iterator<String> ia = a.iterator();
      Iterator<String> ib = b.iterator();
      String ka = ia.hasNext() ? ia.next() : null;
      String kb = ib.hasNext() ? ib.next() : null;
      while (ka != null || kb != null) {
        int c = ka == null ? 1 : kb == null ? -1 : ka.compareTo(kb);
        if (c < 0) {
          primaryCount++;
          if (pending.contains(ka)) {
            pendingCount++;
          } else {
            problems.add(new Problem(ArchiveLayout.OBJECTS + "/" + ka, "missing on the mirror", mirrorName, "absent"));
          }
          ka = ia.hasNext() ? ia.next() : null;
        } else if (c > 0) {
          mirrorCount++;
          problems.add(new Problem(ArchiveLayout.OBJECTS + "/" + kb, "missing on the primary (on the mirror only; "
              + "coffer restore --from-mirror copies it back)", "present", "absent"));
          kb = ib.hasNext() ? ib.next() : null;
        } else {
          primaryCount++;
          mirrorCount++;
          String ha = sha256(primary, ka);
          String hb = sha256(mirror, kb);
          if (!ha.equals(hb)) {
            problems.add(new Problem(ArchiveLayout.OBJECTS + "/" + ka, "differs between the primary and the mirror",
                "mirror sha256 " + hb, "primary sha256 " + ha));
          }
          ka = ia.hasNext() ? ia.next() : null;
          kb = ib.hasNext() ? ib.next() : null;
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return new Comparison(config.location(), primaryCount, mirrorCount, pendingCount, problems);
  }

  /** What {@link #restoreFromMirror} did. */
  public record Restored(long copied, long replaced, long copiedToMirror, List<Problem> unresolved) {
    public Restored {
      unresolved = List.copyOf(unresolved);
    }
  }

  /**
   * Repairs the primary from the mirror: copies every object missing on the primary; where both hold
   * different bytes, checks each copy against its format (segment CRC and every record digest,
   * checkpoint form, blob hash) and, when only the mirror's copy is sound, moves the primary's bytes
   * to {@code quarantine/} and puts the mirror's copy in its place; objects missing on the mirror are
   * copied to it. Anything it cannot decide (both
   * sound, neither sound) is reported and left alone. Appends an audit record (action {@code restore})
   * naming the objects repaired.
   */
  public static Restored restoreFromMirror(Path dataDir, String actor, String host) throws IOException {
    Path dir = requireArchive(dataDir);
    Comparison before = compare(dir);
    MirrorConfig config = MirrorConfig.read(dir).orElseThrow();
    // Both copies hold ciphertext: deciding which one is sound means authenticating it.
    dev.coffer.archive.crypto.Encryption encryption =
        Archives.encryption(dir, dev.coffer.archive.crypto.MasterKeySource.standard(dir));
    long copied = 0;
    long replaced = 0;
    long toMirror = 0;
    List<Problem> unresolved = new ArrayList<>();
    List<String> targets = new ArrayList<>();
    try (ArchiveLock lock = ArchiveLock.acquire(dir);
        FileObjectStore primary = new FileObjectStore(dir.resolve(ArchiveLayout.OBJECTS));
        FileObjectStore mirror = ArchiveLayout.openMirror(config.location())) {
      for (Problem p : before.problems()) {
        String key = p.object().substring(ArchiveLayout.OBJECTS.length() + 1);
        if (p.what().startsWith("missing on the primary")) {
          try (InputStream in = mirror.open(key)) {
            primary.put(key, in);
          }
          copied++;
          targets.add(key);
        } else if (p.what().startsWith("differs")) {
          byte[] mine = primary.get(key);
          byte[] theirs = mirror.get(key);
          boolean mineSound = sound(encryption, key, mine);
          boolean theirsSound = sound(encryption, key, theirs);
          if (!mineSound && theirsSound) {
            Path q = dir.resolve(ArchiveLayout.QUARANTINE);
            Files.createDirectories(q);
            Files.write(q.resolve(key.substring(key.lastIndexOf('/') + 1) + "." + System.currentTimeMillis()), mine);
            primary.delete(key);
            primary.put(key, theirs);
            replaced++;
            targets.add(key);
          } else {
            unresolved.add(new Problem(p.object(), p.what() + (mineSound ? (theirsSound ? "; both copies are well formed"
                : "; the primary's copy is sound, the mirror's is not (the mirror is not changed by restore)")
                : "; neither copy is well formed"), p.expected(), p.actual()));
          }
        } else if (p.what().startsWith("missing on the mirror")) {
          try (InputStream in = primary.open(key)) {
            mirror.put(key, in); // redundancy restored the other way: never overwrites
          }
          toMirror++;
        } else {
          unresolved.add(p);
        }
      }
    }
    Map<String, String> detail = new LinkedHashMap<>();
    detail.put("mirror", config.location().toString());
    detail.put("objects_copied", Long.toString(copied));
    detail.put("objects_replaced", Long.toString(replaced));
    detail.put("objects_copied_to_mirror", Long.toString(toMirror));
    detail.put("unresolved", Long.toString(unresolved.size()));
    LOG.warn("restored {} from its mirror: {} copied, {} replaced, {} unresolved", dir, copied, replaced, unresolved.size());
    audit(dir, actor, host, "restore", targets.size() <= 1000 ? targets : targets.subList(0, 1000), detail);
    return new Restored(copied, replaced, toMirror, unresolved);
  }

  /**
   * Do the stored bytes {@code sealed} decrypt and authenticate under {@code key}, and pass the format
   * check of the object kind its key names?
   */
  static boolean sound(dev.coffer.archive.crypto.Encryption encryption, String key, byte[] sealed) {
    try {
      dev.coffer.archive.store.MemoryObjectStore one = new dev.coffer.archive.store.MemoryObjectStore();
      one.put(key, sealed);
      byte[] bytes = encryption.wrap(one).get(key);
      if (ArchiveLayout.serialOfSegmentKey(key) >= 1) {
        return SegmentFormat.digestMismatches(SegmentFormat.decodeStructure(key, bytes)).isEmpty();
      }
      if (ArchiveLayout.sizeOfCheckpointKey(key) >= 0) {
        CheckpointFormat.decode(key, bytes);
        return true;
      }
      String name = ArchiveLayout.nameOfBlobKey(key);
      if (name != null) {
        String digest = BlobFormat.checkAndDigest(key, new ByteArrayInputStream(bytes));
        return encryption.blobNames().nameOf(digest).equals(name);
      }
      return false;
    } catch (CorruptObjectException e) {
      return false;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static Set<String> pendingKeys(Path dir) throws IOException {
    Set<String> out = new HashSet<>();
    Path q = dir.resolve(ArchiveLayout.MIRROR_QUEUE);
    if (Files.isDirectory(q)) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(q)) {
        for (Path p : ds) {
          out.add(p.getFileName().toString().replace('+', '/'));
        }
      }
    }
    return out;
  }

  private static boolean sameBytes(ObjectStore a, ObjectStore b, String key) throws IOException {
    return sha256(a, key).equals(sha256(b, key));
  }

  private static String sha256(ObjectStore store, String key) throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream in = store.open(key)) {
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        sha.update(buf, 0, n);
      }
    }
    return Digests.hex(sha.digest());
  }

  private static Path requireArchive(Path dataDir) throws IOException {
    Path dir = dataDir.toAbsolutePath().normalize();
    if (!Archives.exists(dir)) {
      throw new NoArchiveException(dir);
    }
    return dir;
  }

  /** Opens the archive (taking the lock again) and appends the audit record of an administrative act. */
  private static void audit(Path dir, String actor, String host, String action, List<String> targets,
      Map<String, String> detail) throws IOException {
    try (Archive archive = Archives.open(dir, ArchiveOptions.defaults())) {
      Instant now = Instant.now();
      String id = Ids.derive("coffer/audit", actor, now.toString(), action, UUID.randomUUID().toString());
      archive.append(List.of(new Audit(id, "coffer", null, new Party(actor, null), now, null, action, targets, detail, host,
          new Source("coffer-archive", null, null, null, null))));
    }
  }
}
