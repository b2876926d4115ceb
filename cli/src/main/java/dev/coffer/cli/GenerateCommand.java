package dev.coffer.cli;

import dev.coffer.connectors.whatsapp.export.ExportGenerator;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = "Generate realistic synthetic input, deterministic for a seed (for demos, tests and benchmarks).",
    subcommands = {GenerateCommand.WhatsApp.class})
final class GenerateCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "whatsapp",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Write a synthetic WhatsApp chat export: multi-line texts, emoji, Chinese, media attached and "
            + "omitted, system events, deleted and edited messages, polls, locations, calls; a direct chat "
            + "or a group of up to 200. The same options always give the same bytes. Streams: any size."
      })
  static final class WhatsApp implements Callable<Integer> {
    @Option(names = "--messages", required = true, paramLabel = "N", description = "Number of entries (messages, system lines, calls).")
    long messages;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--platform", defaultValue = "android", paramLabel = "P", description = "android or ios (default: ${DEFAULT-VALUE}).")
    String platform;

    @Option(names = "--locale", defaultValue = "en", paramLabel = "L", description = "en, de, fr, es, it, pt, nl, ru or zh (default: ${DEFAULT-VALUE}).")
    String locale;

    @Option(names = "--participants", defaultValue = "12", paramLabel = "N", description = "2 for a direct chat, 3-200 for a group (default: ${DEFAULT-VALUE}).")
    int participants;

    @Option(names = "--zip", description = "Write a .zip with media files, as 'Export chat > Include media' does.")
    boolean zip;

    @Option(names = "--out", paramLabel = "FILE", description = "Write to FILE (refuses to overwrite) instead of standard output.")
    Path out;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      ExportGenerator.Platform p = switch (platform.toLowerCase(java.util.Locale.ROOT)) {
        case "android" -> ExportGenerator.Platform.ANDROID;
        case "ios" -> ExportGenerator.Platform.IOS;
        default -> throw new IllegalArgumentException("--platform must be android or ios, not '" + platform + "'");
      };
      ExportGenerator generator = new ExportGenerator(new ExportGenerator.Options(messages, seed, p, locale, participants, zip));
      if (out == null) {
        if (zip) {
          throw new IllegalArgumentException("--zip needs --out FILE (a zip is not written to a terminal)");
        }
        OutputStream stdout = new BufferedOutputStream(System.out, 1 << 16);
        generator.writeText(stdout);
        stdout.flush();
        return Coffer.OK;
      }
      try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(out, StandardOpenOption.CREATE_NEW), 1 << 16)) {
        if (zip) {
          generator.writeZip(o);
        } else {
          generator.writeText(o);
        }
      }
      spec.commandLine().getErr().println("Wrote " + out + " (" + Files.size(out) + " bytes; chat title '"
          + generator.title() + "'; WhatsApp would name it '" + generator.fileName() + "')");
      return Coffer.OK;
    }
  }
}
