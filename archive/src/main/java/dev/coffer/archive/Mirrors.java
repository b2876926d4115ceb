package dev.coffer.archive;

import dev.coffer.archive.blob.BlobFormat;
import dev.coffer.archive.checkpoint.CheckpointFormat;
import dev.coffer.archive.crypto.KeyRing;
import dev.coffer.archive.crypto.MasterKeyFile;
import dev.coffer.archive.crypto.MasterKeySource;
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
import java.util.Optional;
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

  /**
   * The manifest and the key files a stand-in needs, copied into the mirror's directory (kept if already
   * there and equal): the checkpoint-signing keys and the wrapped keyring, never a master key file (the
   * mirror holds ciphertext; its master key is escrowed separately, docs/encryption.md).
   */
  private static void copyArchiveFiles(Path dir, Path mirrorDir) throws IOException {
    Path manifest = mirrorDir.resolve(ArchiveLayout.MANIFEST);
    if (Files.exists(manifest)) {
      if (!Manifest.read(mirrorDir).archiveId().equals(Manifest.read(dir).archiveId())) {
        throw new IllegalArgumentException("the mirror location " + mirrorDir + " holds another archive");
      }
    } else {
      Files.copy(dir.resolve(ArchiveLayout.MANIFEST), manifest);
    }
    copyKeyFiles(dir.resolve(ArchiveLayout.KEYS), mirrorDir.resolve(ArchiveLayout.KEYS));
  }

  /** Copies the key files of {@code from} that belong with a copy of the data, skipping master keys. */
  private static void copyKeyFiles(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(from)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (!Files.isRegularFile(p) || !travelsWithData(name)) {
          continue;
        }
        if (name.equals(KeyRing.FILE)) {
          KeyRotation.writeAtomically(to, KeyRing.FILE, Files.readAllBytes(p));
        } else {
          Files.copy(p, to.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  /** Key files a copy of the data carries: not master keys, not a rotation's or a write's leftovers. */
  private static boolean travelsWithData(String name) {
    return !MasterKeyFile.isKeyFileName(name) && !name.endsWith(".tmp") && !name.equals(KeyRotation.PENDING);
  }

  /**
   * Copies {@code keys/keyring} (wrapped data keys; never a master key) to the archive's mirror, if it
   * has one, atomically. Called after every keyring change and at every open. A mirror that cannot be
   * written is not an error here (the keyring is already changed on the primary): it is logged, said in
   * the result, and {@code coffer verify --mirror} reports the difference until a later open copies it.
   *
   * @return null without a mirror; otherwise what happened, for the audit record
   */
  static String copyKeyringToMirror(Path dir) throws IOException {
    Optional<MirrorConfig> config = MirrorConfig.read(dir);
    if (config.isEmpty()) {
      return null;
    }
    Path mirrorKeys = config.get().location().resolve(ArchiveLayout.KEYS);
    try {
      Files.createDirectories(mirrorKeys);
      KeyRotation.writeAtomically(mirrorKeys, KeyRing.FILE, Files.readAllBytes(dir.resolve(ArchiveLayout.KEYS).resolve(KeyRing.FILE)));
      return "copied to " + mirrorKeys.resolve(KeyRing.FILE);
    } catch (IOException e) {
      LOG.warn("the keyring could not be copied to the mirror at {}: {}; the next open retries", mirrorKeys, e.toString());
      return "not copied to " + mirrorKeys + " (" + e.getClass().getSimpleName() + "); the next open retries";
    }
  }

  /** At open: brings the mirror's keyring up to date if it is missing or differs (an earlier copy failed). */
  static void syncKeyringAtOpen(Path dir, Recovery recovery) throws IOException {
    Optional<MirrorConfig> config = MirrorConfig.read(dir);
    if (config.isEmpty()) {
      return;
    }
    Path mine = dir.resolve(ArchiveLayout.KEYS).resolve(KeyRing.FILE);
    Path theirs = config.get().location().resolve(ArchiveLayout.KEYS).resolve(KeyRing.FILE);
    if (!Files.isRegularFile(mine)) {
      return; // an unencrypted archive
    }
    if (Files.isRegularFile(theirs) && java.util.Arrays.equals(Files.readAllBytes(mine), Files.readAllBytes(theirs))) {
      return;
    }
    recovery.note("mirror_keyring", copyKeyringToMirror(dir) + " (the mirror's copy was missing or differed)");
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
    problems.addAll(compareKeys(dir, config.location()));
    return new Comparison(config.location(), primaryCount, mirrorCount, pendingCount, problems);
  }

  /**
   * The mirror's key files against the primary's: the wrapped keyring must be the same (without it
   * the mirror's ciphertext is unreadable after the primary is lost), and no master key file may be
   * there (a mirror with its master key is plaintext to whoever holds it).
   */
  private static List<Problem> compareKeys(Path dir, Path location) throws IOException {
    List<Problem> problems = new ArrayList<>();
    Path mine = dir.resolve(ArchiveLayout.KEYS).resolve(KeyRing.FILE);
    Path theirs = location.resolve(ArchiveLayout.KEYS).resolve(KeyRing.FILE);
    String object = ArchiveLayout.KEYS + "/" + KeyRing.FILE;
    if (Files.isRegularFile(mine)) {
      if (!Files.isRegularFile(theirs)) {
        problems.add(new Problem(object, "missing on the mirror: the mirror's ciphertext cannot be read without it "
            + "(reopening the archive, or coffer restore --from-mirror, copies it)", "present", "absent"));
      } else {
        String a = Digests.hex(sha256(Files.readAllBytes(mine)));
        String b = Digests.hex(sha256(Files.readAllBytes(theirs)));
        if (!a.equals(b)) {
          problems.add(new Problem(object, "differs between the primary and the mirror (keyring with "
              + KeyRing.dataKeyCountOf(mine.getParent()) + " data keys on the primary, "
              + KeyRing.dataKeyCountOf(theirs.getParent()) + " on the mirror; reopening the archive, or coffer restore "
              + "--from-mirror, copies the newer one)", "mirror sha256 " + b, "primary sha256 " + a));
        }
      }
    }
    Path mirrorKeys = location.resolve(ArchiveLayout.KEYS);
    if (Files.isDirectory(mirrorKeys)) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(mirrorKeys)) {
        for (Path p : ds) {
          if (MasterKeyFile.isKeyFileName(p.getFileName().toString())) {
            problems.add(new Problem(ArchiveLayout.KEYS + "/" + p.getFileName() + " (on the mirror)",
                "a master key file is stored with the mirror's ciphertext: escrow it separately, then delete it from "
                    + mirrorKeys, "absent", "present"));
          }
        }
      }
    }
    return problems;
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * What {@link #restoreFromMirror} did.
   *
   * @param recreated true if the primary's directory was rebuilt from the mirror (it held no archive)
   * @param keyring what happened to {@code keys/keyring}: {@code unchanged}, {@code copied from the
   *     mirror} (the primary's was missing, damaged or older), {@code copied to the mirror}
   */
  public record Restored(long copied, long replaced, long copiedToMirror, List<Problem> unresolved, boolean recreated,
      String keyring) {
    public Restored {
      unresolved = List.copyOf(unresolved);
    }
  }

  /** {@link #restoreFromMirror(Path, Path, MasterKeySource, String, String)} with the configured mirror. */
  public static Restored restoreFromMirror(Path dataDir, String actor, String host) throws IOException {
    return restoreFromMirror(dataDir, null, MasterKeySource.standard(dataDir.toAbsolutePath().normalize()), actor, host);
  }

  /**
   * Repairs the primary from the mirror: copies every object missing on the primary; where both hold
   * different bytes, checks each copy against its format (segment CRC and every record digest,
   * checkpoint form, blob hash) and, when only the mirror's copy is sound, moves the primary's bytes
   * to {@code quarantine/} and puts the mirror's copy in its place; objects missing on the mirror are
   * copied to it. The wrapped keyring is restored the same way: the newer copy (more data keys) wins,
   * a damaged or missing one is replaced (the damaged bytes kept in {@code quarantine/}). Anything it
   * cannot decide (both sound, neither sound) is reported and left alone. Appends an audit record
   * (action {@code restore}) naming the objects repaired.
   *
   * <p>When {@code dataDir} holds no archive at all (the primary was lost) and {@code mirrorLocation}
   * is given, the primary is rebuilt from the mirror: its manifest, signing keys and keyring, a
   * {@code mirror.conf} naming the mirror (policy {@code both}), then every object. The master key is
   * never on the mirror: it must come from {@code masterKeys} (its escrowed copy).
   *
   * @param mirrorLocation the mirror's directory, or null for the one {@code mirror.conf} names
   * @throws NoArchiveException if there is no archive at {@code dataDir} and no mirror location was given
   * @throws IllegalArgumentException if {@code mirrorLocation} is not the mirror the archive names, or
   *     holds no archive
   */
  public static Restored restoreFromMirror(Path dataDir, Path mirrorLocation, MasterKeySource masterKeys, String actor,
      String host) throws IOException {
    Path dir = dataDir.toAbsolutePath().normalize();
    boolean recreated = false;
    if (!Archives.exists(dir)) {
      if (mirrorLocation == null) {
        throw new NoArchiveException(dir);
      }
      recreateFromMirror(dir, mirrorLocation.toAbsolutePath().normalize());
      recreated = true;
    }
    MirrorConfig config = MirrorConfig.read(dir)
        .orElseThrow(() -> new IllegalStateException("the archive at " + dir + " has no mirror (coffer mirror add DIR)"));
    if (mirrorLocation != null && !config.location().equals(mirrorLocation.toAbsolutePath().normalize())) {
      throw new IllegalArgumentException("the archive at " + dir + " is mirrored to " + config.location() + ", not "
          + mirrorLocation.toAbsolutePath().normalize());
    }
    long copied = 0;
    long replaced = 0;
    long toMirror = 0;
    String keyring;
    List<Problem> unresolved = new ArrayList<>();
    List<String> targets = new ArrayList<>();
    try (ArchiveLock lock = ArchiveLock.acquire(dir);
        FileObjectStore primary = new FileObjectStore(dir.resolve(ArchiveLayout.OBJECTS));
        FileObjectStore mirror = ArchiveLayout.openMirror(config.location())) {
      keyring = restoreKeyring(dir, config.location(), unresolved, targets);
      // Both copies hold ciphertext: deciding which one is sound means authenticating it.
      dev.coffer.archive.crypto.Encryption encryption = Archives.encryption(dir, masterKeys);
      Comparison before = compare(dir);
      for (Problem p : before.problems()) {
        if (!p.object().startsWith(ArchiveLayout.OBJECTS + "/")) {
          if (!p.object().equals(ArchiveLayout.KEYS + "/" + KeyRing.FILE)) {
            unresolved.add(p); // e.g. a master key file on the mirror: for a person to move
          }
          continue;
        }
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
            quarantine(dir, key, mine);
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
    if (recreated) {
      detail.put("primary", "rebuilt from the mirror (no archive was at " + dir + ")");
    }
    detail.put("keyring", keyring);
    detail.put("objects_copied", Long.toString(copied));
    detail.put("objects_replaced", Long.toString(replaced));
    detail.put("objects_copied_to_mirror", Long.toString(toMirror));
    detail.put("unresolved", Long.toString(unresolved.size()));
    LOG.warn("restored {} from its mirror: {} copied, {} replaced, {} unresolved, keyring {}", dir, copied, replaced,
        unresolved.size(), keyring);
    audit(dir, masterKeys, actor, host, "restore", targets.size() <= 1000 ? targets : targets.subList(0, 1000), detail);
    return new Restored(copied, replaced, toMirror, unresolved, recreated, keyring);
  }

  /** A lost primary's directory, started again from its mirror's manifest and key files. */
  private static void recreateFromMirror(Path dir, Path location) throws IOException {
    if (!Archives.exists(location)) {
      throw new IllegalArgumentException("no archive at the mirror location " + location + " (no "
          + ArchiveLayout.MANIFEST + "): is it mounted?");
    }
    MirrorConfig config = new MirrorConfig(location, MirroredObjectStore.Policy.BOTH);
    config.checkIndependentOf(dir);
    Files.createDirectories(dir);
    copyKeyFiles(location.resolve(ArchiveLayout.KEYS), dir.resolve(ArchiveLayout.KEYS));
    Files.createDirectories(dir.resolve(ArchiveLayout.OBJECTS));
    config.write(dir);
    // The manifest last: until it is there, the directory is not an archive (as in Archives.create).
    Path tmp = dir.resolve(ArchiveLayout.MANIFEST + ".tmp");
    Files.copy(location.resolve(ArchiveLayout.MANIFEST), tmp, StandardCopyOption.REPLACE_EXISTING);
    Files.move(tmp, dir.resolve(ArchiveLayout.MANIFEST), StandardCopyOption.ATOMIC_MOVE);
    KeyRotation.syncDirectory(dir);
    LOG.warn("rebuilding the lost primary at {} from its mirror {}", dir, location);
  }

  /** Brings the newer sound keyring to both sides; returns what it did. */
  private static String restoreKeyring(Path dir, Path location, List<Problem> unresolved, List<String> targets)
      throws IOException {
    Path mineDir = dir.resolve(ArchiveLayout.KEYS);
    Path theirsDir = location.resolve(ArchiveLayout.KEYS);
    int mine = KeyRing.dataKeyCountOf(mineDir);
    int theirs = KeyRing.dataKeyCountOf(theirsDir);
    String object = ArchiveLayout.KEYS + "/" + KeyRing.FILE;
    if (mine < 0 && theirs < 0) {
      if (Files.exists(mineDir.resolve(KeyRing.FILE)) || Files.exists(theirsDir.resolve(KeyRing.FILE))) {
        unresolved.add(new Problem(object, "neither copy of the keyring is readable: restore it from a backup",
            "a keyring", "damaged"));
      }
      return "unchanged";
    }
    if (theirs > mine) {
      Path m = mineDir.resolve(KeyRing.FILE);
      if (Files.exists(m)) {
        quarantine(dir, KeyRing.FILE, Files.readAllBytes(m));
      }
      Files.createDirectories(mineDir);
      KeyRotation.writeAtomically(mineDir, KeyRing.FILE, Files.readAllBytes(theirsDir.resolve(KeyRing.FILE)));
      targets.add(object);
      return "copied from the mirror (" + (mine < 0 ? "the primary's was missing or damaged" : "the primary's was older: "
          + mine + " data keys, the mirror's " + theirs) + ")";
    }
    byte[] a = Files.readAllBytes(mineDir.resolve(KeyRing.FILE));
    if (theirs == mine && java.util.Arrays.equals(a, Files.readAllBytes(theirsDir.resolve(KeyRing.FILE)))) {
      return "unchanged";
    }
    if (theirs == mine) {
      unresolved.add(new Problem(object, "both copies of the keyring are readable, hold " + mine
          + " data keys and differ: compare them with 'coffer keys list' and the key backups", "equal", "different"));
      return "unchanged (both differ)";
    }
    Files.createDirectories(theirsDir);
    KeyRotation.writeAtomically(theirsDir, KeyRing.FILE, a);
    return "copied to the mirror (the mirror's was " + (theirs < 0 ? "missing or damaged" : "older") + ")";
  }

  private static void quarantine(Path dir, String key, byte[] bytes) throws IOException {
    Path q = dir.resolve(ArchiveLayout.QUARANTINE);
    Files.createDirectories(q);
    Files.write(q.resolve(key.substring(key.lastIndexOf('/') + 1) + "." + System.currentTimeMillis()), bytes);
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
    audit(dir, MasterKeySource.standard(dir), actor, host, action, targets, detail);
  }

  private static void audit(Path dir, MasterKeySource masterKeys, String actor, String host, String action,
      List<String> targets, Map<String, String> detail) throws IOException {
    try (Archive archive = Archives.open(dir, ArchiveOptions.defaults(), masterKeys)) {
      Instant now = Instant.now();
      String id = Ids.derive("coffer/audit", actor, now.toString(), action, UUID.randomUUID().toString());
      archive.append(List.of(new Audit(id, "coffer", null, new Party(actor, null), now, null, action, targets, detail, host,
          new Source("coffer-archive", null, null, null, null))));
    }
  }
}
