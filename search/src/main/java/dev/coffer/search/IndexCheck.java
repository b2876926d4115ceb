package dev.coffer.search;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.index.CheckIndex;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.Lock;

/**
 * Runs Lucene's {@link CheckIndex} (checksums of every file, then decoding of postings, stored fields,
 * doc values and points) on the latest commit and turns its status into plain problem lines.
 */
final class IndexCheck {
  private IndexCheck() {}

  /**
   * @param heldLock the write lock when the caller already holds it (an open index: the caller also
   *     keeps commits out while this runs); null to take it here
   */
  static List<String> run(Directory dir, Lock heldLock) throws IOException {
    List<String> problems = new ArrayList<>();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    CheckIndex.Status status;
    try (CheckIndex checker = heldLock == null ? new CheckIndex(dir) : new CheckIndex(dir, heldLock);
        PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8)) {
      checker.setInfoStream(out, false);
      checker.setLevel(CheckIndex.Level.MIN_LEVEL_FOR_INTEGRITY_CHECKS);
      status = checker.checkIndex();
    } catch (org.apache.lucene.store.LockObtainFailedException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      problems.add("cannot read the index: " + e.getClass().getSimpleName() + ": " + e.getMessage());
      return problems;
    }
    if (status.clean) {
      return problems;
    }
    if (status.missingSegments) {
      problems.add("no readable commit (segments file missing or corrupt)");
    }
    if (status.toolOutOfDate) {
      problems.add("index written by a newer Lucene than this Coffer can check");
    }
    for (CheckIndex.Status.SegmentInfoStatus s : status.segmentInfos) {
      if (s.error != null) {
        problems.add("segment " + s.name + ": " + s.error.getClass().getSimpleName() + ": "
            + s.error.getMessage());
      }
    }
    if (problems.isEmpty()) {
      // not clean but no segment error: report what CheckIndex printed about it
      for (String line : log.toString(StandardCharsets.UTF_8).split("\n")) {
        if (line.contains("ERROR") || line.contains("FAILED") || line.contains("WARNING")) {
          problems.add(line.strip());
        }
      }
      if (problems.isEmpty()) {
        problems.add("index is not clean: " + status.numBadSegments + " bad segment(s)");
      }
    }
    return problems;
  }

  /** A lock that is already held by the open writer; CheckIndex only needs something to validate. */
  static Lock held() {
    return new Lock() {
      @Override
      public void close() {}

      @Override
      public void ensureValid() {}
    };
  }
}
