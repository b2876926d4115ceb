package dev.coffer.archive.verify;

import dev.coffer.archive.blob.BlobFormat;
import dev.coffer.archive.crypto.Encryption;
import dev.coffer.archive.crypto.KeyRing;
import dev.coffer.archive.crypto.MasterKeyException;
import dev.coffer.archive.crypto.MasterKeyFile;
import dev.coffer.archive.crypto.MasterKeySource;
import dev.coffer.archive.idindex.IdIndex;
import dev.coffer.archive.keys.SigningKeys;
import dev.coffer.archive.layout.ArchiveLayout;
import dev.coffer.archive.layout.ArchiveLock;
import dev.coffer.archive.layout.Manifest;
import dev.coffer.archive.merkle.MerkleFrontier;
import dev.coffer.archive.segment.Segment;
import dev.coffer.archive.segment.SegmentFormat;
import dev.coffer.archive.store.CorruptObjectException;
import dev.coffer.archive.store.ObjectStore;
import dev.coffer.archive.verify.CheckpointWalk.CheckpointRead;
import dev.coffer.archive.verify.CheckpointWalk.Span;
import dev.coffer.archive.verify.SegmentCheck.Checked;
import dev.coffer.archive.verify.SegmentCheck.Tombstone;
import dev.coffer.model.Digests;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.lucene.index.DirectoryReader;

/**
 * One run of {@link Verifier#verify}: its state and the order of the checks. The manifest, keys, id
 * index side and blobs are checked here; the pieces with their own logic are beside it:
 * {@link FileInventory} (which files an archive holds), {@link SegmentCheck} (one segment, on a
 * worker), {@link CheckpointWalk} (the checkpoints against the recomputed tree, and which records a
 * root difference points at) and {@link IdIndexCheck}. Problems are reported in the order the
 * checks find them: a stable order, which {@code coffer verify} output and its tests rely on.
 */
final class VerifyRun {
  final Path dir;
  final VerifyListener listener;
  final List<Problem> problems = new ArrayList<>();
  final MasterKeySource masterKeys;
  /** The store as it is on disk (ciphertext), for sizes. */
  final ObjectStore raw;
  /** The store read through the archive's encryption; null until the keys are open. */
  ObjectStore store;
  Encryption encryption;
  long total;
  long read;
  long records;
  long segments;
  long checkpoints;
  long blobs;
  Manifest manifest;
  PublicKey publicKey;
  MerkleFrontier frontier = new MerkleFrontier();
  /** Who holds the writer's lock, or null: then only what the latest checkpoint at the start covers is checked. */
  String writer;
  long bound = Long.MAX_VALUE;

  VerifyRun(Path dir, VerifyListener listener, MasterKeySource masterKeys) {
    this.dir = dir;
    this.listener = listener;
    this.masterKeys = masterKeys;
    this.raw = ArchiveLayout.openStoreForReading(dir, Encryption.none());
  }

  /** Problems found by a task running beside the segments, reported when it is joined (a stable order). */
  final ThreadLocal<List<Problem>> deferred = new ThreadLocal<>();
  /** Runs the segment checks and the tasks beside them (blobs, the id index's pairs). */
  ExecutorService pool;

  void problem(String object, String what, String expected, String actual) {
    Problem p = new Problem(object, what, expected, actual);
    List<Problem> later = deferred.get();
    if (later != null) {
      later.add(p);
      return;
    }
    problems.add(p);
    listener.problem(p);
  }

  void corrupt(String object, CorruptObjectException e) {
    problem(object, e.what(), e.expected(), e.actual());
  }

  synchronized void advance(long bytes) {
    read += bytes;
    listener.progress(read, total);
  }

  static String objectFile(String key) {
    return ArchiveLayout.OBJECTS + "/" + key;
  }

  VerifyReport report() {
    return new VerifyReport(problems, records, segments, checkpoints, blobs, read, frontier.size(),
        Digests.hex(frontier.root()), writer);
  }

