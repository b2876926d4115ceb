package dev.coffer.archive.verify;

/**
 * One pass over a record's canonical JSON bytes, in place, that finds what verify needs from every
 * record: the top-level {@code id}, whether the top-level {@code action} is {@code disposition}, and
 * the blob digests in the places {@link dev.coffer.archive.blob.BlobReferences} defines
 * ({@code source.raw}, {@code attachment.sha256}, {@code attachments[].sha256},
 * {@code contact.vcard_sha256}). Nothing is allocated per record: verify runs this on every record,
 * where a Jackson parser per record cost more than hashing the archive.
 *
 * <p>It reads only JSON in the form Coffer writes (RFC 8785: no whitespace, no escapes in names,
 * ids, actions or digests). Anything else — malformed structure, whitespace, an escape where it
 * would change a result, a repeated top-level {@code id} — makes {@link #scan} return false, and the
 * caller takes the reference paths ({@link TopLevelId}, {@link Dispositions},
 * {@code BlobReferences.in}) for that record. It does not validate number syntax or UTF-8, which the
 * reference parser rejects: on such bytes it can only find more references to check, never fewer
 * (and the record's digest check reports bytes Coffer did not write). {@code RecordScanTest} checks
 * the two against each other.
 *
 * <p>Not thread-safe: one instance per worker thread, reused for every record.
 */
final class RecordScan {
  private static final int OTHER = 0;
  private static final int SOURCE = 1;
  private static final int ATTACHMENT = 2;
  private static final int ATTACHMENTS = 3;
  private static final int CONTACT = 4;
  private static final int ID = 5;
  private static final int ACTION = 6;

  private static final byte[] DISPOSITION = "disposition".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final int MAX_DEPTH = 200;

  private byte[] b;
  private int end;

  /** Offsets of the top-level id's value (between the quotes); {@code idStart < 0} when there is none. */
  int idStart;
  int idEnd;
  /** The top-level action is exactly {@code disposition}. */
  boolean disposition;
  /** Start offsets of the blob digests referred to (64 lowercase hex bytes each), in document order. */
  int[] refs = new int[8];
  int refCount;

  /**
   * Scans {@code b[off, off + len)}. Returns false when the bytes are not a JSON object this scanner
   * reads with certainty; the fields are then meaningless.
   */
  boolean scan(byte[] b, int off, int len) {
    this.b = b;
    this.end = off + len;
    idStart = -1;
    idEnd = -1;
    disposition = false;
    refCount = 0;
    int p = ws(off);
    if (p >= end || b[p] != '{') {
      return false;
    }
    p = object(p, 1, OTHER);
    if (p < 0) {
      return false;
    }
    return ws(p) == end;
  }

  /**
   * Canonical JSON has no whitespace between tokens, so none is skipped: a record with any takes the
   * reference paths (whose results, e.g. {@link TopLevelId}'s, depend on the exact form).
   */
  private static int ws(int p) {
    return p;
  }

  /**
   * An object starting at {@code p} (its '{'), at {@code depth} (1 for the record itself); {@code top}
   * is the top-level member it is under. Returns the position after its '}', or -1.
   */
  private int object(int p, int depth, int top) {
    if (depth > MAX_DEPTH) {
      return -1;
    }
    p = ws(p + 1);
    if (p < end && b[p] == '}') {
      return p + 1;
    }
    while (true) {
      if (p >= end || b[p] != '"') {
        return -1;
      }
      int nameStart = p + 1;
      int nameEnd = plainString(nameStart);
      if (nameEnd < 0) {
        return -1; // an escaped or unterminated name
      }
      p = ws(nameEnd + 1);
      if (p >= end || b[p] != ':') {
        return -1;
      }
      p = ws(p + 1);
      if (p >= end) {
        return -1;
      }
      int memberTop = top;
      int name = OTHER;
      if (depth == 1) {
        memberTop = topName(nameStart, nameEnd);
        name = memberTop;
      } else if (isRefName(top, depth, nameStart, nameEnd)) {
        name = 1; // a place that holds a blob digest
      }
      if (b[p] == '"') {
        int vStart = p + 1;
        int vEnd = string(vStart);
        if (vEnd < 0) {
          return -1;
        }
        if (depth == 1 && name == ID) {
          if (idStart >= 0 || escaped) {
            return -1; // a repeated id, or one with escapes: the reference path decides
          }
          idStart = vStart;
          idEnd = vEnd;
        } else if (depth == 1 && name == ACTION) {
          if (escaped) {
            return -1;
          }
          disposition = java.util.Arrays.equals(b, vStart, vEnd, DISPOSITION, 0, DISPOSITION.length);
        } else if (depth > 1 && name == 1) {
          if (escaped) {
            return -1; // an escaped digest would decode to hex: let the reference path read it
          }
          if (vEnd - vStart == 64 && lowerHex(vStart)) {
            addRef(vStart);
          }
        }
        p = vEnd + 1;
      } else {
        p = value(p, depth, memberTop);
        if (p < 0) {
          return -1;
        }
      }
      p = ws(p);
      if (p >= end) {
        return -1;
      }
      if (b[p] == ',') {
        p = ws(p + 1);
      } else if (b[p] == '}') {
        return p + 1;
      } else {
        return -1;
      }
    }
  }

