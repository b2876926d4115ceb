package dev.coffer.archive.verify;

import dev.coffer.archive.blob.BlobReferences;
import dev.coffer.archive.idindex.IdIndex;
import dev.coffer.archive.merkle.Rfc6962;
import dev.coffer.archive.segment.SegmentFormat;
import dev.coffer.archive.store.CorruptObjectException;
import dev.coffer.model.Digests;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** One segment checked on a worker thread for {@link VerifyRun} (records, digests, ids, blob references). */
final class SegmentCheck {
  /** Blob digest -> the first live record that refers to it (the run's; filled by the workers). */
  private final java.util.concurrent.ConcurrentHashMap<String, VerifyRun.BlobRef> liveBlobRefs;

  SegmentCheck(java.util.concurrent.ConcurrentHashMap<String, VerifyRun.BlobRef> liveBlobRefs) {
    this.liveBlobRefs = liveBlobRefs;
  }

  /**
   * What a worker found in one segment; the caller folds these in serial order. {@code ranges} are
   * the segment's Merkle leaves as compact ranges, split at every checkpoint size inside it, so the
   * fold sees the tree at each checkpoint with a few hashes per range.
   */
  record Checked(String key, long keySerial, SegmentFormat.Header header, List<CompactRange> ranges, List<Problem> problems,
      long pairSum, CorruptObjectException corrupt, List<Tombstone> tombstones, java.util.Map<String, String> authorized) {}

  /** A disposed record's tombstone: what a disposition audit record must name. */
  record Tombstone(String key, long serial, String id, String digest) {}

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
          found.add(new Problem(VerifyRun.objectFile(key), "record " + serial + " does not match its digest",
              Digests.hex(Arrays.copyOfRange(stored, dOff, dOff + 32)), Digests.hex(x.digest)));
        }
        if (x.scan.scan(body, off, len)) {
          if (x.scan.idStart < 0 || !Arrays.equals(body, x.scan.idStart, x.scan.idEnd, body, idOff, idOff + idLen)) {
            String jsonId = x.scan.idStart < 0 ? null
                : new String(body, x.scan.idStart, x.scan.idEnd - x.scan.idStart, java.nio.charset.StandardCharsets.UTF_8);
            found.add(new Problem(VerifyRun.objectFile(key), "record " + serial + ": stored id differs from the id in its JSON", jsonId,
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
            found.add(new Problem(VerifyRun.objectFile(key), "record " + serial + ": stored id differs from the id in its JSON", jsonId,
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
      liveBlobRefs.merge(d, new VerifyRun.BlobRef(key, serial), (a, b) -> a.serial() <= b.serial() ? a : b);
    }
  }

  /** Notes the blobs a live record refers to; each must be stored ({@link VerifyRun#referencedBlobs}). */
  void liveReferences(String key, long serial, byte[] canonical) {
    java.util.Set<String> refs;
    try {
      refs = BlobReferences.in(canonical);
    } catch (IllegalArgumentException notJson) {
      return; // the digest and id checks report a damaged record
    }
    for (String d : refs) {
      liveBlobRefs.merge(d, new VerifyRun.BlobRef(key, serial), (a, b) -> a.serial() <= b.serial() ? a : b);
    }
  }
}
