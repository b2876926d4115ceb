package dev.coffer.connectors.whatsapp.export;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Splits a byte stream into lines with bounded memory: a line longer than {@code maxLineBytes} is cut,
 * and the rest of it is only counted (the raw blob keeps those bytes). Lines end at LF; a CR before
 * the LF is part of the line ending, not of the text. Bytes that are not UTF-8 are replaced by U+FFFD
 * and reported with their offset, so the caller can turn the line into an unparsed record.
 */
final class LineSource implements AutoCloseable {

  /** One physical line of the file. */
  record Line(
      int number,
      long byteOffset,
      String text,
      int malformedAt,
      long overflowBytes,
      String overflowSample) {
    boolean malformed() {
      return malformedAt >= 0;
    }

    boolean overflowed() {
      return overflowBytes > 0;
    }
  }

  /** How much of the part beyond the cap is kept as text in the diagnostic record. */
  static final int OVERFLOW_SAMPLE_BYTES = 4096;

  private final InputStream in;
  private final int maxLineBytes;
  private final byte[] buffer = new byte[64 * 1024];
  private int pos;
  private int limit;
  private long offset;
  private int lineNumber;
  private boolean eof;
  private byte[] line;
  private final CharsetDecoder decoder =
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);

  LineSource(InputStream in, int maxLineBytes) {
    this.in = in;
    this.maxLineBytes = maxLineBytes;
    this.line = new byte[Math.min(maxLineBytes, 8192)];
  }

  /** Bytes consumed so far. */
  long bytesRead() {
    return offset;
  }

  /** The next line, or null at the end of the input. */
  Line next() throws IOException {
    if (eof && pos >= limit) {
      return null;
    }
    long start = offset;
    int len = 0;
    long overflow = 0;
    byte[] sample = null;
    int sampleLen = 0;
    boolean sawAny = false;
    while (true) {
      if (pos >= limit) {
        if (!fill()) {
          break;
        }
      }
      sawAny = true;
      // Copy up to the next LF (or the buffer's end) at once instead of byte by byte.
      int nl = pos;
      while (nl < limit && buffer[nl] != '\n') {
        nl++;
      }
      int n = nl - pos;
      int take = Math.min(n, maxLineBytes - len);
      if (take > 0) {
        if (len + take > line.length) {
          byte[] bigger = new byte[Math.min(maxLineBytes, Math.max(len + take, line.length * 2))];
          System.arraycopy(line, 0, bigger, 0, len);
          line = bigger;
        }
        System.arraycopy(buffer, pos, line, len, take);
        len += take;
      }
      int rest = n - take;
      if (rest > 0) {
        if (sample == null) {
          sample = new byte[OVERFLOW_SAMPLE_BYTES];
        }
        int keep = Math.min(rest, sample.length - sampleLen);
        System.arraycopy(buffer, pos + take, sample, sampleLen, keep);
        sampleLen += keep;
        overflow += rest;
      }
      offset += n;
      pos = nl;
      if (nl < limit) {
        pos++;
        offset++;
        if (overflow == 0 && len > 0 && line[len - 1] == '\r') {
          len--;
        } else if (overflow > 0 && sampleLen > 0 && sample[sampleLen - 1] == '\r') {
          sampleLen--;
          overflow--;
        }
        return finish(start, len, overflow, sample, sampleLen);
      }
    }
    if (!sawAny) {
      return null;
    }
    if (overflow == 0 && len > 0 && line[len - 1] == '\r') {
      len--;
    }
    return finish(start, len, overflow, sample, sampleLen);
  }

  private Line finish(long start, int len, long overflow, byte[] sample, int sampleLen) {
    lineNumber++;
    int from = 0;
    if (lineNumber == 1 && len >= 3 && (line[0] & 0xFF) == 0xEF && (line[1] & 0xFF) == 0xBB
        && (line[2] & 0xFF) == 0xBF) {
      from = 3; // the byte-order mark belongs to the file, not to the first message
    }
    int[] bad = {-1};
    String text = decode(line, from, len - from, bad);
    int malformedAt = bad[0] < 0 ? -1 : bad[0] + from;
    String overflowText = null;
    if (overflow > 0) {
      overflowText = decode(sample, 0, sampleLen, new int[] {-1});
    }
    return new Line(lineNumber, start, text, malformedAt, overflow, overflowText);
  }

  /** Decodes UTF-8, replacing bad bytes with U+FFFD; {@code firstBad[0]} gets the first bad offset. */
  private String decode(byte[] bytes, int from, int len, int[] firstBad) {
    return decode(bytes, from, len, firstBad, decoder);
  }

  /**
   * Decodes UTF-8, replacing bad bytes with U+FFFD; {@code firstBad[0]} gets the first bad offset
   * (relative to {@code from}), or stays as it was if there is none.
   *
   * @param decoder a reporting UTF-8 decoder to reuse, or null to make one if it is needed
   */
  static String decode(byte[] bytes, int from, int len, int[] firstBad, CharsetDecoder decoder) {
    // Fast path: the JDK's decoder replaces bad bytes with U+FFFD too, so a result without U+FFFD
    // had none; a line holding U+FFFD is decoded again below to find where the bad bytes are.
    String fast = new String(bytes, from, len, StandardCharsets.UTF_8);
    if (fast.indexOf('\uFFFD') < 0) {
      return fast;
    }
    return decodeReporting(bytes, from, len, firstBad, decoder);
  }

  /** {@link #decode} without the fast path: finds where the first bad bytes are. */
  static String decodeReporting(byte[] bytes, int from, int len, int[] firstBad,
      CharsetDecoder decoder) {
    if (decoder == null) {
      decoder = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
    }
    ByteBuffer bb = ByteBuffer.wrap(bytes, from, len);
    CharBuffer out = CharBuffer.allocate(len + 1);
    decoder.reset();
    while (true) {
      CoderResult r = decoder.decode(bb, out, true);
      if (r.isUnderflow()) {
        decoder.flush(out);
        break;
      }
      if (r.isError()) {
        if (firstBad[0] < 0) {
          firstBad[0] = bb.position() - from;
        }
        out.put('\uFFFD');
        bb.position(bb.position() + r.length());
        continue;
      }
      if (r.isOverflow()) {
        CharBuffer bigger = CharBuffer.allocate(out.capacity() * 2 + 2);
        out.flip();
        bigger.put(out);
        out = bigger;
      }
    }
    out.flip();
    return out.toString();
  }

  private boolean fill() throws IOException {
    if (eof) {
      return false;
    }
    int n = in.read(buffer, 0, buffer.length);
    if (n <= 0) {
      eof = true;
      limit = pos = 0;
      return false;
    }
    pos = 0;
    limit = n;
    return true;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
