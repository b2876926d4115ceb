package dev.coffer.archive.verify;

import dev.coffer.archive.segment.RecordIds;

/**
 * Finds the top-level {@code "id"} member of a record's canonical JSON with one allocation-free scan
 * ({@link RecordIds}: a compact segment reads its ids back the same way). Returns null when the bytes
 * are not an object with a plain string id; the caller then treats the id as not matching.
 */
final class TopLevelId {
  private TopLevelId() {}

  static String of(byte[] json) {
    return RecordIds.of(json);
  }
}
