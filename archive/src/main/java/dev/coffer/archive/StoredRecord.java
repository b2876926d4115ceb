package dev.coffer.archive;

import dev.coffer.model.Record;
import dev.coffer.model.RecordJson;
import java.util.Arrays;
import java.util.Objects;

/**
 * A record as archived: its serial, its digest and its canonical bytes (the evidence), from which
 * {@link #record()} is read.
 *
 * <p>A stored record handed to {@link Archive.CommitListener}s right after a commit may also carry
 * the {@link Record} object the caller appended, whose canonical bytes are {@link #canonical()}; then
 * {@link #record()} returns it instead of parsing the bytes again (the parse was a large share of an
 * import's CPU time). Records are immutable, and a record's canonical bytes read back give an equal
 * record, so both ways return the same value.
 *
 * <p>Two stored records are equal when serial, digest, canonical bytes (by content) and archive time
 * are equal; the carried record object plays no part.
 */
public final class StoredRecord {
  private final long serial;
  private final String digest;
  private final byte[] canonical;
  private final long archivedAt;
  private final Record record;

  /**
   * A stored record read from the archive; {@link #record()} parses {@code canonical}.
   *
   * @param serial gap-free serial number, from 1
   * @param digest lowercase hex SHA-256 of {@code canonical}
   * @param canonical the RFC 8785 canonical JSON bytes as archived
   * @param archivedAt when the archive committed it (epoch milliseconds, UTC)
   */
  public StoredRecord(long serial, String digest, byte[] canonical, long archivedAt) {
    this(serial, digest, canonical, archivedAt, null);
  }

  private StoredRecord(long serial, String digest, byte[] canonical, long archivedAt, Record record) {
    this.serial = serial;
    this.digest = digest;
    this.canonical = canonical;
    this.archivedAt = archivedAt;
    this.record = record;
  }

  /**
   * A stored record for a record just committed, carrying the appended object. The caller
   * guarantees that {@code canonical} is {@code RecordJson.canonical(record)}.
   */
  static StoredRecord committed(long serial, String digest, byte[] canonical, long archivedAt, Record record) {
    return new StoredRecord(serial, digest, canonical, archivedAt, Objects.requireNonNull(record, "record"));
  }

  /** Gap-free serial number, from 1. */
  public long serial() {
    return serial;
  }

  /** Lowercase hex SHA-256 of {@link #canonical()}. */
  public String digest() {
    return digest;
  }

  /** The RFC 8785 canonical JSON bytes as archived (the array itself, not a copy: do not modify it). */
  public byte[] canonical() {
    return canonical;
  }

  /**
   * True for the tombstone of a record disposition removed after its retention: serial and digest
   * stay (the Merkle tree and every proof still verify), the content is gone and {@link #record()}
   * throws. The archive's reads ({@code get}, {@code scan}) never return tombstones.
   */
  public boolean disposed() {
    return canonical.length == 0;
  }

  /** When the archive committed it (epoch milliseconds, UTC). */
  public long archivedAt() {
    return archivedAt;
  }

  /**
   * The record: the appended object when this stored record carries it, otherwise read from the
   * canonical bytes.
   *
   * @throws IllegalArgumentException if the bytes are not a {@code coffer/1} record
   */
  public Record record() {
    if (disposed()) {
      throw new IllegalStateException("record at serial " + serial + " was disposed after its retention; only its digest is kept");
    }
    return record != null ? record : RecordJson.parse(canonical);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoredRecord s
        && serial == s.serial
        && archivedAt == s.archivedAt
        && Objects.equals(digest, s.digest)
        && Arrays.equals(canonical, s.canonical);
  }

  @Override
  public int hashCode() {
    return Objects.hash(serial, digest, archivedAt);
  }

  @Override
  public String toString() {
    return "StoredRecord[serial=" + serial + ", digest=" + digest + ", canonical=" + canonical.length
        + " bytes, archivedAt=" + archivedAt + "]";
  }
}
