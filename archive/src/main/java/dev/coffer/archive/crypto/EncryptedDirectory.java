package dev.coffer.archive.crypto;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.store.BufferedChecksumIndexInput;
import org.apache.lucene.store.BufferedIndexInput;
import org.apache.lucene.store.ChecksumIndexInput;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FilterDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.store.IndexOutput;

/**
 * A Lucene {@link Directory} that encrypts every file with AES-256-CTR: the derived indexes (the id
 * index, the search index) hold terms and stored fields taken from records, so they are encrypted
 * like the archive itself.
 *
 * <pre>
 * index-file = "CFIX" version:%x02 data-key-id:u32 iv:bytes[16] ciphertext mac:bytes[32]
 *            / "CFIX" %x01 data-key-id:u32 iv:bytes[16] ciphertext   ; written before MACs: unauthenticated
 * ciphertext = AES-256-CTR(index key, counter = iv + block number, the Lucene file's bytes)
 * mac        = HMAC-SHA256(mac key, header || ciphertext)             ; written when the file is closed
 * index key  = HMAC-SHA256(data key, "coffer/index-key/1" || purpose)   ; purpose: "idindex", "search"
 * mac key    = HMAC-SHA256(data key, "coffer/index-mac/1" || purpose)
 * </pre>
 *
 * Why CTR and not GCM: Lucene reads files at random offsets (clones, slices, seeks) and CTR decrypts
 * any byte range on its own; the random per-file IV keeps counters from repeating across files.
 * CTR is malleable: flipping a ciphertext bit flips the same plaintext bit, and Lucene's CRC-32 footer
 * is linear, so someone without the key can change a file and fix its CRC. The MAC trailer closes
 * that: it lies outside the length Lucene sees (Lucene never reads it), costs nothing per read, and
 * is checked by {@link #authenticate} ({@code coffer verify} does it for every file of the last
 * commit) and whenever Lucene opens a file to read it whole through {@link #openChecksumInput}
 * (commit points, segment infos, field infos). Files are renamed freely (Lucene's commit does), so
 * nothing binds a file to its name; version-1 files (no MAC) stay readable and are reported as
 * unauthenticated by {@link #authenticate}.
 */
public final class EncryptedDirectory extends FilterDirectory {
  static final int MAGIC = 0x43464958; // "CFIX"
  static final byte VERSION = 2;
  /** Files written before the MAC trailer: readable, unauthenticated. */
  static final byte VERSION_UNAUTHENTICATED = 1;
  static final int HEADER = 4 + 1 + 4 + 16;
  static final int TRAILER = 32;
  private static final int BUFFER = 4096;

  /** Plaintext blocks of the cache: 4 KiB, aligned in the file, so the CTR counter needs no skip. */
  static final int BLOCK_SHIFT = 12;
  static final int BLOCK = 1 << BLOCK_SHIFT;

  private final KeyRing ring;
  private final String purpose;
  /** Decrypted blocks shared by every reader of this directory, or null (no cache). */
  private final BlockCache cache;
  private final Map<Integer, SecretKeySpec> keys = new ConcurrentHashMap<>();
  private final Map<Integer, SecretKeySpec> macKeys = new ConcurrentHashMap<>();

  /** What {@link #authenticate} found. */
  public enum Authenticity {
    /** The MAC over the header and ciphertext is right: the file is as this archive's keys wrote it. */
    AUTHENTIC,
    /** Written before index files carried a MAC: readable, but nothing vouches for its bytes. */
    UNAUTHENTICATED
  }

  EncryptedDirectory(Directory in, KeyRing ring, String purpose) {
    this(in, ring, purpose, 0);
  }

  /**
   * @param cacheBytes bound of the decrypted-block cache ({@link BlockCache}); 0 for none
   */
  EncryptedDirectory(Directory in, KeyRing ring, String purpose, long cacheBytes) {
    super(in);
    this.ring = ring;
    this.purpose = purpose;
    this.cache = cacheBytes >= BLOCK ? new BlockCache((int) Math.min(Integer.MAX_VALUE, cacheBytes / BLOCK)) : null;
  }

