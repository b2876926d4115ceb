package dev.coffer.cli;

import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
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
      "Create an empty archive: its directory layout, its identity and the Ed25519 key that signs "
          + "its checkpoints. Refuses to touch an existing archive."
    })
final class InitCommand implements Callable<Integer> {
  @Mixin DataDirOption data;

  @Mixin JsonOption jsonOption;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Output output = jsonOption.output(spec);
    Path dir = data.resolve();
    if (Archives.exists(dir)) {
      output.warn("coffer: an archive already exists at " + dir + " (nothing changed)");
      return Coffer.FAILED;
    }
    try (Archive archive = Archives.create(dir, ArchiveOptions.defaults())) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("data", dir.toString());
      result.put("archive_id", archive.archiveId());
      output.json(result);
      output.line("Created an empty archive at " + dir);
      output.line("  archive id: " + archive.archiveId());
      output.line("Next: coffer import whatsapp FILE --zone ZONE --data " + dir);
    }
    return Coffer.OK;
  }
}
