package dev.coffer.archive.segment;

import java.nio.charset.StandardCharsets;

/**
 * Finds the top-level {@code "id"} member of a record's canonical JSON with one allocation-free scan.
 * A compact segment (version 3) does not store ids beside the records: they are read back from the
 * JSON this way, so the scan must cost far less than parsing.
 */
public final class RecordIds {
  private RecordIds() {}

  /**
   * Offsets {@code [start, end)} of the value of the first top-level {@code "id"} member of the JSON
   * object in {@code json[off, off + len)}, packed as {@code (long) start << 32 | end}; -1 when the
   * bytes are not an object with a plain string id (no escapes: ids Coffer derives never need them).
   */
  public static long find(byte[] json, int off, int len) {
    int depth = 0;
    byte previous = 0; // last byte outside strings
    int n = off + len;
    for (int i = off; i < n; i++) {
      byte c = json[i];
      if (c == '"') {
        int start = i + 1;
        int end = closingQuote(json, start, n);
        if (end < 0) {
          return -1;
        }
        boolean isKey = depth == 1 && (previous == '{' || previous == ',');
        if (isKey && end - start == 2 && json[start] == 'i' && json[start + 1] == 'd'
            && end + 2 < n && json[end + 1] == ':' && json[end + 2] == '"') {
          int vStart = end + 3;
          int vEnd = closingQuote(json, vStart, n);
          if (vEnd < 0) {
            return -1;
          }
          for (int k = vStart; k < vEnd; k++) {
            if (json[k] == '\\') {
              return -1;
            }
          }
          return ((long) vStart << 32) | vEnd;
        }
        i = end;
        previous = '"';
        continue;
      }
      if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        depth--;
      }
      previous = c;
    }
    return -1;
  }

  /** The top-level id of the JSON in {@code json}, or null (see {@link #find}). */
  public static String of(byte[] json) {
    long at = find(json, 0, json.length);
    if (at < 0) {
      return null;
    }
    int start = (int) (at >>> 32);
    int end = (int) at;
    return new String(json, start, end - start, StandardCharsets.UTF_8);
  }

  /** Index of the quote ending a string whose content starts at {@code from}, or -1. */
  private static int closingQuote(byte[] json, int from, int n) {
    for (int i = from; i < n; i++) {
      if (json[i] == '\\') {
        i++;
      } else if (json[i] == '"') {
        return i;
      }
    }
    return -1;
  }
}
