package dev.coffer.archive.retention;

import java.time.Instant;
import java.util.List;

/**
 * What a blob disposition removed (or, in a dry run, would remove): attachments and raw originals that
 * only disposed records referred to.
 *
 * @param removed blobs removed (or that would be), each with why it could go
 * @param kept blobs a disposed record referred to that stay, because a live record (in retention, under
 *     a legal hold, or restricted) also refers to them, or because this process stored them since the
 *     previous run (a record referring to them may be on its way)
 * @param refused blobs the WORM store refused to delete because their retain-until has not passed
 *     (each refusal is a {@code worm.refused} audit record)
 * @param auditRecord the {@code disposition.blobs} audit record naming the removed blobs (null if none
 *     was written: nothing to remove, or a dry run)
 */
public record BlobDisposal(List<Blob> removed, List<Blob> kept, List<Blob> refused, String auditRecord) {
  public BlobDisposal {
    removed = List.copyOf(removed);
    kept = List.copyOf(kept);
    refused = List.copyOf(refused);
  }

  /** Nothing to remove. */
  public static final BlobDisposal NONE = new BlobDisposal(List.of(), List.of(), List.of(), null);

  /**
   * One blob.
   *
   * @param sha256 lowercase hex SHA-256 of its content (the digest records name it by)
   * @param size its stored size in bytes
   * @param retainUntil the latest retain-until of the disposed records that referred to it
   * @param why why it went, or stays
   */
  public record Blob(String sha256, long size, Instant retainUntil, String why) {}

  /** Bytes of the removed blobs. */
  public long removedBytes() {
    return removed.stream().mapToLong(Blob::size).sum();
  }
}
