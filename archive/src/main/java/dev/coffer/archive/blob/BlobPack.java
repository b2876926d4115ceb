package dev.coffer.archive.blob;

import dev.coffer.archive.store.CorruptObjectException;
import dev.coffer.model.Digests;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The blobs one group commit made durable together: one object instead of one per blob, so a commit
 * of many small raw originals (webhook bodies) costs the syncs of one object, not two per blob (see
 * {@code docs/archive-format.md}, "Blob packs").
 *
 * <pre>
 * pack    = magic:u32 "CFBP" | version:u8 = 1 | count:u32 | entry{count} | crc32c:u32
 * entry   = sha256:32 bytes (of the plaintext) | length:u32 | blob:length bytes
 * blob    = one blob in {@link BlobFormat} (header, raw or zstd payload, CRC)
 * </pre>
 *
 * The trailing CRC-32C covers every byte before it. Each blob also carries its own header and CRC,
 * and decoding recomputes each plaintext's SHA-256, so any damage is found and named.
 */
public final class BlobPack {
  /** "CFBP". */
  public static final int MAGIC = 0x43464250;
  public static final byte VERSION = 1;
  private static final int HEADER = 4 + 1 + 4;

  private BlobPack() {}

  /**
   * One blob to pack: its plaintext's SHA-256 (hex) and its {@link BlobFormat} encoding.
   *
   * @param sha256 lowercase hex SHA-256 of the plaintext
   * @param encoded {@link BlobFormat#encode} of the plaintext
   */
  public record Entry(String sha256, byte[] encoded) {
    /** Encodes {@code plain} (compressing it when that helps) and digests it. */
    public static Entry of(byte[] plain) {
      return new Entry(Digests.sha256Hex(plain), BlobFormat.encode(plain));
    }
  }

  /** Writes entries in order as one pack. */
  public static byte[] encode(List<Entry> entries) {
    long size = HEADER + 4L;
    for (Entry e : entries) {
      size += 32 + 4 + e.encoded().length;
    }
    if (size > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("pack of " + size + " bytes is too large");
    }
    ByteBuffer b = ByteBuffer.allocate((int) size);
    b.putInt(MAGIC).put(VERSION).putInt(entries.size());
    for (Entry e : entries) {
      b.put(HexFormat.of().parseHex(e.sha256())).putInt(e.encoded().length).put(e.encoded());
    }
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, b.position());
    b.putInt((int) crc.getValue());
    return b.array();
  }

  /**
   * Reads a pack's structure (magic, version, lengths, CRC) without decoding its blobs.
   *
   * @param key the object's key, named in errors
   * @throws CorruptObjectException if the bytes are not a well-formed pack
   */
  public static List<Entry> decode(String key, byte[] bytes) throws CorruptObjectException {
    if (bytes.length < HEADER + 4) {
      throw new CorruptObjectException(key, "blob pack shorter than its header", ">= " + (HEADER + 4) + " bytes",
          bytes.length + " bytes");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    int magic = b.getInt();
    if (magic != MAGIC) {
      throw new CorruptObjectException(key, "not a blob pack (magic)", Integer.toHexString(MAGIC), Integer.toHexString(magic));
    }
    byte version = b.get();
    if (version != VERSION) {
      throw new CorruptObjectException(key, "unknown blob pack version", String.valueOf(VERSION), String.valueOf(version));
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    int stored = ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt();
    if (stored != (int) crc.getValue()) {
      throw new CorruptObjectException(key, "blob pack CRC mismatch", Integer.toHexString(stored),
          Integer.toHexString((int) crc.getValue()));
    }
    int count = b.getInt();
    if (count < 0 || count > (bytes.length - HEADER - 4) / 36) {
      throw new CorruptObjectException(key, "blob pack count does not fit its length", null, String.valueOf(count));
    }
    List<Entry> out = new ArrayList<>(count);
    byte[] sha = new byte[32];
    for (int i = 0; i < count; i++) {
      if (b.remaining() - 4 < 36) {
        throw new CorruptObjectException(key, "blob pack entry " + i + " truncated", null, null);
      }
      b.get(sha);
      int length = b.getInt();
      if (length < 0 || length > b.remaining() - 4) {
        throw new CorruptObjectException(key, "blob pack entry " + i + " longer than the pack", null, String.valueOf(length));
      }
      byte[] encoded = new byte[length];
      b.get(encoded);
      out.add(new Entry(HexFormat.of().formatHex(sha), encoded));
    }
    if (b.remaining() != 4) {
      throw new CorruptObjectException(key, "blob pack has bytes after its last entry", "4", String.valueOf(b.remaining()));
    }
    return out;
  }

  /**
   * The plaintext of one packed blob, checked against its SHA-256 ({@link BlobFormat#decode}).
   *
   * @throws CorruptObjectException if the blob is damaged
   */
  public static byte[] plaintext(String key, Entry entry) throws IOException {
    return BlobFormat.decode(key + "#" + entry.sha256(), entry.sha256(), entry.encoded());
  }
}
