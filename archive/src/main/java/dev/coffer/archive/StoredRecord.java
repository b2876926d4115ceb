package dev.coffer.archive;

import dev.coffer.model.Record;
import dev.coffer.model.RecordJson;

/**
 * A record as archived: its serial, its digest and its canonical bytes (the evidence), from which
 * {@link #record()} is read.
 *
 * @param serial gap-free serial number, from 1
 * @param digest lowercase hex SHA-256 of {@code canonical}
 * @param canonical the RFC 8785 canonical JSON bytes as archived
 * @param archivedAt when the archive committed it (epoch milliseconds, UTC)
 */
public record StoredRecord(long serial, String digest, byte[] canonical, long archivedAt) {

  /** The record read from its canonical bytes. */
  public Record record() {
    return RecordJson.parse(canonical);
  }
}
