package dev.coffer.archive.segment;

import com.github.luben.zstd.Zstd;
import dev.coffer.archive.store.CorruptObjectException;
import dev.coffer.model.Digests;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The bytes of a segment object (big-endian; documented in {@code docs/archive-format.md}):
 *
 * <pre>
 * segment     = header digests body crc
 * header      = magic:"CFSG" version:%x01 codec:u8 first-serial:u64 count:u32 archived-at:i64
 *               raw-length:u32 body-length:u32
 * digests     = count * digest:32      ; SHA-256 of each entry's canonical bytes, in order
 * body        = body-length bytes      ; codec 0: raw; codec 1: one zstd frame decoding to raw
 * raw         = count * entry          ; exactly raw-length bytes
 * entry       = id-length:u16 id:UTF-8 canonical-length:u32 canonical
 * crc         = CRC-32C:u32 of every preceding byte
 * </pre>
 *
 * The digests are kept uncompressed in front so the Merkle tree can be rebuilt without decompressing
 * the body; the CRC catches damage anywhere (including a single flipped byte) before anything is
 * parsed; the digests then prove each record's bytes.
 */
public final class SegmentFormat {
  /** "CFSG". */
  public static final int MAGIC = 0x43465347;
  /** Version byte of a segment as committed: every entry holds its record. */
  public static final byte VERSION = 1;
  /**
   * Version byte of a segment rewritten by disposition: the same grammar, and entries whose
   * canonical-length is 0 are tombstones (the digest in front is kept). A version-2 segment has at
   * least one tombstone and a version-1 segment none, so each segment has exactly one encoding.
   */
  public static final byte VERSION_WITH_TOMBSTONES = 2;
  /** Body codec: stored as is. */
  public static final byte CODEC_RAW = 0;
  /** Body codec: zstd. */
  public static final byte CODEC_ZSTD = 1;
  /** Fixed header length in bytes. */
  public static final int HEADER_LENGTH = 4 + 1 + 1 + 8 + 4 + 8 + 4 + 4;
  /** Largest canonical record accepted (large content belongs in blobs). */
  public static final int MAX_RECORD_BYTES = 64 << 20;
  /** Longest record id, in UTF-8 bytes. */
  public static final int MAX_ID_BYTES = 1024;

  private static final int ZSTD_LEVEL = 3;

  private SegmentFormat() {}

  /** Encodes a segment (zstd body, unless compressing does not shrink it). */
  public static byte[] encode(Segment segment) {
    List<SegmentEntry> entries = segment.entries();
    int rawLength = 0;
    List<byte[]> ids = new ArrayList<>(entries.size());
    for (SegmentEntry e : entries) {
      byte[] id = e.id().getBytes(StandardCharsets.UTF_8);
      if (id.length > MAX_ID_BYTES) {
        throw new IllegalArgumentException("record id longer than " + MAX_ID_BYTES + " bytes");
      }
      ids.add(id);
      rawLength = Math.addExact(rawLength, 2 + id.length + 4 + e.canonical().length);
    }
    ByteBuffer raw = ByteBuffer.allocate(rawLength);
    for (int i = 0; i < entries.size(); i++) {
      byte[] id = ids.get(i);
      byte[] canonical = entries.get(i).canonical();
      raw.putShort((short) id.length).put(id).putInt(canonical.length).put(canonical);
    }
    byte[] body = Zstd.compress(raw.array(), ZSTD_LEVEL);
    byte codec = CODEC_ZSTD;
    if (body.length >= rawLength) {
      body = raw.array();
      codec = CODEC_RAW;
    }
    int total = HEADER_LENGTH + 32 * entries.size() + body.length + 4;
    ByteBuffer out = ByteBuffer.allocate(total);
    out.putInt(MAGIC).put(segment.hasTombstones() ? VERSION_WITH_TOMBSTONES : VERSION).put(codec).putLong(segment.firstSerial()).putInt(entries.size())
        .putLong(segment.archivedAt()).putInt(rawLength).putInt(body.length);
    for (SegmentEntry e : entries) {
      out.put(e.digest());
    }
    out.put(body);
    CRC32C crc = new CRC32C();
    crc.update(out.array(), 0, out.position());
    out.putInt((int) crc.getValue());
    return out.array();
  }

