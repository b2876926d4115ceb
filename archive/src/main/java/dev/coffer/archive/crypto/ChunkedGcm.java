package dev.coffer.archive.crypto;

import dev.coffer.archive.store.CorruptObjectException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Streaming AES-256-GCM in fixed-size chunks, the body of every encrypted object and staging file
 * (the construction of Tink's "AES-GCM-HKDF streaming AEAD", with HMAC-SHA256 as the key derivation):
 *
 * <pre>
 * stream     = header 1*chunk
 * header     = "CFEN" version:%x01 data-key-id:u32 salt:bytes[16]
 * chunk      = ciphertext tag:bytes[16]     ; every chunk but the last holds exactly 65,536 plaintext
 *                                           ; bytes; the last holds 0..65,536 (one empty chunk for an
 *                                           ; empty plaintext)
 * stream key = HMAC-SHA256(data key, "coffer/stream-key/1" || salt)      ; unique per stream
 * nonce(i)   = i:u64 final:u32              ; final = 1 for the last chunk, else 0
 * aad(i)     = context || header || i:u64 final:u8
 * </pre>
 *
 * Why each part: a fresh random salt gives every stream its own key, so the counter nonces never
 * repeat under a key and no per-key message limit applies; the chunk index in nonce and AAD makes a
 * reordered chunk fail; the final flag makes a stream cut at a chunk boundary fail (the new last chunk
 * was sealed as not final); {@code context} (the archive id and the object key, for objects) makes an
 * object moved to another key or another archive fail; the header in the AAD binds the version and
 * the data key id. Memory is one chunk whatever the stream's length.
 */
final class ChunkedGcm {
  static final int MAGIC = 0x4346454e; // "CFEN"
  static final byte VERSION = 1;
  static final int SALT = 16;
  static final int HEADER = 4 + 1 + 4 + SALT;
  static final int CHUNK = 64 * 1024;
  static final int TAG = 16;

  private ChunkedGcm() {}

  /** Ciphertext length of a plaintext of {@code plain} bytes. */
  static long cipherLength(long plain) {
    long chunks = Math.max(1, (plain + CHUNK - 1) / CHUNK);
    return HEADER + plain + chunks * TAG;
  }

  /** Plaintext length of a well-formed ciphertext of {@code cipher} bytes, or -1 if none has it. */
  static long plainLength(long cipher) {
    long body = cipher - HEADER;
    if (body < TAG) {
      return -1;
    }
    long chunks = (body + CHUNK + TAG - 1) / (CHUNK + TAG);
    long plain = body - chunks * TAG;
    return cipherLength(plain) == cipher ? plain : -1;
  }

  static byte[] header(int dataKeyId, byte[] salt) {
    return ByteBuffer.allocate(HEADER).putInt(MAGIC).put(VERSION).putInt(dataKeyId).put(salt).array();
  }

  static SecretKeySpec streamKey(byte[] dataKey, byte[] salt) {
    Mac mac = KeyMaterial.hmac(dataKey);
    mac.update(KeyMaterial.utf8("coffer/stream-key/1"));
    mac.update(salt);
    return new SecretKeySpec(mac.doFinal(), "AES");
  }

  private static GCMParameterSpec nonce(long index, boolean last) {
    return new GCMParameterSpec(TAG * 8, ByteBuffer.allocate(12).putLong(index).putInt(last ? 1 : 0).array());
  }

  private static byte[] aad(byte[] context, byte[] header, long index, boolean last) {
    return ByteBuffer.allocate(context.length + header.length + 9).put(context).put(header).putLong(index)
        .put((byte) (last ? 1 : 0)).array();
  }

  static Cipher aesGcm() {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no AES/GCM", e);
    }
  }

  /** Encrypts a whole plaintext held in memory. */
  static byte[] seal(byte[] plain, int dataKeyId, byte[] dataKey, byte[] context) {
    byte[] salt = KeyMaterial.random(SALT);
    byte[] header = header(dataKeyId, salt);
    SecretKeySpec key = streamKey(dataKey, salt);
    long total = cipherLength(plain.length);
    if (total > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("object too large to encrypt in memory: " + plain.length + " bytes");
    }
    byte[] out = new byte[(int) total];
    System.arraycopy(header, 0, out, 0, HEADER);
    Cipher c = aesGcm();
    int in = 0;
    int pos = HEADER;
    long index = 0;
    try {
      do {
        int n = Math.min(CHUNK, plain.length - in);
        boolean last = in + n == plain.length;
        c.init(Cipher.ENCRYPT_MODE, key, nonce(index, last));
        c.updateAAD(aad(context, header, index, last));
        pos += c.doFinal(plain, in, n, out, pos);
        in += n;
        index++;
        if (last) {
          break;
        }
      } while (true);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
    return out;
  }

  /** Reads the data key id from a stream's header (which it consumes), checking magic and version. */
  static byte[] readHeader(String name, InputStream in) throws IOException {
    byte[] header = in.readNBytes(HEADER);
    if (header.length < HEADER) {
      throw new CorruptObjectException(name, "encrypted object truncated in its header", HEADER + " bytes",
          header.length + " bytes");
    }
    ByteBuffer h = ByteBuffer.wrap(header);
    int magic = h.getInt();
    if (magic != MAGIC) {
      throw new CorruptObjectException(name, "not an encrypted object (magic)", Integer.toHexString(MAGIC),
          Integer.toHexString(magic));
    }
    byte version = h.get();
    if (version != VERSION) {
      throw new CorruptObjectException(name, "unsupported encryption version", String.valueOf(VERSION),
          String.valueOf(version));
    }
    return header;
  }

  static int dataKeyId(byte[] header) {
    return ByteBuffer.wrap(header, 5, 4).getInt();
  }

  /** Pull-based encryption: reads plaintext from {@code plain}, yields the ciphertext stream. */
  /**
   * A stream that hands out one processed chunk at a time: {@link #next} fills {@link #out} (and sets
   * {@link #finished} after the last chunk); the read methods only copy from it. Sealing and opening
   * differ only in what {@code next} does.
   */
  abstract static class ChunkedInput extends InputStream {
    byte[] out;
    int outPos;
    boolean finished;

    /** Produces the next chunk into {@link #out}, resetting {@link #outPos}. */
    abstract void next() throws IOException;

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
      while (out == null || outPos == out.length) {
        if (finished) {
          return -1;
        }
        next();
      }
      int n = Math.min(len, out.length - outPos);
      System.arraycopy(out, outPos, b, off, n);
      outPos += n;
      return n;
    }
  }

  static final class Sealing extends ChunkedInput {
    private final InputStream plain;
    private final byte[] context;
    private final byte[] header;
    private final SecretKeySpec key;
    private final Cipher cipher = aesGcm();
    private final byte[] chunk = new byte[CHUNK];
    private long index;
    private int lookahead = -2; // -2: none held

    Sealing(InputStream plain, int dataKeyId, byte[] dataKey, byte[] context) {
      this.plain = plain;
      this.context = context;
      byte[] salt = KeyMaterial.random(SALT);
      this.header = header(dataKeyId, salt);
      this.key = streamKey(dataKey, salt);
      this.out = header;
    }

    @Override
    void next() throws IOException {
      int n = 0;
      if (lookahead >= 0) {
        chunk[n++] = (byte) lookahead;
        lookahead = -2;
      }
      n += plain.readNBytes(chunk, n, CHUNK - n);
      boolean last;
      if (n < CHUNK) {
        last = true;
      } else {
        int b = plain.read();
        last = b < 0;
        lookahead = b < 0 ? -2 : b;
      }
      try {
        cipher.init(Cipher.ENCRYPT_MODE, key, nonce(index, last));
        cipher.updateAAD(aad(context, header, index, last));
        out = cipher.doFinal(chunk, 0, n);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES-GCM encryption failed", e);
      }
      outPos = 0;
      index++;
      finished = last;
    }
  }

  /** Push-based encryption: what is written is sealed chunk by chunk into {@code out}; close ends it. */
  static final class SealingOutput extends java.io.OutputStream {
    private final java.io.OutputStream out;
    private final byte[] context;
    private final byte[] header;
    private final SecretKeySpec key;
    private final Cipher cipher = aesGcm();
    private final byte[] chunk = new byte[CHUNK];
    private int n;
    private long index;
    private boolean closed;

    SealingOutput(java.io.OutputStream out, int dataKeyId, byte[] dataKey, byte[] context) throws IOException {
      this.out = out;
      this.context = context;
      byte[] salt = KeyMaterial.random(SALT);
      this.header = header(dataKeyId, salt);
      this.key = streamKey(dataKey, salt);
      out.write(header);
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      while (len > 0) {
        if (n == CHUNK) {
          seal(false); // more bytes follow: this chunk is not the last
        }
        int k = Math.min(len, CHUNK - n);
        System.arraycopy(b, off, chunk, n, k);
        n += k;
        off += k;
        len -= k;
      }
    }

    private void seal(boolean last) throws IOException {
      try {
        cipher.init(Cipher.ENCRYPT_MODE, key, nonce(index, last));
        cipher.updateAAD(aad(context, header, index, last));
        out.write(cipher.doFinal(chunk, 0, n));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES-GCM encryption failed", e);
      }
      index++;
      n = 0;
    }

    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      seal(true);
      out.close();
    }
  }

  /**
   * Pull-based decryption of a stream whose header was read by {@link #readHeader}. Each chunk is
   * authenticated before any of its bytes is returned; a damaged, reordered, truncated or moved stream
   * throws {@link CorruptObjectException} naming {@code name}.
   */
  static final class Opening extends ChunkedInput {
    private final String name;
    private final InputStream in;
    private final byte[] context;
    private final byte[] header;
    private final SecretKeySpec key;
    private final Cipher cipher = aesGcm();
    private final byte[] chunk = new byte[CHUNK + TAG];
    private long index;
    private int lookahead = -2;

    Opening(String name, InputStream in, byte[] header, byte[] dataKey, byte[] context) {
      this.name = name;
      this.in = in;
      this.header = header;
      this.context = context;
      this.key = streamKey(dataKey, Arrays.copyOfRange(header, HEADER - SALT, HEADER));
    }

    @Override
    void next() throws IOException {
      int n = 0;
      if (lookahead >= 0) {
        chunk[n++] = (byte) lookahead;
        lookahead = -2;
      }
      n += in.readNBytes(chunk, n, chunk.length - n);
      boolean last;
      if (n < chunk.length) {
        last = true;
      } else {
        int b = in.read();
        last = b < 0;
        lookahead = b < 0 ? -2 : b;
      }
      if (n < TAG) {
        throw new CorruptObjectException(name, "encrypted object truncated", "a chunk of at least " + TAG + " bytes",
            n + " bytes");
      }
      try {
        cipher.init(Cipher.DECRYPT_MODE, key, nonce(index, last));
        cipher.updateAAD(aad(context, header, index, last));
        out = cipher.doFinal(chunk, 0, n);
      } catch (AEADBadTagException e) {
        throw new CorruptObjectException(name, "decryption failed at chunk " + index
            + ": the ciphertext was changed, truncated, reordered or moved from another object", "a valid GCM tag",
            "a mismatch");
      } catch (GeneralSecurityException e) {
        throw new CorruptObjectException(name, "decryption failed at chunk " + index, e);
      }
      outPos = 0;
      index++;
      finished = last;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
