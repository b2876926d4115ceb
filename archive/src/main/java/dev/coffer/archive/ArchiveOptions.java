package dev.coffer.archive;

import java.time.Clock;
import java.util.Objects;

/**
 * How an archive runs, fixed when it is opened; validated here, so a wrong value fails at once and
 * names the field.
 *
 * @param clock source of archive time (recorded per record and in checkpoints); inject one in tests
 * @param maxCommitRecords most records in one group commit (one segment, one fsync), 1..1,000,000
 * @param maxCommitBytes most canonical bytes in one group commit, 64 KiB..256 MiB (one record larger
 *     than this still commits, alone); bounds the memory a commit and a segment read take
 * @param idIndexCommitRecords how many records may be added to the derived id index between its
 *     durable commits (>= 1); what a reopen after a crash re-reads at most
 */
public record ArchiveOptions(Clock clock, int maxCommitRecords, int maxCommitBytes, int idIndexCommitRecords) {

  public ArchiveOptions {
    Objects.requireNonNull(clock, "ArchiveOptions.clock");
    if (maxCommitRecords < 1 || maxCommitRecords > 1_000_000) {
      throw new IllegalArgumentException("ArchiveOptions.maxCommitRecords must be 1..1000000, got " + maxCommitRecords);
    }
    if (maxCommitBytes < (64 << 10) || maxCommitBytes > (256 << 20)) {
      throw new IllegalArgumentException("ArchiveOptions.maxCommitBytes must be 65536..268435456, got " + maxCommitBytes);
    }
    if (idIndexCommitRecords < 1) {
      throw new IllegalArgumentException("ArchiveOptions.idIndexCommitRecords must be >= 1, got " + idIndexCommitRecords);
    }
  }

  /** System UTC clock, commits of up to 50,000 records or 16 MiB, id index committed every 500,000 records. */
  public static ArchiveOptions defaults() {
    return new ArchiveOptions(Clock.systemUTC(), 50_000, 16 << 20, 500_000);
  }

  public ArchiveOptions withClock(Clock clock) {
    return new ArchiveOptions(clock, maxCommitRecords, maxCommitBytes, idIndexCommitRecords);
  }

  public ArchiveOptions withMaxCommitRecords(int n) {
    return new ArchiveOptions(clock, n, maxCommitBytes, idIndexCommitRecords);
  }

  public ArchiveOptions withMaxCommitBytes(int n) {
    return new ArchiveOptions(clock, maxCommitRecords, n, idIndexCommitRecords);
  }

  public ArchiveOptions withIdIndexCommitRecords(int n) {
    return new ArchiveOptions(clock, maxCommitRecords, maxCommitBytes, n);
  }
}
