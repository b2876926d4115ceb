package dev.coffer.archive.verify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.model.Audit;
import dev.coffer.model.Record;
import dev.coffer.model.RecordJson;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Reads the records a {@code disposition} audit record names (id -> digest), so verify can require
 * every tombstone to be one of them: content removed any other way is reported.
 */
final class Dispositions {
  private static final byte[] MARK = "\"action\":\"disposition\"".getBytes(StandardCharsets.US_ASCII);

  private Dispositions() {}

  /** A cheap test on canonical bytes: an unescaped {@code "action":"disposition"} occurs only as an audit record's action. */
  static boolean isDisposition(byte[] canonical) {
    outer:
    for (int i = 0; i + MARK.length <= canonical.length; i++) {
      for (int j = 0; j < MARK.length; j++) {
        if (canonical[i + j] != MARK[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /** Adds the id -> digest pairs of a disposition record; anything unreadable adds nothing (verify reports the tombstones). */
  static void read(byte[] canonical, Map<String, String> into) {
    try {
      Record r = RecordJson.parse(canonical);
      if (r instanceof Audit a && "disposition".equals(a.action()) && a.detail() != null && a.detail().get("digests") != null) {
        JsonNode digests = RecordJson.mapper().readTree(a.detail().get("digests"));
        digests.fields().forEachRemaining(e -> into.put(e.getKey(), e.getValue().asText()));
      }
    } catch (java.io.IOException | RuntimeException e) {
      // not a readable disposition record: it authorizes nothing
    }
  }
}
