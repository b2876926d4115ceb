package dev.coffer.search;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.index.CheckIndex;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.Lock;

/**
 * Checks a search index's latest commit and turns what is wrong into plain problem lines: either
 * {@link #checksums} (every file's CRC-32 footer, then the commit opens) or {@link #run} (Lucene's
 * {@link CheckIndex}: the same checksums, then decoding of postings, stored fields, doc values and
 * points).
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

  /**
   * Every file of the latest commit passes its Lucene checksum (files checked in parallel, problems
   * in file-name order), then a reader opens the commit. A changed byte anywhere in a file fails its
   * CRC-32; what this leaves to {@link #run} is damage Lucene itself wrote with a valid checksum.
   */
  static List<String> checksums(Directory dir) throws IOException {
    String[] files = dir.listAll();
    String segmentsFile = SegmentInfos.getLastCommitSegmentsFileName(files);
    if (segmentsFile == null) {
      return List.of("no readable commit (segments file missing or corrupt)");
    }
    SegmentInfos infos;
    try {
      infos = SegmentInfos.readCommit(dir, segmentsFile);
    } catch (IOException | RuntimeException e) {
      // The commit reads other files too (.si): name the damaged ones when their checksums say so.
      List<String> named = checkFiles(dir, java.util.Arrays.stream(files)
          .filter(f -> !f.equals("write.lock")).sorted().toList());
      return named.isEmpty()
          ? List.of("no readable commit: " + segmentsFile + ": " + e.getClass().getSimpleName() + ": "
              + e.getMessage())
          : named;
    }
    List<String> problems = checkFiles(dir, infos.files(true).stream().sorted().toList());
    if (!problems.isEmpty()) {
      return problems;
    }
    try (DirectoryReader reader = DirectoryReader.open(dir)) {
      return List.of();
    } catch (IOException | RuntimeException e) {
      return List.of("cannot open the commit " + segmentsFile + ": " + e.getClass().getSimpleName() + ": "
          + e.getMessage());
    }
  }

  private static List<String> checkFiles(Directory dir, List<String> files) {
    return files.parallelStream().map(f -> {
      try (IndexInput in = dir.openInput(f, IOContext.READONCE)) {
        CodecUtil.checksumEntireFile(in);
        return (String) null;
      } catch (IOException | RuntimeException e) {
        return "file " + f + ": " + e.getClass().getSimpleName() + ": " + e.getMessage();
      }
    }).filter(java.util.Objects::nonNull).toList();
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
