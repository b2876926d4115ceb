package dev.coffer.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs the built {@code coffer} CLI as a child JVM, the way {@code ./coffer} does, but without its
 * rebuild check: a rebuild in the middle of a measurement would be measured too.
 */
final class Cli {
  private final Path root;
  private final Path cliDir;
  private final Path java;

  /** @param cliDir a directory holding {@code coffer-cli.jar} and {@code lib/} */
  Cli(Path root, Path cliDir) {
    this.root = root;
    this.cliDir = cliDir;
    this.java = Path.of(System.getProperty("java.home"), "bin", "java");
  }

  Path java() {
    return java;
  }

  Proc.Result run(String... args) throws IOException {
    return run(List.of(), args);
  }

  /** Runs the CLI with extra JVM options (heap limit, GC log, JFR) before the class name. */
  Proc.Result run(List<String> jvmOptions, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(java.toString());
    cmd.addAll(jvmOptions);
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    cmd.add("-Djava.util.logging.config.file=" + root.resolve("cli/src/main/config/logging.properties"));
    cmd.add("-cp");
    cmd.add(cliDir.resolve("coffer-cli.jar") + ":" + cliDir.resolve("lib/*"));
    cmd.add("dev.coffer.cli.Coffer");
    cmd.addAll(List.of(args));
    return Proc.run(cmd, root, Map.of());
  }
}