  void all() throws IOException {
    writer = ArchiveLock.writer(dir);
    if (writer != null) {
      bound = latestCheckpointSize();
    }
    inventory();
    manifestAndKeys();
    if (!encryption()) {
      listener.progress(read, total);
      return;
    }
    store = ArchiveLayout.openStoreForReading(dir, encryption);
    // The serial the id index's last commit covers (one small file): the segment workers sum the
    // (id, serial) pairs up to it while the index itself is checked beside them. Beside a running
    // writer the derived index changes under us: not checked.
    long covered = writer == null ? IdIndexCheck.covered(dir.resolve(ArchiveLayout.ID_INDEX), encryption) : -1;
    int workers = Math.max(1, Runtime.getRuntime().availableProcessors());
    pool = Executors.newFixedThreadPool(workers, r -> {
      Thread t = new Thread(r, "coffer-verify");
      t.setDaemon(true);
      return t;
    });
    try {
      // The id index (every file's checksum and MAC, then its id -> serial pairs) and the blobs
      // and packs share nothing with the segments until the end: checked beside them.
      Future<IdIndexSide> idSide = writer == null ? pool.submit(this::idIndex) : null;
      Future<List<Problem>> blobSide = pool.submit(() -> {
        List<Problem> found = new ArrayList<>();
        deferred.set(found);
        try {
          blobs();
          packs();
        } finally {
          deferred.remove();
        }
        return found;
      });
      long pairSum = segmentsAndCheckpoints(workers, covered);
      if (idSide != null) {
        IdIndexSide id = await(idSide);
        for (Problem p : id.problems()) {
          problem(p.object(), p.what(), p.expected(), p.actual());
        }
        if (id.pairs() != null) {
          if (id.covered() != covered || id.pairs()[1] != id.covered() || id.pairs()[0] != pairSum) {
            problem(ArchiveLayout.ID_INDEX, Verifier.REINDEX + ": its id -> serial pairs differ from the segments' records",
                id.covered() + " pairs, checksum " + Long.toHexString(pairSum),
                id.pairs()[1] + " pairs, checksum " + Long.toHexString(id.pairs()[0]));
          }
          if (id.covered() > records) {
            problem(ArchiveLayout.ID_INDEX, Verifier.REINDEX + ": it covers serials beyond the last record",
                "<= " + records, String.valueOf(id.covered()));
          }
        }
      }
      for (Problem p : await(blobSide)) {
        problem(p.object(), p.what(), p.expected(), p.actual());
      }
    } finally {
      pool.shutdownNow();
    }
    referencedBlobs();
    listener.progress(read, total);
  }

