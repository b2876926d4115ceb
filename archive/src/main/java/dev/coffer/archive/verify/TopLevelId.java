package dev.coffer.archive.verify;

import java.nio.charset.StandardCharsets;

/**
 * Finds the top-level {@code "id"} member of a record's canonical JSON with one allocation-free scan
 * (verify does this for every record, so it must cost far less than parsing). Returns null when the
 * bytes are not an object with a plain string id; the caller then treats the id as not matching.
 */
final class TopLevelId {
  private TopLevelId() {}

  static String of(byte[] json) {
    int depth = 0;
    byte previous = 0; // last byte outside strings
    int n = json.length;
    for (int i = 0; i < n; i++) {
      byte c = json[i];
      if (c == '"') {
        int start = i + 1;
        int end = closingQuote(json, start);
        if (end < 0) {
          return null;
        }
        boolean isKey = depth == 1 && (previous == '{' || previous == ',');
        if (isKey && end - start == 2 && json[start] == 'i' && json[start + 1] == 'd'
            && end + 2 < n && json[end + 1] == ':' && json[end + 2] == '"') {
          int vStart = end + 3;
          int vEnd = closingQuote(json, vStart);
          if (vEnd < 0) {
            return null;
          }
          for (int k = vStart; k < vEnd; k++) {
            if (json[k] == '\\') {
              return null; // ids Coffer derives never need escapes
            }
          }
          return new String(json, vStart, vEnd - vStart, StandardCharsets.UTF_8);
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
    return null;
  }

  /** Index of the quote ending a string whose content starts at {@code from}, or -1. */
  private static int closingQuote(byte[] json, int from) {
    for (int i = from; i < json.length; i++) {
      if (json[i] == '\\') {
        i++;
      } else if (json[i] == '"') {
        return i;
      }
    }
    return -1;
  }
}
