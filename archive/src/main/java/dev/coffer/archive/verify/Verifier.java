package dev.coffer.archive.verify;

import dev.coffer.archive.Archives;
import dev.coffer.archive.NoArchiveException;
import dev.coffer.archive.blob.BlobFormat;
import dev.coffer.archive.blob.BlobReferences;
import dev.coffer.archive.checkpoint.Checkpoint;
import dev.coffer.archive.checkpoint.CheckpointFormat;
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
import dev.coffer.archive.layout.MirrorConfig;
import dev.coffer.archive.merkle.MerkleFrontier;
import dev.coffer.archive.merkle.Rfc6962;
import dev.coffer.archive.segment.Segment;
import dev.coffer.archive.segment.SegmentEntry;
import dev.coffer.archive.segment.SegmentFormat;
import dev.coffer.archive.store.CorruptObjectException;
import dev.coffer.archive.store.FileObjectStore;
import dev.coffer.archive.store.ObjectStore;
import dev.coffer.model.Digests;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.lucene.index.DirectoryReader;

/**
 * Re-reads an archive's data directory from scratch, independent of any running archive's memory, and
 * reports precisely what is wrong: which file, what, expected vs actual. One flipped byte anywhere in
 * the directory is found and named (the search module's {@code index/} has its own check; the
 * temporary directories {@code tmp/} and {@code objects/.tmp/} hold no archive data).
 *
 * <p>What it checks:
 * <ul>
 *   <li>every file is something an archive holds (anything else is reported);
 *   <li>the manifest's exact form and checksum; both key files' exact form; that the private key
 *       belongs to the public key; that the manifest names that public key;
 *   <li>every segment: CRC, header, structure, that its key names its first serial; serial continuity
 *       from 1 (gaps and overlaps reported); every record's digest recomputed from its canonical
 *       bytes; that the id kept beside the record is the record's JSON id;
 *   <li>the Merkle tree recomputed from the digests and compared with every checkpoint at its size;
 *       every checkpoint's CRC, form, signature, archive id, stored frontier; records not covered by
 *       any checkpoint;
 *   <li>encryption: the keyring's form and checksum, every master key file's, and that the master key
 *       the keyring names is available and unwraps every data key (a missing or wrong key is one
 *       problem naming where the key was looked for; nothing sealed can be checked then); every
 *       object is decrypted and authenticated, so a changed ciphertext byte or an object moved to
 *       another key is named;
 *   <li>every blob decoded and rehashed, and its name recomputed from the plaintext's digest;
 *   <li>the derived id index: each file's Lucene checksum, that its last commit opens, and that it maps
 *       every record's id to its serial ("derived index damaged, run coffer reindex"): {@link IdIndexCheck}.
 * </ul>
 * Reads are sequential and whole-object, so verify runs at close to disk or SHA-256 speed.
 *
 * <p>Beside a running writer (one holds the {@link ArchiveLock}), verify changes nothing and checks a
 * consistent prefix: the records up to the largest signed checkpoint it lists when it starts (every
 * segment below a checkpoint is durable before it), every blob, the manifest and keys; it skips the
 * derived id index, which the writer is changing, and says so in {@link VerifyReport#concurrentWriter()}.
 */
public final class Verifier {
  static final String REINDEX = "derived index damaged, run coffer reindex";

  private Verifier() {}

  /**
   * Verifies the archive in {@code dataDir}.
   *
   * @throws NoArchiveException if there is no archive there
   * @throws IOException only if the directory cannot be read at all; damage is reported, not thrown
   */
  public static VerifyReport verify(Path dataDir, VerifyListener progress) throws IOException {
    return verify(dataDir, progress, MasterKeySource.standard(dataDir));
  }

