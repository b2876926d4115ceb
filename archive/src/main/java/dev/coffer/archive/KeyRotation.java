package dev.coffer.archive;

import dev.coffer.archive.crypto.KeyRing;
import dev.coffer.archive.crypto.MasterKey;
import dev.coffer.archive.crypto.MasterKeyFile;
import dev.coffer.archive.layout.ArchiveLayout;
import dev.coffer.archive.store.CorruptObjectException;
import dev.coffer.model.Audit;
import dev.coffer.model.Ids;
import dev.coffer.model.Party;
import dev.coffer.model.Source;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A key rotation that leaves evidence whatever the crash point. The keyring swap is bracketed by a
 * durable intent and two audit records:
 *
 * <ol>
 *   <li>{@code keys/rotation.pending} (the intent: old and new master key ids, the new data key's
 *       number, who, from where) is written atomically and synced;
 *   <li>the new master key file is written (unless one was supplied);
 *   <li>an audit record {@code keys.rotate.begin} is appended (durable when it returns);
 *   <li>the keyring is replaced atomically ({@link KeyRing#rotate});
 *   <li>an audit record {@code keys.rotate} is appended;
 *   <li>the intent file is deleted.
 * </ol>
 *
 * Opening the archive finds a left-over intent ({@link #recover}) and compares it with the keyring on
 * disk: if the keyring is the new one, the rotation happened and its records are appended (each has an
 * id derived from the rotation, so a record the crashed process already appended is not repeated; the
 * recovered ones say {@code recovered=true}); if the keyring is still the old one, the rotation did not
 * happen and a {@code keys.rotate.abandoned} record says so. Either way the {@code recover} audit
 * record of that open names it. A crash before the intent is durable changed nothing.
 */
final class KeyRotation {
  private static final Logger LOG = LoggerFactory.getLogger(KeyRotation.class);

  /** The intent file in {@code keys/}. */
  static final String PENDING = ArchiveLayout.KEY_ROTATION_INTENT;
  static final String ACTION_BEGIN = "keys.rotate.begin";
  static final String ACTION_DONE = "keys.rotate";
  static final String ACTION_ABANDONED = "keys.rotate.abandoned";
  private static final String FIRST_LINE = "coffer-key-rotation/1";

  /** The points a test may crash at: each is reached after the step it names is durable. */
  enum Step {
    INTENT_WRITTEN,
    KEY_FILE_WRITTEN,
    BEGIN_AUDITED,
    KEYRING_SWAPPED,
    DONE_AUDITED
  }

  /** Called after each step; a test throws from it to simulate a crash there. */
  interface Steps {
    Steps NONE = step -> {};

    void reached(Step step) throws IOException;
  }

  /** What the intent file holds. */
  record Intent(String archiveId, String oldMaster, String newMaster, String newMasterOrigin, int newDataKey,
      String actor, String host, long startedMillis) {

    /** The id of this rotation's record with {@code action}: the same whichever process appends it. */
    String recordId(String action) {
      return Ids.derive("coffer/" + action, archiveId, oldMaster, newMaster, Integer.toString(newDataKey));
    }

    byte[] render() {
      String body = FIRST_LINE + "\n"
          + "archive-id=" + archiveId + "\n"
          + "old-master=" + oldMaster + "\n"
          + "new-master=" + newMaster + "\n"
          + "new-master-origin=" + oneLine(newMasterOrigin) + "\n"
          + "new-data-key=" + newDataKey + "\n"
          + "actor=" + oneLine(actor) + "\n"
          + "host=" + oneLine(host == null ? "" : host) + "\n"
          + "started=" + startedMillis + "\n";
      return (body + "crc32c=" + crc(body) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    static Intent parse(Path file) throws IOException {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      int c = text.lastIndexOf("crc32c=");
      String[] lines = text.split("\n", -1);
      if (c < 0 || !lines[0].equals(FIRST_LINE) || lines.length != 11
          || !text.substring(c).equals("crc32c=" + crc(text.substring(0, c)) + "\n")) {
        throw new CorruptObjectException(ArchiveLayout.KEYS + "/" + PENDING, "key rotation intent damaged or incomplete",
            null, null);
      }
      Map<String, String> f = new LinkedHashMap<>();
      for (int i = 1; i < 9; i++) {
        int eq = lines[i].indexOf('=');
        f.put(lines[i].substring(0, eq), lines[i].substring(eq + 1));
      }
      return new Intent(f.get("archive-id"), f.get("old-master"), f.get("new-master"), f.get("new-master-origin"),
          Integer.parseInt(f.get("new-data-key")), f.get("actor"), f.get("host").isEmpty() ? null : f.get("host"),
          Long.parseLong(f.get("started")));
    }

    private static String oneLine(String s) {
      return s.replace('\n', ' ').replace('\r', ' ');
    }

    private static String crc(String body) {
      CRC32C crc = new CRC32C();
      crc.update(body.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().toHexDigits((int) crc.getValue());
    }
  }

  private KeyRotation() {}

  static Archives.Rotation rotate(Archive archive, MasterKey newMaster, String actor, String host, Steps steps)
      throws IOException {
    Path keysDir = archive.directory().resolve(ArchiveLayout.KEYS);
    if (Files.exists(keysDir.resolve(PENDING))) {
      throw new IllegalStateException("a key rotation is pending in " + keysDir.resolve(PENDING)
          + " (an earlier one was interrupted): reopen the archive to finish it first");
    }
    KeyRing ring = archive.encryption().keyRing(); // the file's contents: the archive holds the lock
    long now = System.currentTimeMillis();
    MasterKeyFile generated = newMaster == null ? MasterKeyFile.generate(now) : null;
    MasterKey master = generated != null ? generated : newMaster;
    if (master.id().equals(ring.masterId())) {
      throw new IllegalArgumentException("the new master key " + master.id() + " is the current one");
    }
    String origin = generated != null ? keysDir.resolve(generated.fileName()).toString() : master.origin();
    Intent intent = new Intent(archive.archiveId(), ring.masterId(), master.id(), origin, ring.nextDataKeyId(), actor,
        host, now);
    writeAtomically(keysDir, PENDING, intent.render());
    steps.reached(Step.INTENT_WRITTEN);
    if (generated != null) {
      generated.writeTo(keysDir.resolve(generated.fileName()));
    }
    steps.reached(Step.KEY_FILE_WRITTEN);
    archive.append(List.of(record(intent, ACTION_BEGIN, archive.clock().instant(), false)));
    steps.reached(Step.BEGIN_AUDITED);
    KeyRing rotated = ring.rotate(keysDir, master, now);
    if (rotated.currentId() != intent.newDataKey()) {
      throw new IllegalStateException("rotation made data key " + rotated.currentId() + ", intent said " + intent.newDataKey());
    }
    steps.reached(Step.KEYRING_SWAPPED);
    String mirrorKeyring = Mirrors.copyKeyringToMirror(archive.directory());
    archive.append(List.of(withMirror(record(intent, ACTION_DONE, archive.clock().instant(), false), mirrorKeyring)));
    steps.reached(Step.DONE_AUDITED);
    Files.delete(keysDir.resolve(PENDING));
    syncDirectory(keysDir);
    LOG.info("archive {}: master key rotated from {} to {}; data key {} is current", archive.archiveId(), ring.masterId(),
        master.id(), rotated.currentId());
    return new Archives.Rotation(ring.masterId(), master.id(), origin, rotated.currentId());
  }

  /**
   * Finishes the evidence of an interrupted rotation at open (the archive holds the lock and has
   * recovered its segments): appends the rotation's records that are missing, notes it in
   * {@code recovery}, and removes the intent. Does nothing when no rotation was interrupted.
   */
  static void recover(SegmentedArchive archive, KeyRing ring, Recovery recovery) throws IOException {
    if (archive.directory() == null || ring == null) {
      return;
    }
    Path keysDir = archive.directory().resolve(ArchiveLayout.KEYS);
    Path pending = keysDir.resolve(PENDING);
    if (!Files.exists(pending)) {
      return;
    }
    Instant now = archive.clock().instant();
    Intent intent;
    try {
      intent = Intent.parse(pending);
    } catch (CorruptObjectException e) {
      // The intent is written to a temporary name and renamed: a damaged one was damaged afterwards.
      recovery.note("key_rotation", "an unreadable rotation intent (" + e.getMessage() + ") was removed; the keyring in use"
          + " is wrapped by master key " + ring.masterId() + " with data key " + ring.currentId() + " current");
      Files.delete(pending);
      syncDirectory(keysDir);
      return;
    }
    boolean swapped = ring.masterId().equals(intent.newMaster()) && ring.currentId() == intent.newDataKey();
    archive.append(List.of(record(intent, ACTION_BEGIN, now, true)));
    if (swapped) {
      String mirrorKeyring = Mirrors.copyKeyringToMirror(archive.directory());
      archive.append(List.of(withMirror(record(intent, ACTION_DONE, now, true), mirrorKeyring)));
      recovery.note("key_rotation", "an interrupted rotation from master key " + intent.oldMaster() + " to "
          + intent.newMaster() + " had replaced the keyring; its audit records were completed");
    } else {
      archive.append(List.of(record(intent, ACTION_ABANDONED, now, true)));
      boolean keyFile = Files.exists(keysDir.resolve("master-" + intent.newMaster() + ".key"));
      recovery.note("key_rotation", "an interrupted rotation from master key " + intent.oldMaster() + " to "
          + intent.newMaster() + " had not replaced the keyring; it was abandoned (the keyring is unchanged"
          + (keyFile ? "; the unused key file master-" + intent.newMaster() + ".key stays until 'coffer keys retire'" : "")
          + ")");
    }
    recovery.target(ArchiveLayout.KEYS + "/" + KeyRing.FILE);
    Files.delete(pending);
    syncDirectory(keysDir);
    LOG.warn("archive {}: an interrupted key rotation ({} -> {}) was {}", archive.archiveId(), intent.oldMaster(),
        intent.newMaster(), swapped ? "completed in the audit trail" : "abandoned");
  }

  private static Audit record(Intent intent, String action, Instant now, boolean recovered) {
    Map<String, String> detail = new LinkedHashMap<>();
    detail.put("old_master_key", intent.oldMaster());
    detail.put("new_master_key", intent.newMaster());
    detail.put("new_master_key_origin", intent.newMasterOrigin());
    detail.put("new_data_key", Integer.toString(intent.newDataKey()));
    detail.put("started", Instant.ofEpochMilli(intent.startedMillis()).toString());
    if (recovered) {
      detail.put("recovered", "true (appended when the archive was next opened: the rotating process stopped before it"
          + " could)");
    }
    return new Audit(intent.recordId(action), "coffer", null, new Party(intent.actor(), null), now, null, action,
        List.of(ArchiveLayout.KEYS + "/" + KeyRing.FILE), detail, intent.host(),
        new Source("coffer-archive", null, null, null, null));
  }

  private static Audit withMirror(Audit a, String mirrorKeyring) {
    if (mirrorKeyring == null) {
      return a;
    }
    Map<String, String> d = new LinkedHashMap<>(a.detail());
    d.put("mirror_keyring", mirrorKeyring);
    return new Audit(a.id(), a.channel(), a.conversation(), a.sender(), a.sentAt(), a.sourceTime(), a.action(),
        a.targets(), d, a.address(), a.source());
  }

  static void writeAtomically(Path dir, String name, byte[] bytes) throws IOException {
    Path tmp = dir.resolve(name + ".tmp");
    Files.deleteIfExists(tmp);
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(bytes));
      ch.force(true);
    }
    Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    syncDirectory(dir);
  }

  static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
