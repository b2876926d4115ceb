package dev.coffer.cli;

import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.archive.Mirrors;
import dev.coffer.archive.layout.MirrorConfig;
import dev.coffer.archive.store.MirroredObjectStore;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description = {
      "Create an empty archive: its directory layout, its identity, the Ed25519 key that signs "
          + "its checkpoints, and encryption at rest: a master key ($COFFER_MASTER_KEY or "
          + "$COFFER_MASTER_KEY_FILE if set, else a new 0600 key file in <data>/keys) wrapping the data keys. "
          + "Refuses to touch an existing archive."
    })
final class InitCommand implements Callable<Integer> {
  @Mixin DataDirOption data;

  @Mixin JsonOption jsonOption;

  @Spec CommandSpec spec;

  @Option(names = "--mirror", paramLabel = "DIR",
      description = "Also keep a redundant copy of every object in DIR (outside the data directory).")
  Path mirror;

  @Option(names = "--mirror-policy", paramLabel = "both|primary", defaultValue = "both",
      description = "When a write is acknowledged with a mirror: 'both' (default) or 'primary' (mirror catches up).")
  String mirrorPolicy;

  @Override
  public Integer call() throws Exception {
    Output output = jsonOption.output(spec);
    Path dir = data.resolve();
    if (Archives.exists(dir)) {
      output.warn("coffer: an archive already exists at " + dir + " (nothing changed)");
      return Coffer.FAILED;
    }
    MirroredObjectStore.Policy policy = MirrorConfig.policy(mirrorPolicy); // fail fast, before anything is created
    if (mirror != null) {
      new MirrorConfig(mirror.toAbsolutePath(), policy).checkIndependentOf(dir);
    }
    String archiveId;
    String master;
    try (Archive archive = Archives.create(dir, ArchiveOptions.defaults())) {
      archiveId = archive.archiveId();
      master = archive.encryption().keyRing().masterId();
    }
    Path keyFile = dir.resolve("keys").resolve("master-" + master + ".key");
    boolean inArchive = java.nio.file.Files.isRegularFile(keyFile);
    Mirrors.Added added = null;
    if (mirror != null) {
      Actor actor = Actor.current();
      added = Mirrors.add(dir, mirror, policy, actor.name(), actor.host());
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("data", dir.toString());
    result.put("archive_id", archiveId);
    result.put("mirror", added == null ? null : added.location().toString());
    result.put("master_key", master);
    result.put("master_key_file", inArchive ? keyFile.toString() : null);
    output.json(result);
    output.line("Created an empty archive at " + dir);
    output.line("  archive id: " + archiveId);
    output.line("  encrypted at rest under master key " + master
        + (inArchive ? " in " + keyFile : " (supplied by the environment)"));
    if (inArchive) {
      output.line("  Back up that key file somewhere else: without it the archive cannot be read (docs/encryption.md).");
    }
    if (added != null) {
      output.line("  mirror:     " + added.location() + " (" + mirrorPolicy + " policy)");
    }
    output.line("Next: coffer import whatsapp FILE --zone ZONE --data " + dir);
    return Coffer.OK;
  }
}
