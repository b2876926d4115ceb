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
 * @param packs the blob packs removed (or that would be) as a whole, because every blob in them could
 *     go; their blobs are also in {@code removed}
 */
public record BlobDisposal(List<Blob> removed, List<Blob> kept, List<Blob> refused, String auditRecord, List<Pack> packs) {
  public BlobDisposal {
    removed = List.copyOf(removed);
    kept = List.copyOf(kept);
    refused = List.copyOf(refused);
    packs = List.copyOf(packs);
  }

  /** A disposition that removed no pack. */
  public BlobDisposal(List<Blob> removed, List<Blob> kept, List<Blob> refused, String auditRecord) {
    this(removed, kept, refused, auditRecord, List.of());
  }

  /**
   * A blob pack (small blobs a group commit stored in one object) removed as a whole.
   *
   * @param name its object key ({@code packs/...pack})
   * @param size its stored size in bytes
   * @param retainUntil the latest retain-until of its blobs (the WORM store refuses the delete before)
   * @param blobs its blobs, each with its size inside the pack
   */
  public record Pack(String name, long size, Instant retainUntil, List<Blob> blobs) {
    public Pack {
      blobs = List.copyOf(blobs);
    }
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
