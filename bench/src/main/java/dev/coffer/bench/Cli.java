package dev.coffer.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs the built {@code coffer} CLI as a child process through the {@code ./coffer} launcher users
 * run (its JDK lookup, JVM options and ahead-of-time cache included), pointed at a snapshot of the
 * jars with {@code COFFER_CLI_DIR}, which also skips its rebuild check: a rebuild in the middle of a
 * measurement would be measured too. {@code scripts/bench} makes the snapshot's AOT cache before the
 * run, so no measured command trains one.
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

  /**
   * Runs the CLI with extra JVM options (heap limit, GC log, JFR), passed as the launcher's
   * {@code COFFER_JAVA_OPTS} (so none of them may contain a space).
   */
  Proc.Result run(List<String> jvmOptions, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(root.resolve("coffer").toString());
    cmd.addAll(List.of(args));
    for (String o : jvmOptions) {
      if (o.contains(" ")) {
        throw new IllegalArgumentException("a JVM option for the launcher contains a space: " + o);
      }
    }
    return Proc.run(cmd, root, Map.of(
        "JAVA_HOME", java.getParent().getParent().toString(),
        "COFFER_CLI_DIR", cliDir.toString(),
        "COFFER_JAVA_OPTS", String.join(" ", jvmOptions),
        "COFFER_LOG", "warn"));
  }
}
