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
 */
public record VerifyReport(List<Problem> problems, long records, long segments, long checkpoints, long blobs,
    long bytesRead, long treeSize, String rootHex) {
  public VerifyReport {
    problems = List.copyOf(problems);
  }

  /** True when nothing is wrong. */
  public boolean ok() {
    return problems.isEmpty();
  }
}
