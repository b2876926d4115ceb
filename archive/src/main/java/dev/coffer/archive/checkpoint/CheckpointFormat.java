package dev.coffer.archive.checkpoint;

import dev.coffer.archive.merkle.MerkleFrontier;
import dev.coffer.archive.store.CorruptObjectException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/**
 * The bytes of a checkpoint object: the signed note, its signature, and the Merkle frontier at its
 * size (so the archive reopens in O(log n) without re-reading old segments).
 *
 * <pre>
 * checkpoint = magic:"CFCP" version:%x01 body-length:u16 body sig-length:u8 signature frontier crc
 * body       = the signed bytes of {@link Checkpoint#signedBytes}
 * frontier   = size:u64 count:u8 count*hash:32     ; one hash per set bit of size, largest first
 * crc        = CRC-32C:u32 of every preceding byte
 * </pre>
 */
public final class CheckpointFormat {
  /** "CFCP". */
  public static final int MAGIC = 0x43464350;
  public static final byte VERSION = 1;

  private CheckpointFormat() {}

  /** A checkpoint with the frontier it was computed from. */
  public record Stored(Checkpoint checkpoint, MerkleFrontier frontier) {}

  /** Encodes; the frontier must be at the checkpoint's size and give its root. */
  public static byte[] encode(Checkpoint c, MerkleFrontier frontier) {
    if (frontier.size() != c.size() || !Arrays.equals(frontier.root(), c.root())) {
      throw new IllegalArgumentException("frontier does not match checkpoint " + c);
    }
    byte[] body = c.signedBytes();
    byte[] sig = c.signature();
    byte[] f = frontier.encode();
    ByteBuffer b = ByteBuffer.allocate(4 + 1 + 2 + body.length + 1 + sig.length + f.length + 4);
    b.putInt(MAGIC).put(VERSION).putShort((short) body.length).put(body).put((byte) sig.length).put(sig).put(f);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, b.position());
    b.putInt((int) crc.getValue());
    return b.array();
  }

  /**
   * Decodes and checks structure (CRC, magic, version, the body's exact form, frontier size and root
   * equal to the body's). The signature is not checked here: see {@link Checkpoint#verifySignature}.
   *
   * @throws CorruptObjectException naming {@code key} and what is wrong
   */
  public static Stored decode(String key, byte[] bytes) throws CorruptObjectException {
    if (bytes.length < 4 + 1 + 2 + 1 + 9 + 4) {
      throw new CorruptObjectException(key, "checkpoint truncated", "at least 21 bytes", bytes.length + " bytes");
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    int stored = ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt();
    if ((int) crc.getValue() != stored) {
      throw new CorruptObjectException(key, "checkpoint checksum (CRC-32C) mismatch",
          HexFormat.of().toHexDigits((int) crc.getValue()), HexFormat.of().toHexDigits(stored));
    }
    ByteBuffer b = ByteBuffer.wrap(bytes, 0, bytes.length - 4);
    try {
      int magic = b.getInt();
      if (magic != MAGIC) {
        throw new CorruptObjectException(key, "not a checkpoint (magic)", HexFormat.of().toHexDigits(MAGIC), HexFormat.of().toHexDigits(magic));
      }
      byte version = b.get();
      if (version != VERSION) {
        throw new CorruptObjectException(key, "unsupported checkpoint version", String.valueOf(VERSION), String.valueOf(version));
      }
      byte[] body = new byte[Short.toUnsignedInt(b.getShort())];
      b.get(body);
      byte[] sig = new byte[Byte.toUnsignedInt(b.get())];
      b.get(sig);
      MerkleFrontier frontier;
      try {
        frontier = MerkleFrontier.decode(b);
      } catch (IllegalArgumentException e) {
        throw new CorruptObjectException(key, "checkpoint frontier malformed", e);
      }
      if (b.hasRemaining()) {
        throw new CorruptObjectException(key, "checkpoint has trailing bytes", "0", String.valueOf(b.remaining()));
      }
      Checkpoint c = parseBody(key, body, sig);
      if (frontier.size() != c.size()) {
        throw new CorruptObjectException(key, "checkpoint frontier size", String.valueOf(c.size()), String.valueOf(frontier.size()));
      }
      if (!Arrays.equals(frontier.root(), c.root())) {
        throw new CorruptObjectException(key, "checkpoint frontier does not give the signed root", c.rootHex(),
            HexFormat.of().formatHex(frontier.root()));
      }
      return new Stored(c, frontier);
    } catch (BufferUnderflowException e) {
      throw new CorruptObjectException(key, "checkpoint ends early", "complete fields", "truncated");
    }
  }

  static Checkpoint parseBody(String key, byte[] body, byte[] sig) throws CorruptObjectException {
    String text = new String(body, StandardCharsets.UTF_8);
    String[] lines = text.split("\n", -1);
    if (lines.length != 5 || !lines[4].isEmpty() || !lines[0].startsWith(Checkpoint.ORIGIN_PREFIX)
        || !lines[3].startsWith("time ")) {
      throw new CorruptObjectException(key, "checkpoint note is not 4 lines (origin, size, root, time)", null, null);
    }
    try {
      String archiveId = lines[0].substring(Checkpoint.ORIGIN_PREFIX.length());
      long size = Long.parseLong(lines[1]);
      byte[] root = Base64.getDecoder().decode(lines[2]);
      long time = Long.parseLong(lines[3].substring(5));
      Checkpoint c = new Checkpoint(archiveId, size, root, time, sig);
      if (!Arrays.equals(c.signedBytes(), body)) {
        throw new CorruptObjectException(key, "checkpoint note is not in canonical form", null, null);
      }
      return c;
    } catch (IllegalArgumentException e) {
      throw new CorruptObjectException(key, "checkpoint note malformed", e);
    }
  }
}
