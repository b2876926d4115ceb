package dev.coffer.connectors.whatsapp.export;

import java.nio.charset.CharsetDecoder;
import java.util.Arrays;

/**
 * A chat text held in memory, split into lines and headers on its UTF-8 bytes: what
 * {@link LineSource} and {@link Header#parse} give for a stream, without decoding a line to find
 * whether it starts with a header. Lines end at LF, a CR before the LF belongs to the line ending,
 * a byte-order mark at the start of the file belongs to no line (as in {@link LineSource}).
 *
 * <p>Most headers are ASCII ({@code 20/1/23, 08:04 - }): {@link Header#parseAscii} reads them from
 * the bytes; a line whose answer depends on a byte that is not ASCII is decoded and read by
 * {@link Header#parse}, so every line gets the header the stream parser would give it. Text is
 * decoded later, once, only for what becomes an entry's fields ({@link #rest}, {@link #text}).
 */
final class ChatBytes {
  final byte[] bytes;
  /** Lines read. */
  int count;
  /** Per line: where its text starts (after a byte-order mark), where it ends (before CR LF). */
  int[] start;
  int[] end;
  /** Per line: the file offset of its first byte (a byte-order mark included). */
  int[] offset;
  /** Per line: the header at its start, or null. */
  Header[] header;
  /**
   * Per line with a header: a string whose first {@link Header#restStart} chars are the line's
   * (the ASCII prefix read, or the whole decoded line); else null.
   */
  String[] head;
  /** Per line with a header: the byte where the text after the header starts. */
  int[] restByte;

  private CharsetDecoder decoder;

  private ChatBytes(byte[] bytes, int expectedLines) {
    this.bytes = bytes;
    int n = Math.max(16, expectedLines);
    start = new int[n];
    end = new int[n];
    offset = new int[n];
    header = new Header[n];
    head = new String[n];
    restByte = new int[n];
  }

  /**
   * Splits {@code bytes} into lines and reads their headers; null when a line is longer than
   * {@code maxLineBytes} (the stream parser's cut and overflow entries then apply, so the caller
   * parses the bytes as a stream instead).
   */
  static ChatBytes read(byte[] bytes, int maxLineBytes) {
    ChatBytes c = new ChatBytes(bytes, bytes.length / 48);
    int n = bytes.length;
    int pos = 0;
    String[] prefix = new String[1];
    Header.Scratch scratch = new Header.Scratch();
    while (pos < n) {
      int nl = pos;
      while (nl < n && bytes[nl] != '\n') {
        nl++;
      }
      if (nl - pos > maxLineBytes) {
        return null;
      }
      int s = pos;
      int e = nl;
      if (e > s && bytes[e - 1] == '\r') {
        e--;
      }
      if (c.count == 0 && e - s >= 3 && (bytes[s] & 0xFF) == 0xEF && (bytes[s + 1] & 0xFF) == 0xBB
          && (bytes[s + 2] & 0xFF) == 0xBF) {
        s += 3;
      }
      prefix[0] = null;
      Header h = Header.parseAscii(bytes, s, e, prefix, scratch);
      String head = prefix[0];
      int rest = h == null ? 0 : s + h.restStart();
      if (h == Header.UNDECIDED) {
        String text = c.decode(s, e - s, new int[] {-1});
        h = Header.parse(text);
        head = h == null ? null : text;
        // The decoded line: the rest's start in bytes is where its first restStart chars end.
        rest = h == null ? 0 : s + utf8Length(text, h.restStart());
      }
      c.add(pos, s, e, h, head, rest);
      pos = nl + 1;
    }
    return c;
  }

  /** Bytes that {@code text[0, chars)} takes in UTF-8, counting each U+FFFD as one bad byte. */
  private static int utf8Length(String text, int chars) {
    // Only for lines that decode without bad bytes: a U+FFFD that replaced bad bytes has no
    // fixed length, so such lines are re-read from their decoded text (see rest()).
    int n = 0;
    for (int i = 0; i < chars; i++) {
      char ch = text.charAt(i);
      if (ch < 0x80) {
        n += 1;
      } else if (ch < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(ch) && i + 1 < chars
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  private void add(int lineOffset, int s, int e, Header h, String headText, int rest) {
    if (count == start.length) {
      int m = count * 2;
      start = Arrays.copyOf(start, m);
      end = Arrays.copyOf(end, m);
      offset = Arrays.copyOf(offset, m);
      header = Arrays.copyOf(header, m);
      head = Arrays.copyOf(head, m);
      restByte = Arrays.copyOf(restByte, m);
    }
    start[count] = s;
    end[count] = e;
    offset[count] = lineOffset;
    header[count] = h;
    head[count] = headText;
    restByte[count] = rest;
    count++;
  }

  /** The whole text of line {@code i} (0-based); {@code firstBad[0]} gets its first bad byte. */
  String text(int i, int[] firstBad) {
    String t = decode(start[i], end[i] - start[i], firstBad);
    if (firstBad[0] >= 0) {
      firstBad[0] += start[i] - offset[i];
    }
    return t;
  }

  /**
   * The text after the header of line {@code i}, which has one; {@code firstBad[0]} gets the line's
   * first bad byte (from the line's first byte), as for {@link #text}.
   */
  String rest(int i, int[] firstBad) {
    Header h = header[i];
    String r = new String(bytes, restByte[i], end[i] - restByte[i],
        java.nio.charset.StandardCharsets.UTF_8);
    if (r.indexOf('\uFFFD') < 0) {
      return r;
    }
    // Bad bytes (or a real U+FFFD): read the whole line the way the stream parser does, so the
    // diagnostic offset and the text are the same.
    String line = text(i, firstBad);
    return h.rest(line);
  }

  private String decode(int from, int len, int[] firstBad) {
    String fast = new String(bytes, from, len, java.nio.charset.StandardCharsets.UTF_8);
    if (fast.indexOf('\uFFFD') < 0) {
      return fast;
    }
    if (decoder == null) {
      decoder = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
    }
    return LineSource.decodeReporting(bytes, from, len, firstBad, decoder);
  }
}
