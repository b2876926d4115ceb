package dev.coffer.archive.retention;

import java.time.Instant;
import java.util.List;

/**
 * What one {@link dev.coffer.archive.Archive#dispose} removed.
 *
 * @param records the records now tombstones, in serial order
 * @param auditRecords ids of the {@code disposition} audit records naming them (with digests and policy)
 * @param segmentsRewritten how many segment objects were rewritten with tombstones
 * @param liveRecordsCopied how many records that stay were in those segments, so a rewrite copied their
 *     bytes (unchanged) into the new segment object; 0 when every rewritten segment expired as a whole
 */
public record Disposal(List<Item> records, List<String> auditRecords, int segmentsRewritten, long liveRecordsCopied) {
  public Disposal {
    records = List.copyOf(records);
    auditRecords = List.copyOf(auditRecords);
  }

  /**
   * One disposed record and why it could go.
   *
   * @param digest lowercase hex SHA-256 of its canonical JSON: its Merkle leaf data, kept in the tombstone
   * @param retainUntil when its retention ended
   * @param policyVersion the policy version that fixed its retention
   * @param rule the policy rule that applied
   */
  public record Item(String id, long serial, String digest, Instant archivedAt, Instant retainUntil, int policyVersion,
      String retentionClass, String rule) {}
}
