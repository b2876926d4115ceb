package dev.coffer.archive.segment;

import java.util.Objects;

/**
 * One record inside a segment.
 *
 * @param id the record's id (kept beside the JSON so dedupe and re-indexing need no JSON parsing)
 * @param digest SHA-256 of {@code canonical}, 32 bytes: the record's Merkle leaf data
 * @param canonical the record's RFC 8785 canonical JSON bytes; empty for a tombstone (a record
 *     removed by disposition after its retention: its id and digest stay, so the tree still verifies)
 */
public record SegmentEntry(String id, byte[] digest, byte[] canonical) {
  public SegmentEntry {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(canonical, "canonical");
    if (digest.length != 32) {
      throw new IllegalArgumentException("digest must be 32 bytes, got " + digest.length);
    }
  }

  /** The tombstone of a disposed record: id and digest, no content. */
  public static SegmentEntry tombstone(String id, byte[] digest) {
    return new SegmentEntry(id, digest, new byte[0]);
  }

  /** True if this entry is a tombstone (canonical JSON is never empty, so no record looks like one). */
  public boolean disposed() {
    return canonical.length == 0;
  }
}
