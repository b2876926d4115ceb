package dev.coffer.archive.blob;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import dev.coffer.archive.store.CorruptObjectException;
import dev.coffer.model.Digests;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/**
 * The bytes of a blob object, whose key is the SHA-256 of its plaintext:
 *
 * <pre>
 * blob    = magic:"CFBL" version:%x01 codec:u8 length:u64 payload-length:u64 payload crc
 * payload = codec 0: exactly length bytes of plaintext (payload-length = length)
 *         / codec 1: one zstd frame (with its content checksum) decoding to exactly length bytes
 * crc     = CRC-32C:u32 of the payload bytes
 * </pre>
 *
 * Reading recomputes the SHA-256 of the plaintext and compares it with the key, and checks every
 * header field against what the payload really holds. The CRC covers the bytes of the payload that
 * do not change the plaintext (a zstd frame header's window size, for one), so that any damage to the
 * object is found, not only damage to its content. zstd is used only where it helps (a sample of the
 * start is test-compressed), so media already compressed is stored raw.
 */
public final class BlobFormat {
  /** "CFBL". */
  public static final int MAGIC = 0x4346424c;
  public static final byte VERSION = 1;
  public static final byte CODEC_RAW = 0;
  public static final byte CODEC_ZSTD = 1;
  public static final int HEADER_LENGTH = 4 + 1 + 1 + 8 + 8;
  /** Bytes after the payload (the CRC). */
  public static final int TRAILER_LENGTH = 4;
  private static final int SAMPLE = 128 * 1024;
  private static final int LEVEL = 3;

  private BlobFormat() {}

  /** Whether a sample of the plaintext shrinks enough under zstd to be worth it (at least 10 %). */
  static boolean worthCompressing(byte[] sample, int length) {
    if (length < 64) {
      return false;
    }
    byte[] dst = new byte[(int) Zstd.compressBound(length)];
    long compressed = Zstd.compressByteArray(dst, 0, dst.length, sample, 0, length, 1);
    return !Zstd.isError(compressed) && compressed < length * 0.9;
  }

  /** Encodes plaintext held in memory. */
  public static byte[] encode(byte[] plain) {
    byte codec = CODEC_RAW;
    byte[] payload = plain;
    if (plain.length <= SAMPLE) {
      // The whole plaintext is the sample: compress it once, keep it if it saves 10 % (small bodies
      // such as webhooks would otherwise be compressed twice and pay a stream's buffers each time).
      if (plain.length >= 64) {
        byte[] z = compressSmall(plain);
        if (z.length < plain.length * 0.9) {
          codec = CODEC_ZSTD;
          payload = z;
        }
      }
    } else if (worthCompressing(plain, SAMPLE)) {
      byte[] z = compressFrame(plain);
      if (z.length < plain.length) {
        codec = CODEC_ZSTD;
        payload = z;
      }
    }
    CRC32C crc = new CRC32C();
    crc.update(payload);
    ByteBuffer b = ByteBuffer.allocate(HEADER_LENGTH + payload.length + TRAILER_LENGTH);
    b.putInt(MAGIC).put(VERSION).put(codec).putLong(plain.length).putLong(payload.length).put(payload)
        .putInt((int) crc.getValue());
    return b.array();
  }

  /**
   * Compression contexts for {@link #compressSmall}, reused: creating one allocates zstd's native
   * tables, which cost more than compressing a webhook body. Callers are many short-lived virtual
   * threads, so a shared pool rather than a thread-local; bounded so a burst does not keep its contexts.
   */
  private static final java.util.concurrent.ConcurrentLinkedQueue<ZstdCompressCtx> CONTEXTS =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
  private static final java.util.concurrent.atomic.AtomicInteger POOLED = new java.util.concurrent.atomic.AtomicInteger();
  private static final int MAX_POOLED = 16;

  /** One zstd frame with its content checksum, in one call (no stream buffers). */
  private static byte[] compressSmall(byte[] plain) {
    ZstdCompressCtx ctx = CONTEXTS.poll();
    if (ctx != null) {
      POOLED.decrementAndGet();
    } else {
      ctx = new ZstdCompressCtx();
      ctx.setLevel(LEVEL);
      ctx.setChecksum(true);
    }
    byte[] out;
    try {
      out = ctx.compress(plain);
    } catch (RuntimeException e) {
      ctx.close();
      throw e;
    }
    if (POOLED.incrementAndGet() <= MAX_POOLED) {
      CONTEXTS.add(ctx);
    } else {
      POOLED.decrementAndGet();
      ctx.close();
    }
    return out;
  }

