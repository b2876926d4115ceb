package dev.coffer.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --data DIR} option shared by every command that works on an archive. */
final class DataDirOption {
  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "Archive data directory (default: $COFFER_DATA, then ./coffer-data).")
  Path data;

  /** The directory to use: the option, else $COFFER_DATA, else ./coffer-data. */
  Path resolve() {
    if (data != null) {
      return data.toAbsolutePath().normalize();
    }
    String env = System.getenv("COFFER_DATA");
    if (env != null && !env.isBlank()) {
      return Path.of(env).toAbsolutePath().normalize();
    }
    return Path.of("coffer-data").toAbsolutePath().normalize();
  }
}
