package dev.coffer.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Runs a child process to completion, timing it from start to exit. */
final class Proc {
  private Proc() {}

  /**
   * What a child process did.
   *
   * @param seconds wall time from start to exit
   */
  record Result(List<String> command, int exit, String out, String err, double seconds) {
    /** Fails with the command, its exit status and the tail of its error output unless it exited 0. */
    Result ok() {
      if (exit != 0) {
        String tail = err.length() > 2000 ? err.substring(err.length() - 2000) : err;
        throw new IllegalStateException("command failed with exit " + exit + ": " + String.join(" ", command)
            + "\n" + tail);
      }
      return this;
    }
  }

  static Result run(List<String> command, Path dir, Map<String, String> env) throws IOException {
    Path out = Files.createTempFile("coffer-bench-out", ".txt");
    Path err = Files.createTempFile("coffer-bench-err", ".txt");
    try {
      ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      if (dir != null) {
        pb.directory(dir.toFile());
      }
      pb.environment().putAll(env);
      long start = System.nanoTime();
      Process p = pb.start();
      int exit;
      try {
        exit = p.waitFor();
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while running " + command, e);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      return new Result(command, exit, Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8), seconds);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  static Result run(List<String> command) throws IOException {
    return run(command, null, Map.of());
  }
}