  private static byte[] compressFrame(byte[] plain) {
    try (var out = new java.io.ByteArrayOutputStream(plain.length / 2 + 64);
        ZstdOutputStream z = new ZstdOutputStream(out, LEVEL)) {
      z.setChecksum(true);
      z.write(plain);
      z.close();
      return out.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException("zstd in memory failed", e);
    }
  }

  /**
   * What {@link #stage} wrote: the plaintext's digest and length, and the blob's header, which goes in
   * front of the staged bytes (it holds lengths known only at the end).
   */
  public record Staged(String sha256, long length, byte[] header) {}

  /**
   * Streams {@code plain} (to its end) into {@code out} as the blob's payload and CRC (everything after
   * the header), computing the plaintext's SHA-256 on the way: one pass, bounded memory, any size.
   * The complete blob is {@link Staged#header()} followed by what was written. Does not close
   * {@code out}.
   */
  public static Staged stage(InputStream plain, OutputStream out) throws IOException {
    MessageDigest sha = sha256();
    byte[] sample = plain.readNBytes(SAMPLE);
    boolean zstd = worthCompressing(sample, sample.length);
    long length = 0;
    CRC32C crc = new CRC32C();
    CountingCrc payload = new CountingCrc(out, crc);
    OutputStream sink = zstd ? new ZstdOutputStream(payload, LEVEL).setChecksum(true) : payload;
    sha.update(sample);
    sink.write(sample);
    length += sample.length;
    byte[] buf = new byte[1 << 16];
    int n;
    while ((n = plain.read(buf)) > 0) {
      sha.update(buf, 0, n);
      sink.write(buf, 0, n);
      length += n;
    }
    sink.close(); // ends the zstd frame; CountingCrc does not close the target
    long payloadLength = payload.count;
    out.write(ByteBuffer.allocate(TRAILER_LENGTH).putInt((int) crc.getValue()).array());
    byte[] header = ByteBuffer.allocate(HEADER_LENGTH).putInt(MAGIC).put(VERSION).put(zstd ? CODEC_ZSTD : CODEC_RAW)
        .putLong(length).putLong(payloadLength).array();
    return new Staged(Digests.hex(sha.digest()), length, header);
  }

  /** Counts and checksums what passes through; closing flushes but leaves the target open. */
  private static final class CountingCrc extends FilterOutputStream {
    final CRC32C crc;
    long count;

    CountingCrc(OutputStream out, CRC32C crc) {
      super(out);
      this.crc = crc;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      crc.update(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      crc.update(b, off, len);
      count += len;
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }

  /**
   * Opens a stored blob's plaintext, checking as it goes: the header when opened, and at the end of the
   * stream the length, the absence of trailing bytes, and that the plaintext hashes to {@code sha256}
   * (unless it is null).
   * A damaged blob makes a read throw {@link CorruptObjectException} naming {@code key}; a caller that
   * needs the guarantee reads to the end.
   */
  public static InputStream open(String key, String sha256, InputStream stored) throws IOException {
    byte[] header = stored.readNBytes(HEADER_LENGTH);
    if (header.length < HEADER_LENGTH) {
      throw new CorruptObjectException(key, "blob truncated in its header", HEADER_LENGTH + " bytes", header.length + " bytes");
    }
    ByteBuffer h = ByteBuffer.wrap(header);
    int magic = h.getInt();
    if (magic != MAGIC) {
      throw new CorruptObjectException(key, "not a blob (magic)", HexFormat.of().toHexDigits(MAGIC), HexFormat.of().toHexDigits(magic));
    }
    byte version = h.get();
    if (version != VERSION) {
      throw new CorruptObjectException(key, "unsupported blob version", String.valueOf(VERSION), String.valueOf(version));
    }
    byte codec = h.get();
    long length = h.getLong();
    long payloadLength = h.getLong();
    // A zstd payload is at least a frame header; an empty one would decode to nothing without error.
    if (length < 0 || payloadLength < 0 || (codec == CODEC_RAW && payloadLength != length)
        || (codec == CODEC_ZSTD && payloadLength == 0)) {
      throw new CorruptObjectException(key, "blob lengths out of range", "length >= 0, payload-length >= 0"
          + (codec == CODEC_RAW ? " and equal" : ""), length + ", " + payloadLength);
    }
    Payload payload = new Payload(stored, payloadLength);
    InputStream plain;
    if (codec == CODEC_RAW) {
      plain = payload;
    } else if (codec == CODEC_ZSTD) {
      ZstdInputStream z = new ZstdInputStream(payload);
      z.setContinuous(false);
      plain = z;
    } else {
      throw new CorruptObjectException(key, "unknown blob codec", "0 or 1", String.valueOf(codec));
    }
    return new Checked(key, sha256, length, plain, payload, stored);
  }

  /** The payload: exactly payload-length bytes of the stored stream, checksummed as they pass. */
  private static final class Payload extends InputStream {
    final InputStream in;
    final CRC32C crc = new CRC32C();
    long remaining;

    Payload(InputStream in, long length) {
      this.in = in;
      this.remaining = length;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (remaining == 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, remaining));
      if (n > 0) {
        crc.update(b, off, n);
        remaining -= n;
      }
      return n;
    }

    /** Reads what the decoder left unread (which is damage, unless nothing). */
    long drain() throws IOException {
      return transferTo(OutputStream.nullOutputStream());
    }
  }

