package dev.coffer.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The training run the {@code ./coffer} launcher records an ahead-of-time cache from (JDK 25+,
 * {@code -XX:AOTCacheOutput}; see {@code scripts/aot.sh}): the commands people run most, each once,
 * in one JVM, in a scratch directory that is removed afterwards. The cache then holds those
 * commands' classes already loaded and linked, and their method profiles, so every later
 * {@code coffer} process starts with them instead of loading, linking and profiling them again.
 *
 * <p>Not a {@code coffer} command: the launcher runs this class directly. It writes nothing outside
 * the scratch directory and prints only a failure.
 */
final class AotTraining {
  private AotTraining() {}

  /** Entries in the training export: enough to reach the import's steady-state code paths. */
  static final int MESSAGES = 6_000;

  public static void main(String[] args) throws IOException {
    Path scratch = Files.createTempDirectory("coffer-aot-training-");
    int status;
    try {
      status = run(scratch);
    } finally {
      deleteTree(scratch);
    }
    if (status != 0) {
      System.err.println("coffer: AOT training run failed (exit " + status + ")");
    }
    System.exit(status);
  }

  /** Runs the commands in {@code scratch}; returns the first non-zero exit status, or 0. */
  static int run(Path scratch) {
    String data = scratch.resolve("data").toString();
    String group = scratch.resolve("group.txt").toString();
    String direct = scratch.resolve("direct.txt").toString();
    String[][] commands = {
      {"generate", "whatsapp", "--messages", Integer.toString(MESSAGES), "--seed", "3", "--participants", "200",
          "--out", group},
      {"generate", "whatsapp", "--messages", "500", "--seed", "4", "--participants", "2", "--locale", "zh",
          "--platform", "ios", "--out", direct},
      {"init", "--data", data},
      {"import", "whatsapp", group, "--zone", "UTC", "--data", data, "--json"},
      {"import", "whatsapp", direct, "--zone", "Asia/Shanghai", "--data", data},
      {"search", "meeting", "--data", data, "--json"},
      {"verify", "--data", data, "--json"},
    };
    PrintWriter quiet = new PrintWriter(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
    for (String[] c : commands) {
      int status = Coffer.execute(c, quiet, quiet);
      if (status != 0 && status != 3) { // 3: imported with unparsed lines, which a generated export may have
        return status;
      }
    }
    return 0;
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
