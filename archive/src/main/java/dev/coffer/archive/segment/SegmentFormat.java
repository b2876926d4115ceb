package dev.coffer.archive.segment;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdDecompressCtx;
import dev.coffer.archive.store.CorruptObjectException;
import dev.coffer.model.Digests;
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
 * segment     = compact / full
 * compact     = header body crc            ; version 3, what {@link #encode} writes
 * full        = header digests body crc    ; versions 1 and 2 ({@link #encodeFull}): archives before version 3
 * header      = magic:"CFSG" version:u8 codec:u8 first-serial:u64 count:u32 archived-at:i64
 *               raw-length:u32 body-length:u32
 * digests     = count * digest:32      ; SHA-256 of each entry's canonical bytes, in order
 * body        = body-length bytes      ; codec 0: raw; codec 1: one zstd frame decoding to raw
 * raw         = count * entry          ; exactly raw-length bytes
 * entry       = canonical-length:u32 canonical                      ; version 3, a record
 *             / 0:u32 id-length:u16 id:UTF-8 digest:32              ; version 3, a tombstone
 * full-entry  = id-length:u16 id:UTF-8 canonical-length:u32 canonical  ; versions 1 and 2
 * crc         = CRC-32C:u32 of every preceding byte
 * </pre>
 *
 * A compact segment stores neither the digests nor the ids of its records: both are recomputed from
 * the canonical bytes (SHA-256; the top-level {@code id}), so every reader hashes what it decodes.
 * The CRC catches damage anywhere (including a single flipped byte) before anything is parsed; the
 * signed Merkle roots, recomputed from the digests, then prove each record's bytes.
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
  /**
   * Version byte of a compact segment, what {@link #encode} writes since version 3: no digest block
   * and no ids beside the records, since both are recomputed from the canonical bytes (the digest is
   * their SHA-256, the id their top-level {@code id}); a tombstone, whose content is gone, keeps its
   * id and digest in the body. With or without tombstones: an entry says which it is.
   */
  public static final byte VERSION_COMPACT = 3;
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

  /**
   * Encodes a segment: compact (version 3) when every record's id is its JSON's top-level id and its
   * digest the SHA-256 of its bytes, as for every record Coffer archives, else with digests and ids
   * stored ({@link #encodeFull}); zstd body, unless compressing does not shrink it.
   */
  public static byte[] encode(Segment segment) {
    return encode(segment, false);
  }

  /**
   * As {@link #encode(Segment)}; with {@code digestsOfBytes} the caller vouches that it computed each
   * entry's digest as the SHA-256 of that entry's canonical array itself, so they are not hashed a
   * second time to choose the compact form (the archive's group commit does: it digests the bytes
   * it has just made, and nothing else holds them). Readers hash what they decode either way.
   */
  public static byte[] encode(Segment segment, boolean digestsOfBytes) {
    List<SegmentEntry> entries = segment.entries();
    MessageDigest sha = digestsOfBytes ? null : sha256();
    int rawLength = 0;
    for (SegmentEntry e : entries) {
      if (e.disposed()) {
        byte[] id = e.id().getBytes(StandardCharsets.UTF_8);
        if (id.length > MAX_ID_BYTES) {
          throw new IllegalArgumentException("record id longer than " + MAX_ID_BYTES + " bytes");
        }
        rawLength = Math.addExact(rawLength, 4 + 2 + id.length + 32);
        continue;
      }
      byte[] c = e.canonical();
      long at = RecordIds.find(c, 0, c.length);
      if (at < 0 || !sameId(e.id(), c, (int) (at >>> 32), (int) at)
          || (sha != null && !Arrays.equals(sha.digest(c), e.digest()))) {
        return encodeFull(segment); // not recomputable from the bytes: store them (verify reports such a record)
      }
      rawLength = Math.addExact(rawLength, 4 + c.length);
    }
    ByteBuffer raw = ByteBuffer.allocate(rawLength);
    for (SegmentEntry e : entries) {
      if (e.disposed()) {
        byte[] id = e.id().getBytes(StandardCharsets.UTF_8);
        raw.putInt(0).putShort((short) id.length).put(id).put(e.digest());
      } else {
        raw.putInt(e.canonical().length).put(e.canonical());
      }
    }
    return frame(VERSION_COMPACT, segment, raw.array(), false);
  }

  /** True if {@code id} is the UTF-8 text in {@code bytes[start, end)}; no String made for an ASCII id. */
  private static boolean sameId(String id, byte[] bytes, int start, int end) {
    int n = id.length();
    if (n == end - start) {
      int i = 0;
      while (i < n) {
        char ch = id.charAt(i);
        if (ch >= 0x80 || bytes[start + i] < 0) {
          break; // not ASCII: compare the decoded text
        }
        if (ch != bytes[start + i]) {
          return false;
        }
        i++;
      }
      if (i == n) {
        return true;
      }
    }
    return id.equals(new String(bytes, start, end - start, StandardCharsets.UTF_8));
  }

  /** Header, optional digest block, body (zstd if it shrinks), CRC. */
  private static byte[] frame(byte version, Segment segment, byte[] raw, boolean digests) {
    List<SegmentEntry> entries = segment.entries();
    byte[] body = Zstd.compress(raw, ZSTD_LEVEL);
    byte codec = CODEC_ZSTD;
    if (body.length >= raw.length) {
      body = raw;
      codec = CODEC_RAW;
    }
    int total = HEADER_LENGTH + (digests ? 32 * entries.size() : 0) + body.length + 4;
    ByteBuffer out = ByteBuffer.allocate(total);
    out.putInt(MAGIC).put(version).put(codec).putLong(segment.firstSerial()).putInt(entries.size())
        .putLong(segment.archivedAt()).putInt(raw.length).putInt(body.length);
    if (digests) {
      for (SegmentEntry e : entries) {
        out.put(e.digest());
      }
    }
    out.put(body);
    CRC32C crc = new CRC32C();
    crc.update(out.array(), 0, out.position());
    out.putInt((int) crc.getValue());
    return out.array();
  }

  /**
   * Encodes a segment with every digest and id stored (version 1, or 2 with tombstones): every
   * segment before version 3, and still the form for a record whose id or digest its bytes do not
   * give back. Readers read both forms.
   */
  public static byte[] encodeFull(Segment segment) {
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
    return frame(segment.hasTombstones() ? VERSION_WITH_TOMBSTONES : VERSION, segment, raw.array(), true);
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
    View v = view(key, bytes, null);
    List<SegmentEntry> entries = new ArrayList<>(v.count());
    MessageDigest sha = sha256();
    for (int i = 0; i < v.count(); i++) {
      byte[] canonical = Arrays.copyOfRange(v.body(), v.canonicalOffset(i), v.canonicalOffset(i) + v.canonicalLength(i));
      int d = v.digestOffset(i);
      // A compact segment's record digests are the SHA-256 of the bytes: recomputed, never stored.
      byte[] digest = d >= 0 ? Arrays.copyOfRange(v.digestArray(), d, d + 32) : sha.digest(canonical);
      entries.add(new SegmentEntry(v.id(i), digest, canonical));
    }
    return new Segment(v.header().firstSerial(), v.header().archivedAt(), entries);
  }

  /**
   * A checked segment read in place: every entry as offsets into one body array, nothing copied per
   * record. What {@link #decodeStructure} checks, {@link #view} checks; verify reads every record
   * this way, so it allocates a few arrays per segment instead of objects per record.
   */
  public static final class View {
    private final Header header;
    private final byte[] digestArray;
    private final int[] digestOffsets;
    private final byte[] body;
    private final int[] idOffsets;
    private final int[] idLengths;
    private final int[] canonicalOffsets;
    private final int[] canonicalLengths;

    private View(Header header, byte[] digestArray, int[] digestOffsets, byte[] body, int[] idOffsets, int[] idLengths,
        int[] canonicalOffsets, int[] canonicalLengths) {
      this.header = header;
      this.digestArray = digestArray;
      this.digestOffsets = digestOffsets;
      this.body = body;
      this.idOffsets = idOffsets;
      this.idLengths = idLengths;
      this.canonicalOffsets = canonicalOffsets;
      this.canonicalLengths = canonicalLengths;
    }

    public Header header() {
      return header;
    }

    public int count() {
      return header.count();
    }

    /** The array holding every entry's id and canonical bytes (the decompressed body, or the segment itself). */
    public byte[] body() {
      return body;
    }

    /** The array holding the stored digests (the segment's bytes, or a compact segment's body). */
    public byte[] digestArray() {
      return digestArray;
    }

    /**
     * Offset in {@link #digestArray()} of entry {@code i}'s stored digest (32 bytes), or -1 when it is
     * not stored: a compact segment's record, whose digest is the SHA-256 of its canonical bytes.
     */
    public int digestOffset(int i) {
      return digestOffsets == null ? -1 : digestOffsets[i];
    }

    /** Offset in {@link #body()} of entry {@code i}'s UTF-8 id. */
    public int idOffset(int i) {
      return idOffsets[i];
    }

    public int idLength(int i) {
      return idLengths[i];
    }

    /** Offset in {@link #body()} of entry {@code i}'s canonical JSON. */
    public int canonicalOffset(int i) {
      return canonicalOffsets[i];
    }

    /** Length of entry {@code i}'s canonical JSON; 0 for a tombstone. */
    public int canonicalLength(int i) {
      return canonicalLengths[i];
    }

    /** Entry {@code i}'s id. */
    public String id(int i) {
      return new String(body, idOffset(i), idLength(i), StandardCharsets.UTF_8);
    }
  }

  /**
   * Checks length, CRC, header and body structure as {@link #decodeStructure} does, and returns the
   * entries in place. {@code scratch}, if large enough, receives the decompressed body (a caller that
   * reads many segments reuses one array); the view is valid until the caller reuses it.
   */
  public static View view(String key, byte[] bytes, byte[] scratch) throws CorruptObjectException {
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
    boolean compact = h.version() == VERSION_COMPACT;
    long expectedTotal = (long) HEADER_LENGTH + (compact ? 0 : 32L * h.count()) + bodyLength + 4;
    if (rawLength < 0 || bodyLength < 0 || expectedTotal != bytes.length) {
      throw new CorruptObjectException(key, "segment length does not match its header",
          expectedTotal + " bytes", bytes.length + " bytes");
    }
    int bodyOffset = HEADER_LENGTH + (compact ? 0 : 32 * h.count());
    byte[] raw;
    int rawStart;
    if (h.codec() == CODEC_RAW) {
      if (rawLength != bodyLength) {
        throw new CorruptObjectException(key, "raw body length", String.valueOf(rawLength), String.valueOf(bodyLength));
      }
      raw = bytes;
      rawStart = bodyOffset;
    } else {
      raw = scratch != null && scratch.length >= rawLength ? scratch : new byte[rawLength];
      rawStart = 0;
      long n;
      try (ZstdDecompressCtx ctx = new ZstdDecompressCtx()) {
        n = ctx.decompressByteArray(raw, 0, rawLength, bytes, bodyOffset, bodyLength);
      } catch (RuntimeException e) {
        throw new CorruptObjectException(key, "segment body does not decompress", e);
      }
      if (n != rawLength) {
        throw new CorruptObjectException(key, "decompressed body length", String.valueOf(rawLength), String.valueOf(n));
      }
    }
    int count = h.count();
    int[] idOffsets = new int[count];
    int[] idLengths = new int[count];
    int[] canonicalOffsets = new int[count];
    int[] canonicalLengths = new int[count];
    int[] digestOffsets = compact ? null : new int[count];
    int p = rawStart;
    int end = rawStart + rawLength;
    boolean tombstones = false;
    for (int i = 0; i < count; i++) {
      if (compact) {
        requireEntryBytes(key, end - p, 4, count, i);
        int canonicalLength = u32(raw, p);
        p += 4;
        if (canonicalLength < 0 || canonicalLength > end - p) {
          throw new CorruptObjectException(key, "entry " + i + " length out of range", "<= " + (end - p), String.valueOf(canonicalLength));
        }
        canonicalOffsets[i] = p;
        canonicalLengths[i] = canonicalLength;
        if (canonicalLength > 0) {
          long at = RecordIds.find(raw, p, canonicalLength);
          if (at < 0) {
            throw new CorruptObjectException(key, "record " + (h.firstSerial() + i) + " has no top-level id", "a plain string id", null);
          }
          idOffsets[i] = (int) (at >>> 32);
          idLengths[i] = (int) at - idOffsets[i];
          p += canonicalLength;
        } else {
          // A tombstone: its id and digest, since its content is gone.
          requireEntryBytes(key, end - p, 2, count, i);
          int idLength = u16(raw, p);
          p += 2;
          requireEntryBytes(key, end - p, idLength + 32, count, i);
          idOffsets[i] = p;
          idLengths[i] = idLength;
          p += idLength;
          if (digestOffsets == null) {
            digestOffsets = new int[count];
            java.util.Arrays.fill(digestOffsets, -1);
          }
          digestOffsets[i] = p;
          p += 32;
          tombstones = true;
        }
        continue;
      }
      digestOffsets[i] = HEADER_LENGTH + 32 * i;
      requireEntryBytes(key, end - p, 2, count, i);
      int idLength = u16(raw, p);
      p += 2;
      requireEntryBytes(key, end - p, idLength + 4, count, i);
      idOffsets[i] = p;
      idLengths[i] = idLength;
      p += idLength;
      int canonicalLength = u32(raw, p);
      p += 4;
      if (canonicalLength < 0 || canonicalLength > end - p) {
        throw new CorruptObjectException(key, "entry " + i + " length out of range", "<= " + (end - p), String.valueOf(canonicalLength));
      }
      canonicalOffsets[i] = p;
      canonicalLengths[i] = canonicalLength;
      tombstones |= canonicalLength == 0;
      p += canonicalLength;
    }
    if (p != end) {
      throw new CorruptObjectException(key, "segment body has trailing bytes", "0", String.valueOf(end - p));
    }
    if (!compact && tombstones != (h.version() == VERSION_WITH_TOMBSTONES)) {
      throw new CorruptObjectException(key, h.version() == VERSION
          ? "a version-1 segment holds an empty record (only disposition's version-2 segments hold tombstones)"
          : "a version-2 segment holds no tombstone", null, null);
    }
    return new View(h, compact ? raw : bytes, digestOffsets, raw, idOffsets, idLengths, canonicalOffsets, canonicalLengths);
  }

  private static int u16(byte[] b, int p) {
    return ((b[p] & 0xff) << 8) | (b[p + 1] & 0xff);
  }

  private static int u32(byte[] b, int p) {
    return ((b[p] & 0xff) << 24) | ((b[p + 1] & 0xff) << 16) | ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
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
    if (h.version() == VERSION_COMPACT) {
      // No digest block: the digests are the records' SHA-256, so the body is read and hashed (and,
      // being read whole, the segment is checked in full on the way).
      byte[] rest = in.readAllBytes();
      byte[] all = Arrays.copyOf(head, HEADER_LENGTH + rest.length);
      System.arraycopy(rest, 0, all, HEADER_LENGTH, rest.length);
      Segment seg = decodeStructure(key, all);
      byte[][] digests = new byte[seg.count()][];
      for (int i = 0; i < digests.length; i++) {
        digests[i] = seg.entries().get(i).digest();
      }
      return new HeaderAndDigests(new Header(seg.firstSerial(), seg.count(), seg.archivedAt(), h.codec(), h.version()), digests);
    }
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
    if (version != VERSION && version != VERSION_WITH_TOMBSTONES && version != VERSION_COMPACT) {
      throw new CorruptObjectException(key, "unsupported segment version", VERSION + ", " + VERSION_WITH_TOMBSTONES + " or "
          + VERSION_COMPACT, String.valueOf(version));
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

  /**
   * Throws unless {@code available} bytes of the segment body are left for the {@code needed} bytes
   * entry {@code i} (of {@code count}) still has to read.
   */
  private static void requireEntryBytes(String key, int available, int needed, int count, int i)
      throws CorruptObjectException {
    if (available < needed) {
      throw new CorruptObjectException(key, "segment body ends inside an entry", count + " entries", i + " entries");
    }
  }
}