  /** Reads a whole stored blob (bytes in memory) and returns its plaintext, checked. */
  public static byte[] decode(String key, String sha256, byte[] stored) throws IOException {
    try (InputStream in = open(key, sha256, new ByteArrayInputStream(stored))) {
      return in.readAllBytes();
    }
  }

  /**
   * Reads a stored blob to its end, checking its structure, and returns the SHA-256 (hex) of its
   * plaintext, for a caller that knows the blob only by a keyed name.
   */
  public static String checkAndDigest(String key, InputStream stored) throws IOException {
    try (InputStream in = open(key, null, stored)) {
      in.transferTo(OutputStream.nullOutputStream());
      return ((Checked) in).digest;
    }
  }

  /** Reads a stored blob to its end, checking it; returns the plaintext length. */
  public static long check(String key, String sha256, InputStream stored) throws IOException {
    try (InputStream in = open(key, sha256, stored)) {
      return in.transferTo(OutputStream.nullOutputStream());
    }
  }

  /** Plaintext stream that checks length, payload, CRC, trailing bytes and digest when it reaches the end. */
  private static final class Checked extends FilterInputStream {
    private final String key;
    private final String sha256;
    private final long length;
    private final Payload payload;
    private final InputStream stored;
    private final MessageDigest md = sha256();
    private long read;
    private boolean checked;
    private String digest;

    Checked(String key, String sha256, long length, InputStream plain, Payload payload, InputStream stored) {
      super(plain);
      this.key = key;
      this.sha256 = sha256;
      this.length = length;
      this.payload = payload;
      this.stored = stored;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      int want = (int) Math.min(len, Math.max(length - read, 0));
      if (want == 0) {
        finish();
        return -1;
      }
      int n;
      try {
        n = in.read(b, off, want);
      } catch (IOException e) {
        if (e instanceof CorruptObjectException) {
          throw e;
        }
        throw new CorruptObjectException(key, "blob payload does not decode", e);
      }
      if (n < 0) {
        throw new CorruptObjectException(key, "blob shorter than its header says", length + " bytes", read + " bytes");
      }
      md.update(b, off, n);
      read += n;
      return n;
    }

    private void finish() throws IOException {
      if (checked) {
        return;
      }
      checked = true;
      try {
        if (in.read() >= 0) {
          throw new CorruptObjectException(key, "blob longer than its header says", length + " bytes", "more");
        }
      } catch (IOException e) {
        if (e instanceof CorruptObjectException) {
          throw e;
        }
        throw new CorruptObjectException(key, "blob payload does not decode", e);
      }
      long left = payload.drain();
      if (left != 0) {
        throw new CorruptObjectException(key, "blob payload has bytes the decoder did not use", "0", String.valueOf(left));
      }
      byte[] trailer = stored.readNBytes(TRAILER_LENGTH);
      if (trailer.length != TRAILER_LENGTH) {
        throw new CorruptObjectException(key, "blob ends before its checksum", TRAILER_LENGTH + " bytes", trailer.length + " bytes");
      }
      int expectedCrc = ByteBuffer.wrap(trailer).getInt();
      if ((int) payload.crc.getValue() != expectedCrc) {
        throw new CorruptObjectException(key, "blob payload checksum (CRC-32C) mismatch",
            HexFormat.of().toHexDigits(expectedCrc), HexFormat.of().toHexDigits((int) payload.crc.getValue()));
      }
      if (stored.read() >= 0) {
        throw new CorruptObjectException(key, "bytes after the blob's checksum", "end of object", "more bytes");
      }
      String actual = Digests.hex(md.digest());
      digest = actual;
      if (sha256 != null && !actual.equals(sha256)) {
        throw new CorruptObjectException(key, "blob content does not match its SHA-256 key", sha256, actual);
      }
    }

    @Override
    public long skip(long n) throws IOException {
      byte[] buf = new byte[8192];
      long done = 0;
      while (done < n) {
        int r = read(buf, 0, (int) Math.min(buf.length, n - done));
        if (r < 0) {
          break;
        }
        done += r;
      }
      return done;
    }

    @Override
    public boolean markSupported() {
      return false;
    }

    @Override
    public int available() {
      return 0;
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