  /** The largest signed checkpoint's size as listed now (its segments are all durable before it). */
  long latestCheckpointSize() throws IOException {
    long largest = 0;
    try (Stream<String> keys = raw.list(ArchiveLayout.CHECKPOINTS)) { // keys are not sealed
      for (Iterator<String> it = keys.iterator(); it.hasNext(); ) {
        largest = Math.max(largest, ArchiveLayout.sizeOfCheckpointKey(it.next()));
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return largest;
  }

  // ------------------------------------------------------------ files

  /** Lists every file and adds up the bytes to read ({@link FileInventory}). */
  void inventory() throws IOException {
    FileInventory.walk(this);
  }

  // ------------------------------------------------------------ manifest and keys

  void manifestAndKeys() throws IOException {
    try {
      manifest = Manifest.read(dir);
    } catch (CorruptObjectException e) {
      corrupt(ArchiveLayout.MANIFEST, e);
    }
    advance(sizeOf(dir.resolve(ArchiveLayout.MANIFEST)));
    Path keys = dir.resolve(ArchiveLayout.KEYS);
    String pubName = ArchiveLayout.KEYS + "/" + SigningKeys.PUBLIC_FILE;
    String privName = ArchiveLayout.KEYS + "/" + SigningKeys.PRIVATE_FILE;
    if (!Files.isRegularFile(keys.resolve(SigningKeys.PUBLIC_FILE))) {
      problem(pubName, "checkpoint-signing public key missing", null, null);
    } else {
      try {
        publicKey = SigningKeys.readPublic(keys);
      } catch (CorruptObjectException e) {
        corrupt(pubName, e);
      }
      advance(sizeOf(keys.resolve(SigningKeys.PUBLIC_FILE)));
    }
    if (!Files.isRegularFile(keys.resolve(SigningKeys.PRIVATE_FILE))) {
      problem(privName, "checkpoint-signing private key missing", null, null);
    } else {
      if (publicKey != null) {
        try {
          SigningKeys.read(keys);
        } catch (CorruptObjectException e) {
          corrupt(privName, e);
        }
      }
      advance(sizeOf(keys.resolve(SigningKeys.PRIVATE_FILE)));
    }
    if (manifest != null && publicKey != null
        && !SigningKeys.fingerprint(publicKey).equals(manifest.signingKeyFingerprint())) {
      problem(pubName, "public key is not the one the manifest names", manifest.signingKeyFingerprint(),
          SigningKeys.fingerprint(publicKey));
    }
    if (publicKey == null) {
      problem(ArchiveLayout.CHECKPOINTS, "checkpoint signatures cannot be checked: no readable public key", null, null);
    }
  }

  /**
   * Checks the key files of encryption at rest and opens the archive's keys. Returns false when the
   * sealed objects cannot be read (the problem is reported once, naming where the key was expected).
   */
  boolean encryption() throws IOException {
    Path keys = dir.resolve(ArchiveLayout.KEYS);
    if (Files.isDirectory(keys)) {
      try (Stream<Path> files = Files.list(keys)) {
        for (Path p : files.sorted().toList()) {
          String name = p.getFileName().toString();
          if (MasterKeyFile.isKeyFileName(name)) {
            try {
              MasterKeyFile k = MasterKeyFile.read(p);
              if (!name.equals(k.fileName())) {
                problem(ArchiveLayout.KEYS + "/" + name, "master key file name differs from its key's id", k.fileName(), name);
              }
            } catch (CorruptObjectException e) {
              problem(ArchiveLayout.KEYS + "/" + name, e.what(), e.expected(), e.actual());
            }
            advance(sizeOf(p));
          } else if (name.equals(KeyRing.FILE)) {
            advance(sizeOf(p));
          }
        }
      }
    }
    if (manifest == null) {
      problem(ArchiveLayout.OBJECTS, "objects cannot be checked: the manifest (which names the encryption) is unreadable",
          null, null);
      return false;
    }
    try {
      encryption = Encryption.open(keys, manifest.archiveId(), manifest.encryption(), masterKeys);
      return true;
    } catch (MasterKeyException e) {
      problem(ArchiveLayout.KEYS + "/" + KeyRing.FILE, "cannot decrypt the archive: " + e.getMessage(), null, null);
    } catch (CorruptObjectException e) {
      problem(ArchiveLayout.KEYS + "/" + KeyRing.FILE, e.what(), e.expected(), e.actual());
    } catch (IllegalArgumentException e) {
      problem(ArchiveLayout.MANIFEST, e.getMessage(), null, null);
    }
    return false;
  }

  static long sizeOf(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }

  // ------------------------------------------------------------ id index

  /** What the id index's check found: its problems, and, if it is sound, its coverage and pair checksum. */
  record IdIndexSide(List<Problem> problems, long covered, long[] pairs) {}

  /** Checks the id index's files and commit, then sums its (id, serial) pairs; runs on a worker. */
  IdIndexSide idIndex() throws IOException {
    List<Problem> found = new ArrayList<>();
    IdIndexCheck.Opened opened = IdIndexCheck.open(dir.resolve(ArchiveLayout.ID_INDEX), encryption, new IdIndexCheck.Sink() {
      @Override
      public void problem(String object, String what, String expected, String actual) {
        found.add(new Problem(object, what, expected, actual));
      }

      @Override
      public void advance(long bytes) {
        VerifyRun.this.advance(bytes);
      }
    });
    if (opened == null) {
      return new IdIndexSide(found, -1, null);
    }
    try (org.apache.lucene.store.Directory d = opened.reader().directory(); DirectoryReader reader = opened.reader()) {
      return new IdIndexSide(found, opened.covered(), IdIndex.pairChecksum(reader));
    }
  }

  // ------------------------------------------------------------ segments, tree, checkpoints

  /** id -> digest for every record a disposition audit record names. */
  final java.util.Map<String, String> authorizedDisposals = new java.util.HashMap<>();
  final List<Tombstone> tombstones = new ArrayList<>();
  /** Blob digest -> the first live record that refers to it (filled by the segment workers). */
  final java.util.concurrent.ConcurrentHashMap<String, BlobRef> liveBlobRefs = new java.util.concurrent.ConcurrentHashMap<>();
  /** Checks each segment on a worker, noting its blob references in {@link #liveBlobRefs}. */
  final SegmentCheck segmentCheck = new SegmentCheck(liveBlobRefs);

  /** Digests of the blobs stored in packs (small blobs a commit stored with its segment). */
  final java.util.Set<String> packedBlobs = new java.util.HashSet<>();

  /** A live record referring to a blob: where it is. */
  record BlobRef(String segmentKey, long serial) {}

  /**
   * Every blob a live record refers to must be stored. A blob that only tombstones referred to may be
   * gone (blob disposition removed it). Beside a running writer, a disposition may tombstone the record
   * and remove its blob after verify read the record: the record is read again before it is reported.
   */
  void referencedBlobs() throws IOException {
    for (var r : new java.util.TreeMap<>(liveBlobRefs).entrySet()) {
      String key = ArchiveLayout.blobKeyOfName(encryption.blobNames().nameOf(r.getKey()));
      if (packedBlobs.contains(r.getKey()) || store.exists(key)) {
        continue;
      }
      BlobRef ref = r.getValue();
      if (writer != null && disposedSince(ref)) {
        continue;
      }
      problem(objectFile(key), "blob " + r.getKey() + " is missing, but live record " + ref.serial()
          + " refers to it (a blob goes only when every record referring to it is disposed)", "a stored blob", "none");
    }
  }

  boolean disposedSince(BlobRef ref) {
    try {
      Segment seg = SegmentFormat.decodeStructure(ref.segmentKey(), store.get(ref.segmentKey()));
      return seg.entry(ref.serial()).disposed();
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Lists segments in key order on this thread, reads, decrypts and checks them on worker threads
   * (one segment each), and folds the results back in order: continuity, the tree, the checkpoints.
   * Checkpoints are read, decoded and their signatures checked on the workers too, ahead of the
   * segments; the fold only compares. At most {@code 2 * workers} segments are in flight, so memory
   * stays bounded. Returns the (id, serial) pair sum of the records up to {@code covered}.
   */
  long segmentsAndCheckpoints(int workers, long covered) throws IOException {
    List<String> checkpointKeys = new ArrayList<>();
    try (Stream<String> keys = store.list(ArchiveLayout.CHECKPOINTS)) {
      for (Iterator<String> it = keys.iterator(); it.hasNext(); ) {
        String key = it.next();
        long keySize = ArchiveLayout.sizeOfCheckpointKey(key);
        if (keySize >= 0 && keySize <= bound) {
          checkpointKeys.add(key);
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    long[] checkpointSizes = checkpointKeys.stream().mapToLong(ArchiveLayout::sizeOfCheckpointKey).sorted().distinct().toArray();
    ArrayDeque<Future<CheckpointRead>> checkpointReads = new ArrayDeque<>();
    for (String key : checkpointKeys) {
      checkpointReads.add(pool.submit(() -> CheckpointWalk.read(this, key)));
    }
    try (Stream<String> segmentKeys = store.list(ArchiveLayout.SEGMENTS)) {
      CheckpointWalk cps = new CheckpointWalk(this, checkpointReads);
      Fold fold = new Fold(cps);
      cps.compareUpTo(0, true);
      ArrayDeque<Future<Checked>> inFlight = new ArrayDeque<>();
      for (Iterator<String> it = segmentKeys.iterator(); it.hasNext(); ) {
        String key = it.next();
        long keySerial = ArchiveLayout.serialOfSegmentKey(key);
        if (keySerial < 1) {
          continue; // reported by the inventory
        }
        if (keySerial > bound) {
          break; // committed by the running writer after verify started
        }
        advance(rawSize(key));
        segments++;
        // Read, decrypted and authenticated (AES-GCM) and checked on a worker: the decryption is
        // as costly as the checks, and the fold below keeps the results in key order.
        inFlight.add(pool.submit(() -> {
          byte[] bytes;
          try {
            bytes = store.get(key);
          } catch (CorruptObjectException e) {
            return new Checked(key, keySerial, null, null, List.of(), 0, e, List.of(), java.util.Map.of());
          }
          return segmentCheck.check(key, keySerial, bytes, covered, checkpointSizes);
        }));
        if (inFlight.size() >= 2 * workers) {
          fold.accept(await(inFlight.poll()));
        }
      }
      while (!inFlight.isEmpty()) {
        fold.accept(await(inFlight.poll()));
      }
      for (Tombstone t : tombstones) {
        String named = authorizedDisposals.get(t.id());
        if (named == null) {
          problem(objectFile(t.key()), "record " + t.serial() + " (" + t.id() + ") was removed, but no disposition "
              + "record authorizes it: content deleted outside disposition", "a disposition audit record naming it", "none");
        } else if (!named.equals(t.digest())) {
          problem(objectFile(t.key()), "record " + t.serial() + " (" + t.id() + "): its tombstone's digest differs from "
              + "the one its disposition record names", named, t.digest());
        }
      }
      long last = cps.finish(fold.treeValid ? frontier.size() : -1, records);
      if (fold.treeValid && last < frontier.size()) {
        problem(ArchiveLayout.CHECKPOINTS, "records " + (last + 1) + ".." + frontier.size()
            + " are not covered by any signed checkpoint (opening the archive signs one)", String.valueOf(frontier.size()),
            String.valueOf(last));
      }
      return fold.pairSum;
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } finally {
      for (Future<CheckpointRead> f : checkpointReads) {
        f.cancel(false);
      }
    }
  }

  static <T> T await(Future<T> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("verify interrupted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException(e.getCause());
    }
  }

  /** Folds checked segments, in key order, into continuity, the tree and the checkpoint comparison. */
  final class Fold {
    final CheckpointWalk cps;
    long expectedNext = 1;
    boolean treeValid = true;
    long pairSum;

    Fold(CheckpointWalk cps) {
      this.cps = cps;
    }

    void accept(Checked c) throws IOException {
      if (c.corrupt() != null) {
        corrupt(objectFile(c.key()), c.corrupt());
        treeValid = false;
        expectedNext = -1;
        return;
      }
      long first = c.header().firstSerial();
      if (first != c.keySerial()) {
        problem(objectFile(c.key()), "segment's first serial differs from its name", String.valueOf(c.keySerial()),
            String.valueOf(first));
        treeValid = false;
      }
      if (expectedNext > 0 && first != expectedNext) {
        if (first > expectedNext) {
          problem(objectFile(c.key()), "serial gap: records " + expectedNext + ".." + (first - 1) + " are missing",
              String.valueOf(expectedNext), String.valueOf(first));
        } else {
          problem(objectFile(c.key()), "serials overlap the previous segment", String.valueOf(expectedNext),
              String.valueOf(first));
        }
        treeValid = false;
      }
      for (Problem p : c.problems()) {
        problems.add(p);
        listener.problem(p);
      }
      if (treeValid) {
        cps.spans.add(new Span(c.key(), first, first + c.header().count() - 1));
        for (CompactRange r : c.ranges()) {
          r.appendTo(frontier);
          if (cps.anchor != null) {
            r.appendTo(cps.anchor);
          }
          cps.compareUpTo(frontier.size(), true);
        }
      }
      pairSum += c.pairSum();
      tombstones.addAll(c.tombstones());
      authorizedDisposals.putAll(c.authorized());
      records += c.header().count();
      // archived-at is where a record's retention starts: it must be the signed time of the
      // checkpoint its commit wrote, or rewriting it (with a fresh CRC) could shorten retention.
      long end = first + c.header().count() - 1;
      if (treeValid && cps.timeAt(end) != null && cps.timeAt(end) != c.header().archivedAt()) {
        problem(objectFile(c.key()), "segment's archived-at differs from the signed time of checkpoint " + end,
            String.valueOf(cps.timeAt(end)), String.valueOf(c.header().archivedAt()));
      }
      expectedNext = first + c.header().count();
    }
  }

  // ------------------------------------------------------------ blobs

  void blobs() throws IOException {
    try (Stream<String> keys = store.list(ArchiveLayout.BLOBS)) {
      for (Iterator<String> it = keys.iterator(); it.hasNext(); ) {
        String key = it.next();
        String name = ArchiveLayout.nameOfBlobKey(key);
        if (name == null) {
          continue; // reported by the inventory
        }
        blobs++;
        Counting counting = null;
        try (InputStream in = counting = new Counting(new BufferedInputStream(store.open(key), 1 << 20))) {
          String digest = BlobFormat.checkAndDigest(key, in);
          String expected = encryption.blobNames().nameOf(digest);
          if (!expected.equals(name)) {
            problem(objectFile(key), "blob content does not match its name (the name of its plaintext's SHA-256)", expected,
                name);
          }
        } catch (CorruptObjectException e) {
          corrupt(objectFile(key), e);
        }
        // Count the whole object even when the check stopped early.
        advance(Math.max(0, rawSize(key) - (counting == null ? 0 : counting.reported)));
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /**
   * Every blob pack: its structure and CRC, every blob in it decoded and rehashed, and its segment
   * present (a pack without one is an interrupted commit, which opening the archive removes).
   */
  void packs() throws IOException {
    long through = latestCheckpointSize(); // a pack above it may be a running writer's commit in progress
    try (Stream<String> keys = store.list(ArchiveLayout.PACKS)) {
      for (Iterator<String> it = keys.iterator(); it.hasNext(); ) {
        String key = it.next();
        long serial = ArchiveLayout.serialOfPackKey(key);
        if (serial < 1) {
          continue; // reported by the inventory
        }
        if (serial <= through && !store.exists(ArchiveLayout.segmentKey(serial))) {
          problem(objectFile(key), "blob pack without its segment (a commit interrupted before its segment was written; "
              + "nothing acknowledged names it): open the archive (any coffer command) to remove it", null, null);
        }
        try {
          for (dev.coffer.archive.blob.BlobPack.Entry e : dev.coffer.archive.blob.BlobPack.decode(key, store.get(key))) {
            dev.coffer.archive.blob.BlobPack.plaintext(key, e);
            packedBlobs.add(e.sha256());
            blobs++;
          }
        } catch (CorruptObjectException e) {
          corrupt(objectFile(key), e);
        }
        advance(rawSize(key));
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  long rawSize(String key) throws IOException {
    return raw.size(key);
  }

  /** Reports progress while a large blob streams through. */
  final class Counting extends FilterInputStream {
    long since;
    long reported;

    Counting(InputStream in) {
      super(in);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        since += n;
        if (since >= (8 << 20)) {
          advance(since);
          reported += since;
          since = 0;
        }
      }
      return n;
    }
  }
}
