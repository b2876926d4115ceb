package dev.coffer.archive.verify;

import java.util.List;

/**
 * What {@link Verifier#verify} found.
 *
 * @param problems everything wrong, in the order found (empty when all is well)
 * @param records records read from segments
 * @param segments segment objects read
 * @param checkpoints checkpoint objects read
 * @param blobs blobs read and rehashed
 * @param bytesRead bytes read from the data directory
 * @param treeSize size of the Merkle tree recomputed from the segments
 * @param rootHex its root, hex
 * @param concurrentWriter who held the archive's writer lock while verify ran (as its lock file says), or
 *     null if nobody did; when set, only the records up to the latest checkpoint at the start were
 *     checked, and the derived id index was not
 */
public record VerifyReport(List<Problem> problems, long records, long segments, long checkpoints, long blobs,
    long bytesRead, long treeSize, String rootHex, String concurrentWriter) {
  public VerifyReport {
    problems = List.copyOf(problems);
  }

  /** True when nothing is wrong. */
  public boolean ok() {
    return problems.isEmpty();
  }
}