  /** {@link #verify(Path, VerifyListener)} with the master keys from {@code masterKeys}. */
  public static VerifyReport verify(Path dataDir, VerifyListener progress, MasterKeySource masterKeys) throws IOException {
    Path dir = dataDir.toAbsolutePath().normalize();
    if (!Archives.exists(dir)) {
      throw new NoArchiveException(dir);
    }
    Run run = new Run(dir, progress == null ? VerifyListener.NONE : progress, masterKeys);
    try {
      run.all();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return run.report();
  }

  private static final class Run {
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

    Run(Path dir, VerifyListener listener, MasterKeySource masterKeys) {
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
              problem(ArchiveLayout.ID_INDEX, REINDEX + ": its id -> serial pairs differ from the segments' records",
                  id.covered() + " pairs, checksum " + Long.toHexString(pairSum),
                  id.pairs()[1] + " pairs, checksum " + Long.toHexString(id.pairs()[0]));
            }
            if (id.covered() > records) {
              problem(ArchiveLayout.ID_INDEX, REINDEX + ": it covers serials beyond the last record",
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

    /**
     * Lists every file, adds up the bytes to read, and reports files no archive has. Files that vanish
     * while it walks (a running writer's temporary files, Lucene merges) are skipped.
     */
    void inventory() throws IOException {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
          String rel = relative(d);
          return !rel.isEmpty() && skipped(rel) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path p, BasicFileAttributes attrs) {
          String rel = relative(p);
          if (skipped(rel) || attrs.isDirectory()) {
            return FileVisitResult.CONTINUE;
          }
          if (!expected(rel)) {
            problem(rel, "unexpected file: not part of a Coffer archive", null, null);
          } else if (rel.startsWith(ArchiveLayout.OBJECTS + "/" + ArchiveLayout.REWRITES)) {
            problem(rel, "a disposition's segment rewrite was interrupted: open the archive (any coffer command) to "
                + "finish or roll it back, then verify again", null, null);
          } else if (!rel.equals(ArchiveLock.FILE)) {
            total += attrs.size();
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path p, IOException e) throws IOException {
          if (e instanceof NoSuchFileException) {
            return FileVisitResult.CONTINUE;
          }
          throw e;
        }
      });
      listener.progress(0, total);
    }

    String relative(Path p) {
      return dir.relativize(p).toString().replace('\\', '/');
    }

    static boolean skipped(String rel) {
      return ((rel.startsWith(".manifest-") || rel.startsWith(".mirror-")) && rel.endsWith(".tmp") && rel.indexOf('/') < 0)
          || under(rel, ArchiveLayout.MIRROR_QUEUE) || under(rel, ArchiveLayout.SEARCH_INDEX) || under(rel, ArchiveLayout.WEB) || under(rel, ArchiveLayout.DIRECTORY)
          || under(rel, ArchiveLayout.STAGING)
          || rel.equals(ArchiveLayout.KEYS + "/" + KeyRing.TEMP_FILE)
          // a rotation's intent: present while one runs, or until the next open finishes an interrupted one
          || rel.equals(ArchiveLayout.KEYS + "/" + ArchiveLayout.KEY_ROTATION_INTENT)
          || rel.equals(ArchiveLayout.KEYS + "/" + ArchiveLayout.KEY_ROTATION_INTENT + ".tmp")
          || under(rel, ArchiveLayout.QUARANTINE) || under(rel, ArchiveLayout.OBJECTS + "/" + FileObjectStore.TEMP_DIR)
          || under(rel, ArchiveLayout.OBJECTS + "/" + ArchiveLayout.QUARANTINE);
    }

    static boolean under(String rel, String top) {
      return rel.equals(top) || rel.startsWith(top + "/");
    }

    static boolean expected(String rel) {
      if (rel.equals(ArchiveLayout.MANIFEST) || rel.equals(ArchiveLock.FILE) || rel.equals(MirrorConfig.FILE)
          || rel.equals(ArchiveLayout.KEYS + "/" + SigningKeys.PUBLIC_FILE)
          || rel.equals(ArchiveLayout.KEYS + "/" + SigningKeys.PRIVATE_FILE)
          || rel.equals(ArchiveLayout.KEYS + "/" + KeyRing.FILE)) {
        return true;
      }
      if (rel.startsWith(ArchiveLayout.KEYS + "/") && MasterKeyFile.isKeyFileName(rel.substring(ArchiveLayout.KEYS.length() + 1))) {
        return true;
      }
      if (rel.startsWith(ArchiveLayout.ID_INDEX + "/")) {
        return rel.indexOf('/', ArchiveLayout.ID_INDEX.length() + 1) < 0;
      }
      if (rel.startsWith(ArchiveLayout.OBJECTS + "/")) {
        String key = rel.substring(ArchiveLayout.OBJECTS.length() + 1);
        return ArchiveLayout.serialOfSegmentKey(key) >= 1 || ArchiveLayout.sizeOfCheckpointKey(key) >= 0
            || ArchiveLayout.nameOfBlobKey(key) != null || ArchiveLayout.serialOfRewriteKey(key) >= 1
            || ArchiveLayout.serialOfPackKey(key) >= 1;
      }
      return false;
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
          Run.this.advance(bytes);
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

    /**
     * What a worker found in one segment; the caller folds these in serial order. {@code ranges} are
     * the segment's Merkle leaves as compact ranges, split at every checkpoint size inside it, so the
     * fold sees the tree at each checkpoint with a few hashes per range.
     */
    record Checked(String key, long keySerial, SegmentFormat.Header header, List<CompactRange> ranges, List<Problem> problems,
        long pairSum, CorruptObjectException corrupt, List<Tombstone> tombstones, java.util.Map<String, String> authorized) {}

    /** A disposed record's tombstone: what a disposition audit record must name. */
    record Tombstone(String key, long serial, String id, String digest) {}

    /** id -> digest for every record a disposition audit record names. */
    final java.util.Map<String, String> authorizedDisposals = new java.util.HashMap<>();
    final List<Tombstone> tombstones = new ArrayList<>();
    /** Blob digest -> the first live record that refers to it (filled by the segment workers). */
    final java.util.concurrent.ConcurrentHashMap<String, BlobRef> liveBlobRefs = new java.util.concurrent.ConcurrentHashMap<>();

    /** Digests of the blobs stored in packs (small blobs a commit stored with its segment). */
    final java.util.Set<String> packedBlobs = new java.util.HashSet<>();

    /** A live record referring to a blob: where it is. */
    record BlobRef(String segmentKey, long serial) {}

    /** What one worker thread reuses for every segment it checks. */
    static final class Scratch {
      final java.security.MessageDigest sha = sha256();
      final byte[] digest = new byte[32];
      final RecordScan scan = new RecordScan();
      /** Blob digests seen in the current segment: most records of an import name the same raw original. */
      final java.util.Set<String> segmentRefs = new java.util.HashSet<>();
      final byte[] lastRef = new byte[64];
      boolean hasLastRef;
      byte[] body = new byte[0];
      byte[] subtree = new byte[0];
    }

    static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    static java.security.MessageDigest sha256() {
      try {
        return java.security.MessageDigest.getInstance("SHA-256");
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    /**
     * Checks one segment in place: CRC, structure, every digest, stored id = JSON id; sums the (id,
     * serial) pairs the id index must hold; notes tombstones, disposition records and blob references.
     * Runs on a worker thread; keeps only the leaf hashes. Reads each record where it lies in the
     * decompressed body (one scan of its JSON, one SHA-256) and allocates nothing per record.
     */
    Checked check(String key, long keySerial, byte[] bytes, long covered, long[] checkpointSizes) {
      Scratch x = SCRATCH.get();
      SegmentFormat.View v;
      try {
        v = SegmentFormat.view(key, bytes, x.body);
      } catch (CorruptObjectException e) {
        return new Checked(key, keySerial, null, null, List.of(), 0, e, List.of(), java.util.Map.of());
      }
      if (v.body() != bytes) {
        x.body = v.body(); // keep the larger buffer for the next segment
      }
      byte[] body = v.body();
      byte[] stored = v.digestArray();
      List<Problem> found = new ArrayList<>();
      long pairSum = 0;
      long serial = v.header().firstSerial();
      int count = v.count();
      byte[] leafHashes = new byte[32 * count];
      List<Tombstone> stones = new ArrayList<>();
      java.util.Map<String, String> authorized = new java.util.HashMap<>();
      x.segmentRefs.clear();
      x.hasLastRef = false;
      for (int i = 0; i < count; i++, serial++) {
        int idOff = v.idOffset(i);
        int idLen = v.idLength(i);
        int off = v.canonicalOffset(i);
        int len = v.canonicalLength(i);
        int dOff = v.digestOffset(i);
        byte[] leafData = stored;
        int leafOff = dOff;
        if (len == 0) {
          stones.add(new Tombstone(key, serial, v.id(i), Digests.hex(Arrays.copyOfRange(stored, dOff, dOff + 32))));
        } else {
          x.sha.update(body, off, len);
          try {
            x.sha.digest(x.digest, 0, 32);
          } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
          }
          if (dOff < 0) {
            // A compact segment stores no digest: the record's digest is this hash, and the tree
            // built from it must reach every signed root.
            leafData = x.digest;
            leafOff = 0;
          } else if (!Arrays.equals(x.digest, 0, 32, stored, dOff, dOff + 32)) {
            found.add(new Problem(objectFile(key), "record " + serial + " does not match its digest",
                Digests.hex(Arrays.copyOfRange(stored, dOff, dOff + 32)), Digests.hex(x.digest)));
          }
          if (x.scan.scan(body, off, len)) {
            if (x.scan.idStart < 0 || !Arrays.equals(body, x.scan.idStart, x.scan.idEnd, body, idOff, idOff + idLen)) {
              String jsonId = x.scan.idStart < 0 ? null
                  : new String(body, x.scan.idStart, x.scan.idEnd - x.scan.idStart, java.nio.charset.StandardCharsets.UTF_8);
              found.add(new Problem(objectFile(key), "record " + serial + ": stored id differs from the id in its JSON", jsonId,
                  v.id(i)));
            }
            if (x.scan.disposition) {
              Dispositions.read(Arrays.copyOfRange(body, off, off + len), authorized);
            }
            for (int r = 0; r < x.scan.refCount; r++) {
              liveReference(x, key, serial, body, x.scan.refs[r]);
            }
          } else {
            // Not in the form Coffer writes (damaged, or written otherwise): the reference paths decide.
            byte[] canonical = Arrays.copyOfRange(body, off, off + len);
            String jsonId = TopLevelId.of(canonical);
            if (!v.id(i).equals(jsonId)) {
              found.add(new Problem(objectFile(key), "record " + serial + ": stored id differs from the id in its JSON", jsonId,
                  v.id(i)));
            }
            if (Dispositions.isDisposition(canonical)) {
              Dispositions.read(canonical, authorized);
            }
            liveReferences(key, serial, canonical);
          }
        }
        if (serial <= covered) {
          pairSum += IdIndex.pairHash(body, idOff, idLen, serial);
        }
        Rfc6962.leafHash(leafData, leafOff, leafHashes, 32 * i); // leaf hashes here, in parallel; the fold only joins
      }
      return new Checked(key, keySerial, v.header(), ranges(x, leafHashes, v.header().firstSerial() - 1, count, checkpointSizes),
          found, pairSum, null, stones, authorized);
    }

    /**
     * The segment's leaves {@code [base, base + count)} as compact ranges, split at every checkpoint
     * size strictly inside them: every subtree hashed here, on the worker.
     */
    static List<CompactRange> ranges(Scratch x, byte[] leafHashes, long base, int count, long[] checkpointSizes) {
      if (x.subtree.length < leafHashes.length) {
        x.subtree = new byte[leafHashes.length];
      }
      List<CompactRange> out = new ArrayList<>(2);
      long end = base + count;
      long from = base;
      int i = java.util.Arrays.binarySearch(checkpointSizes, base + 1);
      for (i = i < 0 ? -i - 1 : i; i < checkpointSizes.length && checkpointSizes[i] < end; i++) {
        out.add(CompactRange.of(leafHashes, base, from, checkpointSizes[i], x.subtree));
        from = checkpointSizes[i];
      }
      out.add(CompactRange.of(leafHashes, base, from, end, x.subtree));
      return out;
    }

    /** Notes one blob digest (64 hex bytes at {@code body[at]}) a live record refers to, once per segment. */
    void liveReference(Scratch x, String key, long serial, byte[] body, int at) {
      if (x.hasLastRef && Arrays.equals(x.lastRef, 0, 64, body, at, at + 64)) {
        return; // the same blob as the record before: this segment already noted it, at a smaller serial
      }
      System.arraycopy(body, at, x.lastRef, 0, 64);
      x.hasLastRef = true;
      String d = new String(body, at, 64, java.nio.charset.StandardCharsets.US_ASCII);
      if (x.segmentRefs.add(d)) {
        liveBlobRefs.merge(d, new BlobRef(key, serial), (a, b) -> a.serial() <= b.serial() ? a : b);
      }
    }

    /** Notes the blobs a live record refers to; each must be stored ({@link #referencedBlobs}). */
    void liveReferences(String key, long serial, byte[] canonical) {
      java.util.Set<String> refs;
      try {
        refs = BlobReferences.in(canonical);
      } catch (IllegalArgumentException notJson) {
        return; // the digest and id checks report a damaged record
      }
      for (String d : refs) {
        liveBlobRefs.merge(d, new BlobRef(key, serial), (a, b) -> a.serial() <= b.serial() ? a : b);
      }
    }

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
        checkpointReads.add(pool.submit(() -> readCheckpoint(key)));
      }
      try (Stream<String> segmentKeys = store.list(ArchiveLayout.SEGMENTS)) {
        Checkpoints cps = new Checkpoints(checkpointReads);
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
            return check(key, keySerial, bytes, covered, checkpointSizes);
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

    /** A segment the fold has taken into the tree: which records it holds. */
    record Span(String key, long first, long last) {}

    /** Folds checked segments, in key order, into continuity, the tree and the checkpoint comparison. */
    final class Fold {
      final Checkpoints cps;
      long expectedNext = 1;
      boolean treeValid = true;
      long pairSum;

      Fold(Checkpoints cps) {
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

    /**
     * One checkpoint object read, decoded and its signature checked on a worker; {@code stored} is
     * null when it cannot be compared (its problems say why).
     */
    record CheckpointRead(String key, long rawSize, List<Problem> problems, CheckpointFormat.Stored stored, boolean signed) {}

    CheckpointRead readCheckpoint(String key) throws IOException {
      long keySize = ArchiveLayout.sizeOfCheckpointKey(key);
      long size = rawSize(key);
      List<Problem> found = new ArrayList<>(0);
      byte[] bytes;
      try {
        bytes = store.get(key);
      } catch (CorruptObjectException e) {
        found.add(new Problem(objectFile(key), e.what(), e.expected(), e.actual()));
        return new CheckpointRead(key, size, found, null, false);
      }
      try {
        CheckpointFormat.Stored st = CheckpointFormat.decode(key, bytes);
        Checkpoint c = st.checkpoint();
        if (c.size() != keySize) {
          found.add(new Problem(objectFile(key), "checkpoint size differs from its name", String.valueOf(keySize),
              String.valueOf(c.size())));
          return new CheckpointRead(key, size, found, null, false);
        }
        boolean signed = publicKey != null && c.verifySignature(publicKey);
        if (publicKey != null && !signed) {
          found.add(new Problem(objectFile(key), "checkpoint signature does not verify with the archive's public key",
              "valid Ed25519 signature", "invalid"));
        }
        if (manifest != null && !c.archiveId().equals(manifest.archiveId())) {
          found.add(new Problem(objectFile(key), "checkpoint names another archive", manifest.archiveId(), c.archiveId()));
          signed = false;
        }
        return new CheckpointRead(key, size, found, st, signed);
      } catch (CorruptObjectException e) {
        found.add(new Problem(objectFile(key), e.what(), e.expected(), e.actual()));
        return new CheckpointRead(key, size, found, null, false);
      }
    }

    /**
     * Walks checkpoint objects in size order alongside the recomputed tree. Besides comparing each
     * signed root with the tree recomputed from every record, it keeps an anchor: the frontier the
     * last good checkpoint signed (its stored frontier gives its signed root, and its signature
     * verifies), with the records since appended. Where the recomputed root differs, the anchor says
     * which records did it: if the anchor reaches the checkpoint's signed root, the records since the
     * last checkpoint are the signed ones and the difference is an earlier one's consequence; if not,
     * they are named, by segment and by the smallest range of records a signed subtree pins down.
     */
    final class Checkpoints {
      final ArrayDeque<Future<CheckpointRead>> reads;
      CheckpointFormat.Stored next;
      String nextKey;
      boolean nextSigned;
      long lastSeen = -1;
      /** The last good checkpoint's signed frontier with the records since appended; null when there is none. */
      MerkleFrontier anchor = new MerkleFrontier();
      /** The size of the checkpoint the anchor starts from. */
      long anchorSize;
      /** The segments appended since the anchor's checkpoint (the last of them may reach back before it). */
      final List<Span> spans = new ArrayList<>();
      /** Checkpoints whose root differs only through records named at an earlier one. */
      String firstConsequence;
      long consequences;
      long lastConsequence;

      Checkpoints(ArrayDeque<Future<CheckpointRead>> reads) throws IOException {
        this.reads = reads;
        pull();
      }

      /** Takes the next well-formed checkpoint, reporting damaged ones. */
      void pull() throws IOException {
        next = null;
        while (next == null && !reads.isEmpty()) {
          CheckpointRead r = await(reads.poll());
          advance(r.rawSize());
          checkpoints++;
          for (Problem p : r.problems()) {
            problem(p.object(), p.what(), p.expected(), p.actual());
          }
          if (r.stored() != null) {
            next = r.stored();
            nextKey = r.key();
            nextSigned = r.signed();
          }
        }
      }

      /** Compares every checkpoint of size {@code size} with the recomputed tree. */
      long timeSize = -1;
      long timeMillis;

      /** The signed time of the checkpoint of exactly {@code size}, if it was the last one compared. */
      Long timeAt(long size) {
        return timeSize == size ? timeMillis : null;
      }

      void compareUpTo(long size, boolean treeValid) throws IOException {
        while (next != null && next.checkpoint().size() <= size) {
          if (next.checkpoint().size() == size && treeValid) {
            byte[] root = frontier.root();
            if (!Arrays.equals(root, next.checkpoint().root())) {
              if (anchor != null && Arrays.equals(anchor.root(), next.checkpoint().root())) {
                consequence(size);
              } else {
                problem(objectFile(nextKey), "signed root differs from the root recomputed from the records at size " + size,
                    Digests.hex(root), next.checkpoint().rootHex());
                if (anchor != null) {
                  localize(size);
                }
              }
            } else if (!next.frontier().sameAs(frontier)) {
              problem(objectFile(nextKey), "stored frontier differs from the recomputed tree at size " + size, null, null);
            }
          }
          lastSeen = Math.max(lastSeen, next.checkpoint().size());
          if (next.checkpoint().size() == size) {
            timeSize = size;
            timeMillis = next.checkpoint().time();
            reanchor(size);
          }
          pull();
        }
      }

      /** A good checkpoint of {@code size} (signed, its frontier gives its root) becomes the anchor. */
      void reanchor(long size) {
        // Only a checkpoint whose signature verifies says what was signed; after any other there is
        // nothing to start from until the next good one.
        anchor = nextSigned ? next.frontier().copy() : null;
        anchorSize = size;
        // Keep only the segment that reaches past this size (a checkpoint inside a segment).
        spans.removeIf(s -> s.last() <= size);
      }

      void consequence(long size) {
        if (consequences++ == 0) {
          firstConsequence = objectFile(nextKey);
        }
        lastConsequence = size;
      }

      /**
       * The records since the anchor's checkpoint do not reach the signed root at {@code size}: names
       * them. The checkpoint's stored frontier (which gives its signed root) holds the signed root of
       * every perfect subtree at its right edge; those that start after the anchor and differ from
       * the recomputed ones narrow the records down; if none differs, the change is before them.
       */
      void localize(long size) {
        long from = anchorSize;
        List<byte[]> signed = next.frontier().hashes();
        List<byte[]> mine = frontier.hashes();
        List<long[]> changed = new ArrayList<>();
        long start = 0;
        long firstRight = size;
        int bit = 0;
        for (int b = 62; b >= 0; b--) {
          if ((size & (1L << b)) == 0) {
            continue;
          }
          long width = 1L << b;
          if (start >= from) {
            firstRight = Math.min(firstRight, start);
            if (!Arrays.equals(signed.get(bit), mine.get(bit))) {
              changed.add(new long[] {start, start + width, bit});
            }
          }
          start += width;
          bit++;
        }
        if (changed.isEmpty()) {
          changed.add(new long[] {from, firstRight, -1});
        }
        for (long[] c : changed) {
          String expected = c[2] < 0 ? next.checkpoint().rootHex() : Digests.hex(signed.get((int) c[2]));
          String actual = c[2] < 0 ? Digests.hex(frontier.root()) : Digests.hex(mine.get((int) c[2]));
          for (Span s : spans) {
            long lo = Math.max(s.first(), c[0] + 1);
            long hi = Math.min(s.last(), c[1]);
            if (lo > hi) {
              continue;
            }
            problem(objectFile(s.key()), (lo == hi ? "record " + lo : "one of records " + lo + ".." + hi)
                + " was changed after checkpoint " + size + " signed it (from the signed tree of size " + from + ", "
                + (c[2] < 0 ? "the records up to " + size + " do not give its signed root)"
                    : "records " + (c[0] + 1) + ".." + c[1] + " do not give the subtree root it signs)"), expected, actual);
          }
        }
      }

      /** Reads the remaining checkpoints; returns the largest checkpoint size within the records. */
      long finish(long treeSize, long recordCount) throws IOException {
        if (consequences > 0) {
          problem(firstConsequence, consequences + " later checkpoint(s), up to size " + lastConsequence + ", differ from "
              + "the recomputed tree only through the records named above: each is consistent with the one before it",
              null, null);
        }
        // treeSize < 0: a damaged or missing segment above already broke the tree. The checkpoints
        // past it cannot be compared with records; say so once instead of once per checkpoint, so
        // the operator sees the cause first and its consequence as one line.
        String firstUnchecked = null;
        long unchecked = 0;
        long largest = 0;
        while (next != null) {
          if (next.checkpoint().size() > recordCount) {
            if (treeSize < 0) {
              if (firstUnchecked == null) {
                firstUnchecked = objectFile(nextKey);
              }
              unchecked++;
              largest = Math.max(largest, next.checkpoint().size());
            } else {
              problem(objectFile(nextKey), "checkpoint covers more records than the segments hold",
                  "<= " + recordCount, String.valueOf(next.checkpoint().size()));
            }
          }
          pull();
        }
        if (unchecked > 0) {
          problem(firstUnchecked, unchecked + " checkpoint(s), up to size " + largest
                  + ", cannot be checked: the damaged segment(s) reported above break the tree",
              "<= " + recordCount, String.valueOf(largest));
        }
        return lastSeen;
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
}