  /** An array starting at {@code p} (its '['); strings in arrays are never references. */
  private int array(int p, int depth, int top) {
    if (depth > MAX_DEPTH) {
      return -1;
    }
    p = ws(p + 1);
    if (p < end && b[p] == ']') {
      return p + 1;
    }
    while (true) {
      if (p >= end) {
        return -1;
      }
      if (b[p] == '"') {
        int vEnd = string(p + 1);
        if (vEnd < 0) {
          return -1;
        }
        p = vEnd + 1;
      } else {
        p = value(p, depth, top);
        if (p < 0) {
          return -1;
        }
      }
      p = ws(p);
      if (p >= end) {
        return -1;
      }
      if (b[p] == ',') {
        p = ws(p + 1);
      } else if (b[p] == ']') {
        return p + 1;
      } else {
        return -1;
      }
    }
  }

  /** Any non-string value inside a container at {@code depth}. */
  private int value(int p, int depth, int top) {
    byte c = b[p];
    if (c == '{') {
      return object(p, depth + 1, top);
    }
    if (c == '[') {
      return array(p, depth + 1, top);
    }
    if (c == 't') {
      return literal(p, "true");
    }
    if (c == 'f') {
      return literal(p, "false");
    }
    if (c == 'n') {
      return literal(p, "null");
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      int q = p + 1;
      while (q < end && ((b[q] >= '0' && b[q] <= '9') || b[q] == '.' || b[q] == 'e' || b[q] == 'E' || b[q] == '+'
          || b[q] == '-')) {
        q++;
      }
      return q;
    }
    return -1;
  }

  private int literal(int p, String word) {
    if (end - p < word.length()) {
      return -1;
    }
    for (int i = 0; i < word.length(); i++) {
      if (b[p + i] != word.charAt(i)) {
        return -1;
      }
    }
    return p + word.length();
  }

  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  /** Whether the last string {@link #string} read held a backslash. */
  private boolean escaped;

  /**
   * The closing quote of a string whose content starts at {@code p}; -1 if unterminated or holding a
   * control byte. Sets {@link #escaped}. Skips eight bytes at a time while none of them is a quote, a
   * backslash or a control byte: message text is most of a record's bytes.
   */
  private int string(int p) {
    escaped = false;
    while (true) {
      while (end - p >= 8) {
        long w = (long) LONGS.get(b, p);
        long quote = w ^ (0x22 * ONES);
        long backslash = w ^ (0x5C * ONES);
        long special = ((quote - ONES) & ~quote) | ((backslash - ONES) & ~backslash) | ((w - 0x20 * ONES) & ~w);
        if ((special & HIGHS) != 0) {
          break;
        }
        p += 8;
      }
      if (p >= end) {
        return -1;
      }
      byte c = b[p];
      if (c == '"') {
        return p;
      }
      if (c == '\\') {
        escaped = true;
        p += 2;
        continue;
      }
      if (c >= 0 && c < 0x20) {
        return -1;
      }
      p++;
    }
  }

  /** Like {@link #string} but -1 on any escape too. */
  private int plainString(int p) {
    int q = string(p);
    return escaped ? -1 : q;
  }

  private boolean lowerHex(int from) {
    for (int i = from; i < from + 64; i++) {
      byte c = b[i];
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private void addRef(int start) {
    if (refCount == refs.length) {
      refs = java.util.Arrays.copyOf(refs, refCount * 2);
    }
    refs[refCount++] = start;
  }

  private int topName(int s, int e) {
    return switch (e - s) {
      case 2 -> is(s, e, "id") ? ID : OTHER;
      case 6 -> is(s, e, "source") ? SOURCE : is(s, e, "action") ? ACTION : OTHER;
      case 7 -> is(s, e, "contact") ? CONTACT : OTHER;
      case 10 -> is(s, e, "attachment") ? ATTACHMENT : OTHER;
      case 11 -> is(s, e, "attachments") ? ATTACHMENTS : OTHER;
      default -> OTHER;
    };
  }

  /** The (top-level member, depth, name) places that hold a blob digest, as BlobReferences defines them. */
  private boolean isRefName(int top, int depth, int s, int e) {
    return switch (top) {
      case SOURCE -> depth == 2 && is(s, e, "raw");
      case ATTACHMENT -> depth == 2 && is(s, e, "sha256");
      case ATTACHMENTS -> depth == 3 && is(s, e, "sha256");
      case CONTACT -> depth == 2 && is(s, e, "vcard_sha256");
      default -> false;
    };
  }

  private boolean is(int s, int e, String word) {
    if (e - s != word.length()) {
      return false;
    }
    for (int i = 0; i < word.length(); i++) {
      if (b[s + i] != word.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
