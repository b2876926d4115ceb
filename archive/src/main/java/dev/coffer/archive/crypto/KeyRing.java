package dev.coffer.archive.crypto;

import dev.coffer.archive.store.CorruptObjectException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * An archive's data keys, wrapped by its master key: the middle of the key hierarchy
 * (master key → data keys → one key per object, see {@code docs/encryption.md}).
 *
 * <pre>
 * keyring  = "coffer-keyring/1" LF
 *            "archive-id=" 32HEX LF
 *            "master=" 16HEX LF                 ; id of the master key every wrap below is under
 *            "current=" 1*DIGIT LF              ; the data key new objects are encrypted with
 *            1*("data-key=" 1*DIGIT " created=" 1*DIGIT " wrapped=" base64 LF)   ; ids 1, 2, 3, …
 *            "crc32c=" 8HEX LF                  ; CRC-32C of every preceding byte
 * wrapped  = MasterKey.wrap(data key, "coffer/data-key/1" || archive-id || ":" || data-key id)
 * </pre>
 *
 * The file is {@code keys/keyring}; it is the one mutable file of an archive: {@link #rotate}
 * replaces it atomically (write {@code keyring.tmp}, fsync, rename, fsync the directory). Data keys
 * are never removed: every object names the data key it was sealed with. Data key 1 also keys the
 * blob names ({@link BlobNames}), which must stay stable for dedupe.
 */
public final class KeyRing {
  public static final String FILE = "keyring";
  public static final String TEMP_FILE = "keyring.tmp";
  static final String FIRST_LINE = "coffer-keyring/1";

  /** A data key as listed (never its bytes). */
  public record DataKeyInfo(int id, long created) {}

  private final String archiveId;
  private final String masterId;
  private final int current;
  private final Map<Integer, byte[]> keys;
  private final Map<Integer, Long> created;

  private KeyRing(String archiveId, String masterId, int current, Map<Integer, byte[]> keys, Map<Integer, Long> created) {
    this.archiveId = archiveId;
    this.masterId = masterId;
    this.current = current;
    this.keys = keys;
    this.created = created;
  }

  /** A new keyring with one random data key, wrapped by {@code master}, written to {@code keysDir}. */
  public static KeyRing create(Path keysDir, String archiveId, MasterKey master, long now) throws IOException {
    KeyRing ring = inMemory(archiveId, master.id(), now);
    ring.write(keysDir, master);
    return ring;
  }

  /** A new keyring kept only in memory (in-memory archives). */
  public static KeyRing inMemory(String archiveId, String masterId, long now) {
    Map<Integer, byte[]> keys = new LinkedHashMap<>();
    keys.put(1, KeyMaterial.random(32));
    Map<Integer, Long> created = new LinkedHashMap<>();
    created.put(1, now);
    return new KeyRing(archiveId, masterId, 1, keys, created);
  }

  public String archiveId() {
    return archiveId;
  }

  /** The id of the master key the data keys are wrapped under. */
  public String masterId() {
    return masterId;
  }

  /** The data key new objects are sealed with. */
  public int currentId() {
    return current;
  }

  /** Every data key's id and creation time, oldest first. */
  public List<DataKeyInfo> dataKeys() {
    List<DataKeyInfo> out = new ArrayList<>();
    for (Integer id : keys.keySet()) {
      out.add(new DataKeyInfo(id, created.get(id)));
    }
    return out;
  }

  /** The number the next rotation's data key gets (data keys are numbered 1, 2, 3, … without gaps). */
  public int nextDataKeyId() {
    return keys.keySet().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
  }

  /** The bytes of data key {@code id}, or null if the keyring has none with that id. */
  byte[] dataKey(int id) {
    return keys.get(id);
  }

  static byte[] wrapAad(String archiveId, int id) {
    return KeyMaterial.utf8("coffer/data-key/1" + archiveId + ":" + id);
  }

  /**
   * A new keyring: the data keys of this one, re-wrapped under {@code newMaster}, plus a new data key
   * that becomes current (so content written after the rotation is under a key the old master never
   * wrapped). Objects are not rewritten. Writes {@code keysDir/keyring} atomically.
   */
  public KeyRing rotate(Path keysDir, MasterKey newMaster, long now) throws IOException {
    Map<Integer, byte[]> k = new LinkedHashMap<>();
    Map<Integer, Long> c = new LinkedHashMap<>(created);
    for (Map.Entry<Integer, byte[]> e : keys.entrySet()) {
      k.put(e.getKey(), e.getValue().clone());
    }
    int next = nextDataKeyId();
    k.put(next, KeyMaterial.random(32));
    c.put(next, now);
    KeyRing rotated = new KeyRing(archiveId, newMaster.id(), next, k, c);
    rotated.write(keysDir, newMaster);
    return rotated;
  }

  private byte[] render(MasterKey master) throws IOException {
    StringBuilder s = new StringBuilder(FIRST_LINE).append('\n')
        .append("archive-id=").append(archiveId).append('\n')
        .append("master=").append(master.id()).append('\n')
        .append("current=").append(current).append('\n');
    for (Map.Entry<Integer, byte[]> e : keys.entrySet()) {
      byte[] wrapped;
      try {
        wrapped = master.wrap(e.getValue(), wrapAad(archiveId, e.getKey()));
      } catch (GeneralSecurityException ex) {
        throw new MasterKeyException("master key " + master.id() + " (" + master.origin() + ") could not wrap data key "
            + e.getKey() + ": " + ex.getMessage(), ex);
      }
      s.append("data-key=").append(e.getKey()).append(" created=").append(created.get(e.getKey()))
          .append(" wrapped=").append(Base64.getEncoder().encodeToString(wrapped)).append('\n');
    }
    return withCrc(s.toString());
  }

  private static byte[] withCrc(String body) {
    byte[] b = body.getBytes(StandardCharsets.US_ASCII);
    CRC32C crc = new CRC32C();
    crc.update(b);
    return (body + "crc32c=" + HexFormat.of().toHexDigits((int) crc.getValue()) + "\n").getBytes(StandardCharsets.US_ASCII);
  }

  private void write(Path keysDir, MasterKey master) throws IOException {
    Files.createDirectories(keysDir);
    byte[] bytes = render(master);
    Path tmp = keysDir.resolve(TEMP_FILE);
    Files.deleteIfExists(tmp);
    boolean posix = tmp.getFileSystem().supportedFileAttributeViews().contains("posix");
    Set<PosixFilePermission> owner = Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    try (FileChannel ch = posix
        ? FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
            PosixFilePermissions.asFileAttribute(owner))
        : FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(bytes));
      ch.force(true);
    }
    Files.move(tmp, keysDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    syncDirectory(keysDir);
  }

  static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      if (!System.getProperty("os.name", "").startsWith("Windows")) {
        throw e;
      }
    }
  }

  /** The parsed file, before any key is unwrapped. */
  record Parsed(String archiveId, String masterId, int current, List<Integer> ids, List<Long> created, List<byte[]> wrapped) {}

  /**
   * Parses and checks {@code keys/keyring} (form and checksum; nothing is unwrapped).
   *
   * @throws CorruptObjectException naming the file if it is not exactly a keyring as written
   */
  static Parsed parse(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    String name = file.getParent().getFileName() + "/" + file.getFileName();
    String text = new String(bytes, StandardCharsets.US_ASCII);
    String[] lines = text.split("\n", -1);
    if (lines.length < 7 || !lines[0].equals(FIRST_LINE) || !lines[lines.length - 1].isEmpty()) {
      throw new CorruptObjectException(name, "not a Coffer keyring", FIRST_LINE + " and its fields", (lines.length - 1) + " lines");
    }
    int crcAt = text.lastIndexOf("crc32c=");
    if (crcAt < 0) { // a changed byte in the checksum's own name
      throw new CorruptObjectException(name, "keyring checksum or form mismatch", null, null);
    }
    String body = text.substring(0, crcAt);
    if (!Arrays.equals(withCrc(body), bytes)) {
      throw new CorruptObjectException(name, "keyring checksum or form mismatch", null, null);
    }
    try {
      String archiveId = field(lines[1], "archive-id=");
      String masterId = field(lines[2], "master=");
      int current = Integer.parseInt(field(lines[3], "current="));
      List<Integer> ids = new ArrayList<>();
      List<Long> created = new ArrayList<>();
      List<byte[]> wrapped = new ArrayList<>();
      for (int i = 4; i < lines.length - 2; i++) {
        String[] parts = lines[i].split(" ", -1);
        if (parts.length != 3) {
          throw new IllegalArgumentException("data-key line with " + parts.length + " fields");
        }
        int id = Integer.parseInt(field(parts[0], "data-key="));
        if (id != ids.size() + 1) {
          throw new IllegalArgumentException("data keys out of sequence: " + id + " after " + ids.size());
        }
        ids.add(id);
        created.add(Long.parseLong(field(parts[1], "created=")));
        wrapped.add(Base64.getDecoder().decode(field(parts[2], "wrapped=")));
      }
      if (ids.isEmpty() || current < 1 || current > ids.size()) {
        throw new IllegalArgumentException("current data key " + current + " is not one of 1.." + ids.size());
      }
      return new Parsed(archiveId, masterId, current, ids, created, wrapped);
    } catch (IllegalArgumentException e) {
      throw new CorruptObjectException(name, "keyring field malformed", e);
    }
  }

  private static String field(String line, String prefix) {
    if (!line.startsWith(prefix)) {
      throw new IllegalArgumentException("expected " + prefix + "…");
    }
    return line.substring(prefix.length());
  }

  /**
   * Reads {@code keysDir/keyring} and unwraps its data keys with the master key it names, found in
   * {@code source}.
   *
   * @throws MasterKeyException if that master key is not in {@code source}, or does not unwrap the
   *     data keys (a wrong key with a colliding id, or a damaged keyring); the message names the key
   *     id and where it was looked for
   * @throws CorruptObjectException if the keyring is damaged or belongs to another archive
   */
  public static KeyRing open(Path keysDir, String archiveId, MasterKeySource source) throws IOException {
    Path file = keysDir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw new MasterKeyException("the archive is encrypted but its keyring " + file + " is missing: restore it from backup");
    }
    Files.deleteIfExists(keysDir.resolve(TEMP_FILE)); // an interrupted rotation's leftover
    Parsed p = parse(file);
    if (!p.archiveId().equals(archiveId)) {
      throw new CorruptObjectException("keys/" + FILE, "keyring belongs to another archive", archiveId, p.archiveId());
    }
    MasterKey master = null;
    List<String> seen = new ArrayList<>();
    for (MasterKey k : source.keys()) {
      seen.add(k.id() + " (" + k.origin() + ")");
      if (k.id().equals(p.masterId())) {
        master = k;
        break;
      }
    }
    if (master == null) {
      throw new MasterKeyException("the archive is encrypted and needs master key " + p.masterId()
          + ", which was not found. Looked in: " + source.where() + ". "
          + (seen.isEmpty() ? "No master key was found there" : "Found only " + String.join(", ", seen))
          + ". Restore the key file from backup into the keys directory, or set $" + MasterKeySource.ENV_KEY_FILE
          + " to it.");
    }
    Map<Integer, byte[]> keys = new LinkedHashMap<>();
    Map<Integer, Long> created = new LinkedHashMap<>();
    for (int i = 0; i < p.ids().size(); i++) {
      int id = p.ids().get(i);
      try {
        keys.put(id, master.unwrap(p.wrapped().get(i), wrapAad(archiveId, id)));
      } catch (GeneralSecurityException e) {
        throw new MasterKeyException("master key " + master.id() + " (" + master.origin() + ") does not unwrap data key "
            + id + " of keys/" + FILE + ": the keyring is damaged or the key is not this archive's", e);
      }
      created.put(id, p.created().get(i));
    }
    return new KeyRing(archiveId, p.masterId(), p.current(), keys, created);
  }

  /**
   * How many data keys {@code keysDir/keyring} holds (a keyring gains one at every rotation, so the
   * larger count is the newer keyring), or -1 if there is no readable keyring there.
   */
  public static int dataKeyCountOf(Path keysDir) {
    try {
      return parse(keysDir.resolve(FILE)).ids().size();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The master key id named in {@code keysDir/keyring}, or null if there is no readable keyring. */
  public static String masterIdOf(Path keysDir) {
    try {
      return parse(keysDir.resolve(FILE)).masterId();
    } catch (IOException e) {
      return null;
    }
  }
}