  /**
   * A bounded LRU of decrypted 4 KiB blocks of this directory's files, shared by every input, clone
   * and slice: Lucene reads the same term-dictionary, postings, doc-values and stored-field blocks
   * again for every query (and clones an input for each lookup, each with an empty buffer), and
   * decrypting them again each time was a third of a search's CPU. What it holds: plaintext of index
   * blocks, in this process's heap only (never written anywhere), at most its bound, dropped when the
   * directory is closed. Keys are (open file, block): an opened file is never rewritten (Lucene files
   * are write-once) and each open gets a new number, so a block can never be served for another file
   * or a later version. It changes nothing about authentication: random reads were never checked
   * against the file's MAC (that needs the whole file: {@link #authenticate}); a cached block is the
   * decryption of the bytes read from the file, as an uncached read would be. Merges and read-once
   * opens bypass it (they read everything once and would only evict what searches use).
   */
  static final class BlockCache {
    private final int maxBlocks;
    private final java.util.LinkedHashMap<Long, byte[]> blocks;

    BlockCache(int maxBlocks) {
      this.maxBlocks = maxBlocks;
      this.blocks = new java.util.LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
          return size() > BlockCache.this.maxBlocks;
        }
      };
    }

    synchronized byte[] get(long key) {
      return blocks.get(key);
    }

    synchronized void put(long key, byte[] plain) {
      blocks.put(key, plain);
    }

    synchronized int size() {
      return blocks.size();
    }

    synchronized void clear() {
      blocks.clear();
    }
  }

  /** Numbers the opened files for the block cache's keys (40 bits; 24 bits of block number). */
  private static final java.util.concurrent.atomic.AtomicLong FILES = new java.util.concurrent.atomic.AtomicLong();
  private static final int FILE_SHIFT = 24;

  /** The number of blocks the cache holds now (tests). */
  int cachedBlocks() {
    return cache == null ? 0 : cache.size();
  }

  @Override
  public void close() throws IOException {
    if (cache != null) {
      cache.clear();
    }
    super.close();
  }

  private SecretKeySpec key(int id) throws IOException {
    SecretKeySpec k = keys.get(id);
    if (k == null) {
      byte[] dataKey = ring.dataKey(id);
      if (dataKey == null) {
        throw new IOException("index file sealed with data key " + id + ", which the keyring does not hold");
      }
      k = new SecretKeySpec(KeyMaterial.derive(dataKey, "coffer/index-key/1" + purpose), "AES");
      keys.put(id, k);
    }
    return k;
  }

  private SecretKeySpec macKey(int id) throws IOException {
    SecretKeySpec k = macKeys.get(id);
    if (k == null) {
      byte[] dataKey = ring.dataKey(id);
      if (dataKey == null) {
        throw new IOException("index file sealed with data key " + id + ", which the keyring does not hold");
      }
      k = new SecretKeySpec(KeyMaterial.derive(dataKey, "coffer/index-mac/1" + purpose), "HmacSHA256");
      macKeys.put(id, k);
    }
    return k;
  }

  private static Mac hmac(SecretKeySpec key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no HmacSHA256", e);
    }
  }

  /**
   * Reads {@code name} whole and checks its MAC (a version-1 file has none and is reported as such).
   *
   * @throws CorruptIndexException if the MAC does not match: the file was changed after it was written
   *     (a flipped bit with a forged CRC included), truncated, or sealed under other keys
   */
  public Authenticity authenticate(String name) throws IOException {
    try (IndexInput raw = in.openInput(name, IOContext.READONCE)) {
      byte[] h = header(raw);
      if (h[4] == VERSION_UNAUTHENTICATED) {
        return Authenticity.UNAUTHENTICATED;
      }
      checkMac(raw, h);
      return Authenticity.AUTHENTIC;
    }
  }

  /**
   * Authenticates every file of {@code dir}'s last commit (for verify): file name → what is wrong, for
   * each file whose MAC fails or that has none (written before index files carried a MAC). Empty
   * when all are authentic, when {@code dir} is not encrypted, or when it has no commit.
   */
  public static Map<String, String> authenticateCommit(Directory dir) throws IOException {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    if (!(dir instanceof EncryptedDirectory e)) {
      return out;
    }
    String segments = org.apache.lucene.index.SegmentInfos.getLastCommitSegmentsFileName(dir.listAll());
    if (segments == null) {
      return out;
    }
    java.util.Set<String> files = new java.util.TreeSet<>();
    files.add(segments);
    try {
      files.addAll(org.apache.lucene.index.SegmentInfos.readCommit(dir, segments).files(true));
    } catch (IOException | RuntimeException unreadable) {
      // the commit point itself fails (its MAC, or its form): name it; the files it lists are unknown
      out.put(segments, unreadable.getMessage());
      return out;
    }
    for (String f : files) {
      try {
        if (e.authenticate(f) == Authenticity.UNAUTHENTICATED) {
          out.put(f, "unauthenticated: written before index files carried a MAC (coffer reindex --ids rewrites both indexes)");
        }
      } catch (CorruptIndexException bad) {
        out.put(f, "index file MAC mismatch: changed after it was written");
      } catch (java.nio.file.NoSuchFileException | java.io.FileNotFoundException missing) {
        out.put(f, "missing");
      } catch (IOException unreadable) {
        out.put(f, "cannot be authenticated: " + unreadable.getMessage()); // e.g. a damaged header
      }
    }
    return out;
  }

  private void checkMac(IndexInput raw, byte[] h) throws IOException {
    long end = raw.length() - TRAILER;
    Mac mac = hmac(macKey(ByteBuffer.wrap(h, 5, 4).getInt()));
    mac.update(h);
    byte[] buf = new byte[1 << 16];
    raw.seek(HEADER);
    for (long at = HEADER; at < end; ) {
      int k = (int) Math.min(buf.length, end - at);
      raw.readBytes(buf, 0, k);
      mac.update(buf, 0, k);
      at += k;
    }
    byte[] stored = new byte[TRAILER];
    raw.readBytes(stored, 0, TRAILER);
    if (!MessageDigest.isEqual(mac.doFinal(), stored)) {
      throw new CorruptIndexException("index file MAC mismatch: changed after it was written, or not sealed with "
          + "this archive's keys", raw);
    }
  }

  /** Reads and checks the header; leaves {@code raw} after it. */
  private static byte[] header(IndexInput raw) throws IOException {
    if (raw.length() < HEADER) {
      throw new CorruptIndexException("not an encrypted index file: shorter than its header", raw);
    }
    byte[] h = new byte[HEADER];
    raw.readBytes(h, 0, HEADER);
    ByteBuffer hb = ByteBuffer.wrap(h);
    int magic = hb.getInt();
    byte version = hb.get();
    if (magic != MAGIC || (version != VERSION && version != VERSION_UNAUTHENTICATED)) {
      throw new CorruptIndexException("not an encrypted Coffer index file (magic or version)", raw);
    }
    if (version == VERSION && raw.length() < HEADER + TRAILER) {
      throw new CorruptIndexException("encrypted index file shorter than its header and MAC", raw);
    }
    return h;
  }

  private static long logicalLength(IndexInput raw, byte version) {
    return raw.length() - HEADER - (version == VERSION ? TRAILER : 0);
  }

  static Cipher ctr() {
    try {
      return Cipher.getInstance("AES/CTR/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no AES/CTR", e);
    }
  }

  /** The counter block for byte {@code position}: iv + position / 16, as a 128-bit big-endian sum. */
  static byte[] counter(byte[] iv, long position) {
    byte[] c = iv.clone();
    long add = position >>> 4;
    int carry = 0;
    for (int i = 15; i >= 0; i--) {
      int sum = (c[i] & 0xff) + (int) (add & 0xff) + carry;
      c[i] = (byte) sum;
      carry = sum >>> 8;
      add >>>= 8;
      if (add == 0 && carry == 0) {
        break;
      }
    }
    return c;
  }

  @Override
  public IndexOutput createOutput(String name, IOContext context) throws IOException {
    return new Sealing(in.createOutput(name, context), name);
  }

  @Override
  public IndexOutput createTempOutput(String prefix, String suffix, IOContext context) throws IOException {
    IndexOutput out = in.createTempOutput(prefix, suffix, context);
    return new Sealing(out, out.getName());
  }

  @Override
  public IndexInput openInput(String name, IOContext context) throws IOException {
    IndexInput raw = in.openInput(name, context);
    try {
      byte[] h = header(raw);
      ByteBuffer hb = ByteBuffer.wrap(h, 5, 4 + 16);
      int keyId = hb.getInt();
      byte[] iv = new byte[16];
      hb.get(iv);
      long length = logicalLength(raw, h[4]);
      boolean cached = cache != null && context != IOContext.READONCE
          && context.context() != IOContext.Context.MERGE && (length >>> BLOCK_SHIFT) < (1L << FILE_SHIFT);
      return new Opening("encrypted(" + raw + ")", raw, key(keyId), iv, 0, length, true,
          cached ? cache : null, FILES.incrementAndGet() & ((1L << (64 - FILE_SHIFT)) - 1), length);
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  /**
   * Opens a file Lucene reads whole (commit points, segment and field infos): its MAC is checked first,
   * which costs one more read of a small file.
   */
  @Override
  public ChecksumIndexInput openChecksumInput(String name) throws IOException {
    authenticate(name);
    return new BufferedChecksumIndexInput(openInput(name, IOContext.READONCE));
  }

  @Override
  public long fileLength(String name) throws IOException {
    try (IndexInput raw = in.openInput(name, IOContext.READONCE)) {
      if (raw.length() < HEADER) {
        return 0;
      }
      raw.seek(4);
      return Math.max(0, logicalLength(raw, raw.readByte()));
    }
  }

  /** Writes the header, then the CTR ciphertext of everything written; checksums the plaintext. */
  private final class Sealing extends IndexOutput {
    private final IndexOutput out;
    private final Cipher cipher = ctr();
    private final CRC32 crc = new CRC32();
    private final Mac mac;
    private final byte[] buf = new byte[BUFFER];
    private final byte[] sealed = new byte[BUFFER];
    private int n;
    private int crcUpTo;
    private long written;

    Sealing(IndexOutput out, String name) throws IOException {
      super("encrypted(" + out + ")", name);
      this.out = out;
      int id = ring.currentId();
      byte[] iv = KeyMaterial.random(16);
      try {
        cipher.init(Cipher.ENCRYPT_MODE, key(id), new IvParameterSpec(iv));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES/CTR init failed", e);
      }
      mac = hmac(macKey(id));
      byte[] head = ByteBuffer.allocate(HEADER).putInt(MAGIC).put(VERSION).putInt(id).put(iv).array();
      mac.update(head);
      out.writeBytes(head, HEADER);
    }

    @Override
    public void writeByte(byte b) throws IOException {
      if (n == BUFFER) {
        flushBuffer();
      }
      buf[n++] = b;
      written++;
    }

    @Override
    public void writeBytes(byte[] b, int offset, int length) throws IOException {
      while (length > 0) {
        if (n == BUFFER) {
          flushBuffer();
        }
        int k = Math.min(length, BUFFER - n);
        System.arraycopy(b, offset, buf, n, k);
        n += k;
        offset += k;
        length -= k;
        written += k;
      }
    }

    private void flushBuffer() throws IOException {
      crc.update(buf, crcUpTo, n - crcUpTo);
      try {
        int k = cipher.update(buf, 0, n, sealed, 0);
        mac.update(sealed, 0, k);
        out.writeBytes(sealed, 0, k);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES/CTR failed", e);
      }
      n = 0;
      crcUpTo = 0;
    }

    @Override
    public long getFilePointer() {
      return written;
    }

    @Override
    public long getChecksum() {
      crc.update(buf, crcUpTo, n - crcUpTo);
      crcUpTo = n;
      return crc.getValue();
    }

    private boolean closed;

    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      try (IndexOutput o = out) {
        flushBuffer();
        o.writeBytes(mac.doFinal(), TRAILER); // outside the length Lucene sees
      }
    }
  }

  private static final java.util.concurrent.atomic.AtomicLong IDS = new java.util.concurrent.atomic.AtomicLong();

  /**
   * One AES-CTR cipher per thread, shared by every input the thread reads, with the input and the
   * position it is set for: Lucene clones inputs for every term and postings lookup, and a
   * {@code Cipher.getInstance} per clone cost more than the decryption itself. A read continuing
   * where the same input's last read ended keeps the keystream; any other read re-initialises it.
   */
  private static final class Ctr {
    static final byte[] ZEROS = new byte[16];
    final Cipher cipher = ctr();
    final byte[] discard = new byte[16];
    long user = -1;
    long at = -1;
  }

  private static final ThreadLocal<Ctr> CTR = ThreadLocal.withInitial(Ctr::new);

  /** Decrypts any range on demand; clones and slices share the raw input and decrypt on their own. */
  private static final class Opening extends BufferedIndexInput {
    private IndexInput raw;
    private final SecretKeySpec key;
    private final byte[] iv;
    private final long start;
    private final long length;
    private final boolean owner;
    /** The directory's block cache, or null: this file's reads decrypt on their own. */
    private final BlockCache cache;
    /** The opened file's number in the cache's keys (shared by clones and slices). */
    private final long file;
    /** Logical length of the whole file (a slice's blocks are the file's). */
    private final long fileLength;
    /** This input's identity for the thread's shared cipher (a number, so no input is kept alive). */
    private long id = IDS.incrementAndGet();
    private byte[] scratch;

    Opening(String desc, IndexInput raw, SecretKeySpec key, byte[] iv, long start, long length, boolean owner,
        BlockCache cache, long file, long fileLength) {
      super(desc, BUFFER);
      this.raw = raw;
      this.key = key;
      this.iv = iv;
      this.start = start;
      this.length = length;
      this.owner = owner;
      this.cache = cache;
      this.file = file;
      this.fileLength = fileLength;
    }

    @Override
    protected void readInternal(ByteBuffer b) throws IOException {
      long pos = start + getFilePointer();
      int len = b.remaining();
      if (getFilePointer() + len > length) {
        throw new EOFException("read past EOF: " + this);
      }
      if (cache != null) {
        readBlocks(pos, b, len);
        return;
      }
      byte[] target;
      int at;
      if (b.hasArray()) {
        // decrypted in place: no second buffer per clone (Lucene clones an input for every lookup)
        target = b.array();
        at = b.arrayOffset() + b.position();
      } else {
        if (scratch == null || scratch.length < len) {
          scratch = new byte[Math.max(len, BUFFER)];
        }
        target = scratch;
        at = 0;
      }
      raw.seek(HEADER + pos);
      raw.readBytes(target, at, len);
      try {
        Ctr ctr = CTR.get();
        Cipher cipher = ctr.cipher;
        if (ctr.user != id || ctr.at != pos) {
          cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(counter(iv, pos)));
          int skip = (int) (pos & 15);
          if (skip > 0) {
            cipher.update(Ctr.ZEROS, 0, skip, ctr.discard, 0);
          }
        }
        cipher.update(target, at, len, target, at);
        if (b.hasArray()) {
          b.position(b.position() + len);
        } else {
          b.put(scratch, 0, len);
        }
        ctr.user = id;
        ctr.at = pos + len;
      } catch (GeneralSecurityException e) {
        throw new IOException("AES/CTR failed", e);
      }
    }

    /** Copies [pos, pos + len) from the cache's plaintext blocks, decrypting and adding those missing. */
    private void readBlocks(long pos, ByteBuffer b, int len) throws IOException {
      while (len > 0) {
        long block = pos >>> BLOCK_SHIFT;
        long slot = (file << FILE_SHIFT) | block;
        byte[] plain = cache.get(slot);
        if (plain == null) {
          long blockStart = block << BLOCK_SHIFT;
          plain = new byte[(int) Math.min(BLOCK, fileLength - blockStart)];
          raw.seek(HEADER + blockStart);
          raw.readBytes(plain, 0, plain.length);
          try {
            Ctr ctr = CTR.get();
            ctr.cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(counter(iv, blockStart)));
            ctr.cipher.update(plain, 0, plain.length, plain, 0);
            ctr.user = -1; // re-keyed here: the next uncached read must initialise it again
          } catch (GeneralSecurityException e) {
            throw new IOException("AES/CTR failed", e);
          }
          cache.put(slot, plain);
        }
        int offset = (int) (pos - (block << BLOCK_SHIFT));
        int k = Math.min(len, plain.length - offset);
        b.put(plain, offset, k);
        pos += k;
        len -= k;
      }
    }

    @Override
    protected void seekInternal(long pos) throws IOException {
      if (pos > length) {
        throw new EOFException("seek past EOF (" + pos + " > " + length + "): " + this);
      }
    }

    @Override
    public long length() {
      return length;
    }

    @Override
    public Opening clone() {
      Opening c = (Opening) super.clone();
      c.raw = raw.clone();
      c.id = IDS.incrementAndGet();
      c.scratch = null;
      c.cloned = true;
      return c;
    }

    @Override
    public IndexInput slice(String sliceDescription, long offset, long sliceLength) throws IOException {
      if (offset < 0 || sliceLength < 0 || offset + sliceLength > length) {
        throw new IllegalArgumentException("slice(" + sliceDescription + ") out of bounds: offset=" + offset
            + ", length=" + sliceLength + ", file length=" + length + ": " + this);
      }
      return new Opening(getFullSliceDescription(sliceDescription), raw.clone(), key, iv, start + offset, sliceLength,
          false, cache, file, fileLength);
    }

    @Override
    public void close() throws IOException {
      if (owner && !isClone()) {
        raw.close();
      }
    }

    private boolean cloned;

    private boolean isClone() {
      return cloned;
    }
  }
}
