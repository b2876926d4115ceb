package dev.coffer.cli;

import dev.coffer.archive.Archives;
import dev.coffer.archive.Mirrors;
import dev.coffer.archive.NoArchiveException;
import dev.coffer.archive.layout.ArchiveLayout;
import dev.coffer.archive.layout.MirrorConfig;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "mirror",
    mixinStandardHelpOptions = true,
    description = {
      "The archive's redundant copy: every object also written to a second, independent directory.",
      "Check both copies with 'coffer verify --mirror'; repair the primary with 'coffer restore --from-mirror'."
    },
    subcommands = {MirrorCommand.Add.class, MirrorCommand.Status.class})
final class MirrorCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = {
        "Make DIR the archive's mirror: copy every existing object (and the manifest and keys) there, then "
            + "write every new object to both. DIR must be outside the data directory. Refused while a writer "
            + "has the archive open. Audited."
      })
  static final class Add implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "The mirror's directory (created if needed).")
    Path location;

    @Option(names = "--policy", paramLabel = "both|primary", defaultValue = "both",
        description = "When a write is acknowledged: 'both' (after both copies are durable, the default) or "
            + "'primary' (after the primary; the mirror catches up from a persisted queue).")
    String policy;

    @Mixin DataDirOption data;

    @Mixin JsonOption jsonOption;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Output output = jsonOption.output(spec);
      Path dir = data.resolve();
      if (!Archives.exists(dir)) {
        throw new NoArchiveException(dir);
      }
      Actor actor = Actor.current();
      Mirrors.Added added = Mirrors.add(dir, location, MirrorConfig.policy(policy), actor.name(), actor.host());
      report(output, added);
      return Coffer.OK;
    }
  }

  static void report(Output output, Mirrors.Added added) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mirror", added.location().toString());
    m.put("policy", added.policy().name().toLowerCase(java.util.Locale.ROOT));
    m.put("objects_copied", added.copied());
    m.put("objects_already_there", added.alreadyThere());
    m.put("bytes_copied", added.bytesCopied());
    output.json(m);
    output.line("Mirror at " + added.location() + " (" + m.get("policy") + " policy): copied " + added.copied()
        + " objects (" + added.bytesCopied() + " bytes), " + added.alreadyThere() + " already there.");
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = {"Where the mirror is, its policy, and how many writes are queued for it (the lag)."})
  static final class Status implements Callable<Integer> {
    @Mixin DataDirOption data;

    @Mixin JsonOption jsonOption;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Output output = jsonOption.output(spec);
      Path dir = data.resolve();
      if (!Archives.exists(dir)) {
        throw new NoArchiveException(dir);
      }
      Optional<MirrorConfig> config = MirrorConfig.read(dir);
      long pending = 0;
      long oldest = Long.MAX_VALUE;
      Path queue = dir.resolve(ArchiveLayout.MIRROR_QUEUE);
      if (Files.isDirectory(queue)) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(queue)) {
          for (Path p : ds) {
            pending++;
            oldest = Math.min(oldest, Files.getLastModifiedTime(p).toMillis());
          }
        }
      }
      long lag = pending == 0 ? 0 : Math.max(0, System.currentTimeMillis() - oldest);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("mirror", config.map(c -> c.location().toString()).orElse(null));
      m.put("policy", config.map(c -> c.policy().name().toLowerCase(java.util.Locale.ROOT)).orElse(null));
      m.put("pending_writes", pending);
      m.put("lag_ms", lag);
      output.json(m);
      if (config.isEmpty()) {
        output.line("No mirror. Add one with: coffer mirror add DIR --data " + dir);
      } else {
        output.line("Mirror at " + config.get().location() + " (" + m.get("policy") + " policy): " + pending
            + " write(s) queued" + (pending == 0 ? "" : ", oldest " + lag + " ms ago") + ".");
      }
      return Coffer.OK;
    }
  }
}
