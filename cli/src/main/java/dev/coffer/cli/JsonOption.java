package dev.coffer.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** The {@code --json} option shared by commands whose result is a report, and the output it selects. */
final class JsonOption {
  @Option(names = "--json", description = "Print machine-readable JSON.")
  boolean json;

  /** Human text, or one JSON document with {@code --json}, on the command's streams. */
  Output output(CommandSpec spec) {
    return new Output(spec.commandLine().getOut(), spec.commandLine().getErr(), json);
  }
}