  /** The header fields, read after the CRC has been checked. */
  public record Header(long firstSerial, int count, long archivedAt, byte codec, byte version) {
    public Header(long firstSerial, int count, long archivedAt, byte codec) {
      this(firstSerial, count, archivedAt, codec, VERSION);
    }
  }

  /**
   * Decodes and checks a segment: length, CRC, magic, version, codec, body structure, and (if
   * {@code checkDigests}) every entry's digest against its canonical bytes.
   *
   * @param key the object's key, named in errors
   * @throws CorruptObjectException naming what is wrong, expected vs actual
   */
  public static Segment decode(String key, byte[] bytes, boolean checkDigests) throws CorruptObjectException {
    Segment s = decodeStructure(key, bytes);
    if (checkDigests) {
      List<DigestMismatch> bad = digestMismatches(s);
      if (!bad.isEmpty()) {
        DigestMismatch m = bad.get(0);
        throw new CorruptObjectException(key, "record " + m.serial() + " does not match its digest",
            m.expected(), m.actual());
      }
    }
    return s;
  }

  /** A record whose canonical bytes do not hash to the digest stored with it. */
  public record DigestMismatch(long serial, String expected, String actual) {}

  /** Every entry whose canonical bytes do not hash to its stored digest. */
  public static List<DigestMismatch> digestMismatches(Segment s) {
    List<DigestMismatch> out = new ArrayList<>();
    MessageDigest sha = sha256();
    long serial = s.firstSerial();
    for (SegmentEntry e : s.entries()) {
      if (e.disposed()) {
        serial++; // no content to hash; the digest is what disposition kept (verify checks it was authorized)
        continue;
      }
      byte[] actual = sha.digest(e.canonical());
      if (!Arrays.equals(actual, e.digest())) {
        out.add(new DigestMismatch(serial, Digests.hex(e.digest()), Digests.hex(actual)));
      }
      serial++;
    }
    return out;
  }

