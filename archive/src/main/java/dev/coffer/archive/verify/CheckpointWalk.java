package dev.coffer.archive.verify;

import dev.coffer.archive.checkpoint.Checkpoint;
import dev.coffer.archive.checkpoint.CheckpointFormat;
import dev.coffer.archive.layout.ArchiveLayout;
import dev.coffer.archive.merkle.MerkleFrontier;
import dev.coffer.archive.store.CorruptObjectException;
import dev.coffer.model.Digests;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Future;

/**
 * Walks checkpoint objects in size order alongside the recomputed tree. Besides comparing each
 * signed root with the tree recomputed from every record, it keeps an anchor: the frontier the
 * last good checkpoint signed (its stored frontier gives its signed root, and its signature
 * verifies), with the records since appended. Where the recomputed root differs, the anchor says
 * which records did it: if the anchor reaches the checkpoint's signed root, the records since the
 * last checkpoint are the signed ones and the difference is an earlier one's consequence; if not,
 * they are named, by segment and by the smallest range of records a signed subtree pins down.
 */
final class CheckpointWalk {
  /** A segment the fold has taken into the tree: which records it holds. */
  record Span(String key, long first, long last) {}

  /**
   * One checkpoint object read, decoded and its signature checked on a worker; {@code stored} is
   * null when it cannot be compared (its problems say why).
   */
  record CheckpointRead(String key, long rawSize, List<Problem> problems, CheckpointFormat.Stored stored, boolean signed) {}

  /** Reads, decodes and checks the signature of checkpoint {@code key}; runs on a worker. */
  static CheckpointRead read(VerifyRun run, String key) throws IOException {
    long keySize = ArchiveLayout.sizeOfCheckpointKey(key);
    long size = run.rawSize(key);
    List<Problem> found = new ArrayList<>(0);
    byte[] bytes;
    try {
      bytes = run.store.get(key);
    } catch (CorruptObjectException e) {
      found.add(new Problem(VerifyRun.objectFile(key), e.what(), e.expected(), e.actual()));
      return new CheckpointRead(key, size, found, null, false);
    }
    try {
      CheckpointFormat.Stored st = CheckpointFormat.decode(key, bytes);
      Checkpoint c = st.checkpoint();
      if (c.size() != keySize) {
        found.add(new Problem(VerifyRun.objectFile(key), "checkpoint size differs from its name", String.valueOf(keySize),
            String.valueOf(c.size())));
        return new CheckpointRead(key, size, found, null, false);
      }
      boolean signed = run.publicKey != null && c.verifySignature(run.publicKey);
      if (run.publicKey != null && !signed) {
        found.add(new Problem(VerifyRun.objectFile(key), "checkpoint signature does not verify with the archive's public key",
            "valid Ed25519 signature", "invalid"));
      }
      if (run.manifest != null && !c.archiveId().equals(run.manifest.archiveId())) {
        found.add(new Problem(VerifyRun.objectFile(key), "checkpoint names another archive", run.manifest.archiveId(), c.archiveId()));
        signed = false;
      }
      return new CheckpointRead(key, size, found, st, signed);
    } catch (CorruptObjectException e) {
      found.add(new Problem(VerifyRun.objectFile(key), e.what(), e.expected(), e.actual()));
      return new CheckpointRead(key, size, found, null, false);
    }
  }

  final VerifyRun run;
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

  CheckpointWalk(VerifyRun run, ArrayDeque<Future<CheckpointRead>> reads) throws IOException {
    this.run = run;
    this.reads = reads;
    pull();
  }

  /** Takes the next well-formed checkpoint, reporting damaged ones. */
  void pull() throws IOException {
    next = null;
    while (next == null && !reads.isEmpty()) {
      CheckpointRead r = VerifyRun.await(reads.poll());
      run.advance(r.rawSize());
      run.checkpoints++;
      for (Problem p : r.problems()) {
        run.problem(p.object(), p.what(), p.expected(), p.actual());
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
        byte[] root = run.frontier.root();
        if (!Arrays.equals(root, next.checkpoint().root())) {
          if (anchor != null && Arrays.equals(anchor.root(), next.checkpoint().root())) {
            consequence(size);
          } else {
            run.problem(VerifyRun.objectFile(nextKey), "signed root differs from the root recomputed from the records at size " + size,
                Digests.hex(root), next.checkpoint().rootHex());
            if (anchor != null) {
              localize(size);
            }
          }
        } else if (!next.frontier().sameAs(run.frontier)) {
          run.problem(VerifyRun.objectFile(nextKey), "stored frontier differs from the recomputed tree at size " + size, null, null);
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
      firstConsequence = VerifyRun.objectFile(nextKey);
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
    List<byte[]> mine = run.frontier.hashes();
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
      String actual = c[2] < 0 ? Digests.hex(run.frontier.root()) : Digests.hex(mine.get((int) c[2]));
      for (Span s : spans) {
        long lo = Math.max(s.first(), c[0] + 1);
        long hi = Math.min(s.last(), c[1]);
        if (lo > hi) {
          continue;
        }
        run.problem(VerifyRun.objectFile(s.key()), (lo == hi ? "record " + lo : "one of records " + lo + ".." + hi)
            + " was changed after checkpoint " + size + " signed it (from the signed tree of size " + from + ", "
            + (c[2] < 0 ? "the records up to " + size + " do not give its signed root)"
                : "records " + (c[0] + 1) + ".." + c[1] + " do not give the subtree root it signs)"), expected, actual);
      }
    }
  }

  /** Reads the remaining checkpoints; returns the largest checkpoint size within the records. */
  long finish(long treeSize, long recordCount) throws IOException {
    if (consequences > 0) {
      run.problem(firstConsequence, consequences + " later checkpoint(s), up to size " + lastConsequence + ", differ from "
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
            firstUnchecked = VerifyRun.objectFile(nextKey);
          }
          unchecked++;
          largest = Math.max(largest, next.checkpoint().size());
        } else {
          run.problem(VerifyRun.objectFile(nextKey), "checkpoint covers more records than the segments hold",
              "<= " + recordCount, String.valueOf(next.checkpoint().size()));
        }
      }
      pull();
    }
    if (unchecked > 0) {
      run.problem(firstUnchecked, unchecked + " checkpoint(s), up to size " + largest
              + ", cannot be checked: the damaged segment(s) reported above break the tree",
          "<= " + recordCount, String.valueOf(largest));
    }
    return lastSeen;
  }
}
