package dev.coffer.cli;

import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.archive.crypto.Encryption;
import dev.coffer.archive.crypto.KeyRing;
import dev.coffer.archive.crypto.MasterKey;
import dev.coffer.archive.crypto.MasterKeyFile;
import dev.coffer.archive.crypto.MasterKeySource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code coffer keys}: the master and data keys of encryption at rest (docs/encryption.md). */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    description = {
      "Manage the keys that encrypt the archive at rest: a master key (a 0600 file in <data>/keys, "
          + "or $COFFER_MASTER_KEY / $COFFER_MASTER_KEY_FILE) wraps the data keys in <data>/keys/keyring. "
          + "Key bytes are never printed. See docs/encryption.md."
    },
    subcommands = {KeysCommand.List.class, KeysCommand.Rotate.class, KeysCommand.Retire.class, KeysCommand.New.class})
final class KeysCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  private static String time(long millis) {
    return millis < 0 ? "unknown" : Instant.ofEpochMilli(millis).toString();
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List the master keys found (id, created, fingerprint, where) and the data keys (id, created).")
  static final class List implements Callable<Integer> {
    @Mixin DataDirOption data;

    @Mixin JsonOption jsonOption;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Output output = jsonOption.output(spec);
      Path dir = data.resolve();
      MasterKeySource source = MasterKeySource.standard(dir);
      Encryption enc = Archives.encryption(dir, source);
      if (!enc.enabled()) {
        output.json(Map.of("encrypted", false));
        output.line("The archive at " + dir + " was created without encryption at rest: it has no keys.");
        return Coffer.OK;
      }
      KeyRing ring = enc.keyRing();
      java.util.List<Map<String, Object>> masters = new ArrayList<>();
      for (MasterKey k : source.keys()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", k.id());
        m.put("created", time(k.created()));
        m.put("fingerprint", k instanceof MasterKeyFile f ? f.fingerprint() : null);
        m.put("origin", k.origin());
        m.put("current", k.id().equals(ring.masterId()));
        masters.add(m);
      }
      java.util.List<Map<String, Object>> dataKeys = new ArrayList<>();
      for (KeyRing.DataKeyInfo d : ring.dataKeys()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", d.id());
        m.put("created", time(d.created()));
        m.put("current", d.id() == ring.currentId());
        dataKeys.add(m);
      }
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("encrypted", true);
      result.put("scheme", enc.scheme());
      result.put("master_keys", masters);
      result.put("data_keys", dataKeys);
      output.json(result);
      output.line("Encryption at rest: " + enc.scheme() + "; the keyring's data keys are wrapped by master key "
          + ring.masterId() + ".");
      output.line("Master keys found:");
      for (Map<String, Object> m : masters) {
        output.line(String.format("  %s%s  created %s  fingerprint %s  (%s)", m.get("id"),
            Boolean.TRUE.equals(m.get("current")) ? " [current]" : " [old]", m.get("created"), m.get("fingerprint"),
            m.get("origin")));
      }
      output.line("Data keys (wrapped in keys/" + KeyRing.FILE + "):");
      for (Map<String, Object> m : dataKeys) {
        output.line(String.format("  %s%s  created %s", m.get("id"), Boolean.TRUE.equals(m.get("current"))
            ? " [current: new content]" : "", m.get("created")));
      }
      return Coffer.OK;
    }
  }

  @Command(name = "rotate", mixinStandardHelpOptions = true,
      description = {
        "Introduce a new master key: every data key is re-wrapped under it (no content is rewritten) and a new "
            + "data key becomes current for content written from now on. The old master key file stays, "
            + "so older copies of the keyring (backups) still open, until 'coffer keys retire'. "
            + "The rotation is an audit record.",
        "Without --new-key-file a new key file is written into <data>/keys (back it up). With it, the key in "
            + "that file (made by 'coffer keys new') becomes current and stays where it is: point "
            + "$COFFER_MASTER_KEY_FILE at it from now on."
      })
  static final class Rotate implements Callable<Integer> {
    @Option(names = "--new-key-file", paramLabel = "FILE", description = "Use this master key file (from 'coffer keys new').")
    Path newKeyFile;

    @Mixin DataDirOption data;

    @Mixin JsonOption jsonOption;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Output output = jsonOption.output(spec);
      Path dir = data.resolve();
      MasterKey newKey = newKeyFile == null ? null : MasterKeyFile.read(newKeyFile);
      Archives.Rotation r;
      try (Archive archive = Archives.open(dir, ArchiveOptions.defaults())) {
        Actor actor = Actor.current();
        r = Archives.rotateKeys(archive, newKey, actor.name(), actor.host()); // audits itself, crash-safely
      }
      Map<String, Object> result = new LinkedHashMap<>(Map.of("old_master_key", r.oldMasterId(),
          "new_master_key", r.newMasterId(), "new_data_key", r.newDataKeyId()));
      result.put("new_master_key_origin", r.newMasterOrigin());
      output.json(result);
      output.line("Rotated: the data keys are now wrapped by master key " + r.newMasterId() + " (" + r.newMasterOrigin()
          + "); data key " + r.newDataKeyId() + " encrypts new content.");
      output.line("Back up the new key now. The old key " + r.oldMasterId()
          + " is no longer needed by the current keyring; retire it with: coffer keys retire " + r.oldMasterId());
      return Coffer.OK;
    }
  }

  @Command(name = "retire", mixinStandardHelpOptions = true,
      description = "Delete an old master key file from <data>/keys (never the one the keyring needs). An audit record.")
  static final class Retire implements Callable<Integer> {
    @Parameters(paramLabel = "ID", description = "The master key id (from 'coffer keys list').")
    String id;

    @Mixin DataDirOption data;

    @Mixin JsonOption jsonOption;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Output output = jsonOption.output(spec);
      Path dir = data.resolve();
      try (Archive archive = Archives.open(dir, ArchiveOptions.defaults())) {
        KeyRing ring = archive.encryption().keyRing();
        if (ring == null) {
          throw new IllegalArgumentException("the archive is not encrypted: no master keys to retire");
        }
        if (ring.masterId().equals(id)) {
          throw new IllegalArgumentException("master key " + id + " wraps the current keyring: rotate first");
        }
        Path file = dir.resolve("keys").resolve("master-" + id + ".key");
        if (!MasterKeyFile.isKeyFileName(file.getFileName().toString()) || !Files.isRegularFile(file)) {
          throw new IllegalArgumentException("no master key file " + file);
        }
        Files.delete(file);
        Workspace.audit(archive, Actor.current(), "keys.retire", java.util.List.of(), Map.of("master_key", id));
      }
      output.json(Map.of("retired", id));
      output.line("Retired master key " + id + " (its file is deleted; backups of it still open old keyring copies).");
      return Coffer.OK;
    }
  }

  @Command(name = "new", mixinStandardHelpOptions = true,
      description = "Write a new master key file (0600) outside the archive, for $COFFER_MASTER_KEY_FILE or "
          + "'coffer keys rotate --new-key-file'.")
  static final class New implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write it (refuses to overwrite).")
    Path out;

    @Mixin JsonOption jsonOption;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Output output = jsonOption.output(spec);
      MasterKeyFile k = MasterKeyFile.generate(System.currentTimeMillis());
      k.writeTo(out);
      output.json(Map.of("id", k.id(), "fingerprint", k.fingerprint(), "file", out.toAbsolutePath().toString()));
      output.line("Wrote master key " + k.id() + " (fingerprint " + k.fingerprint() + ") to " + out.toAbsolutePath());
      return Coffer.OK;
    }
  }
}