  /** Checks length, CRC, header and body structure; does not hash the records. */
  public static Segment decodeStructure(String key, byte[] bytes) throws CorruptObjectException {
    if (bytes.length < HEADER_LENGTH + 4) {
      throw new CorruptObjectException(key, "segment truncated", ">= " + (HEADER_LENGTH + 4) + " bytes", bytes.length + " bytes");
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    int stored = ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt();
    if ((int) crc.getValue() != stored) {
      throw new CorruptObjectException(key, "segment checksum (CRC-32C) mismatch",
          hex32((int) crc.getValue()), hex32(stored));
    }
    ByteBuffer b = ByteBuffer.wrap(bytes, 0, bytes.length - 4);
    Header h = header(key, b);
    int rawLength = b.getInt();
    int bodyLength = b.getInt();
    long expectedTotal = (long) HEADER_LENGTH + 32L * h.count() + bodyLength + 4;
    if (rawLength < 0 || bodyLength < 0 || expectedTotal != bytes.length) {
      throw new CorruptObjectException(key, "segment length does not match its header",
          expectedTotal + " bytes", bytes.length + " bytes");
    }
    byte[][] digests = new byte[h.count()][];
    for (int i = 0; i < h.count(); i++) {
      digests[i] = new byte[32];
      b.get(digests[i]);
    }
    byte[] raw;
    if (h.codec() == CODEC_RAW) {
      if (rawLength != bodyLength) {
        throw new CorruptObjectException(key, "raw body length", String.valueOf(rawLength), String.valueOf(bodyLength));
      }
      raw = Arrays.copyOfRange(bytes, b.position(), b.position() + bodyLength);
    } else {
      try {
        raw = Zstd.decompress(Arrays.copyOfRange(bytes, b.position(), b.position() + bodyLength), rawLength);
      } catch (RuntimeException e) {
        throw new CorruptObjectException(key, "segment body does not decompress", e);
      }
      if (raw.length != rawLength) {
        throw new CorruptObjectException(key, "decompressed body length", String.valueOf(rawLength), String.valueOf(raw.length));
      }
    }
    ByteBuffer r = ByteBuffer.wrap(raw);
    List<SegmentEntry> entries = new ArrayList<>(h.count());
    try {
      for (int i = 0; i < h.count(); i++) {
        int idLength = Short.toUnsignedInt(r.getShort());
        byte[] id = new byte[idLength];
        r.get(id);
        int canonicalLength = r.getInt();
        if (canonicalLength < 0 || canonicalLength > r.remaining()) {
          throw new CorruptObjectException(key, "entry " + i + " length out of range", "<= " + r.remaining(), String.valueOf(canonicalLength));
        }
        byte[] canonical = new byte[canonicalLength];
        r.get(canonical);
        entries.add(new SegmentEntry(new String(id, StandardCharsets.UTF_8), digests[i], canonical));
      }
    } catch (BufferUnderflowException e) {
      throw new CorruptObjectException(key, "segment body ends inside an entry", h.count() + " entries", entries.size() + " entries");
    }
    if (r.hasRemaining()) {
      throw new CorruptObjectException(key, "segment body has trailing bytes", "0", String.valueOf(r.remaining()));
    }
    Segment seg = new Segment(h.firstSerial(), h.archivedAt(), entries);
    if (seg.hasTombstones() != (h.version() == VERSION_WITH_TOMBSTONES)) {
      throw new CorruptObjectException(key, h.version() == VERSION
          ? "a version-1 segment holds an empty record (only disposition's version-2 segments hold tombstones)"
          : "a version-2 segment holds no tombstone", null, null);
    }
    return seg;
  }

  /** A segment's header and record digests, without its body. */
  public record HeaderAndDigests(Header header, byte[][] digests) {}

  /**
   * Reads only the header and the record digests from the start of a segment object: about 32 bytes
   * per record, no decompression. The CRC at the end is not read, so damage is not detected here;
   * callers must check what they derive (the proofs are checked against the signed root before they
   * are handed out, and {@code verify} checks every CRC).
   *
   * @throws CorruptObjectException if the header is malformed or the object ends early
   */
  public static HeaderAndDigests readDigests(String key, java.io.InputStream in) throws java.io.IOException {
    byte[] head = in.readNBytes(HEADER_LENGTH);
    if (head.length < HEADER_LENGTH) {
      throw new CorruptObjectException(key, "segment truncated", ">= " + HEADER_LENGTH + " bytes", head.length + " bytes");
    }
    Header h = header(key, ByteBuffer.wrap(head));
    byte[][] digests = new byte[h.count()][];
    for (int i = 0; i < h.count(); i++) {
      digests[i] = in.readNBytes(32);
      if (digests[i].length < 32) {
        throw new CorruptObjectException(key, "segment ends inside its digests", h.count() + " digests", i + " digests");
      }
    }
    return new HeaderAndDigests(h, digests);
  }

  private static Header header(String key, ByteBuffer b) throws CorruptObjectException {
    int magic = b.getInt();
    if (magic != MAGIC) {
      throw new CorruptObjectException(key, "not a segment (magic)", hex32(MAGIC), hex32(magic));
    }
    byte version = b.get();
    if (version != VERSION && version != VERSION_WITH_TOMBSTONES) {
      throw new CorruptObjectException(key, "unsupported segment version", VERSION + " or " + VERSION_WITH_TOMBSTONES,
          String.valueOf(version));
    }
    byte codec = b.get();
    if (codec != CODEC_RAW && codec != CODEC_ZSTD) {
      throw new CorruptObjectException(key, "unknown segment codec", "0 or 1", String.valueOf(codec));
    }
    long first = b.getLong();
    int count = b.getInt();
    long archivedAt = b.getLong();
    if (first < 1 || count < 1) {
      throw new CorruptObjectException(key, "segment header out of range", "first-serial >= 1, count >= 1",
          "first-serial " + first + ", count " + count);
    }
    return new Header(first, count, archivedAt, codec, version);
  }

  private static String hex32(int v) {
    return HexFormat.of().toHexDigits(v);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
