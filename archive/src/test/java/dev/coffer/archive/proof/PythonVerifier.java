package dev.coffer.archive.proof;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code tools/verify_proof.py} (found by walking up from the module directory) with python3. */
public final class PythonVerifier {
  /** Exit status and the line printed. */
  public record Result(int status, String output) {}

  private PythonVerifier() {}

  /** The repository's root: the nearest ancestor of the working directory holding tools/verify_proof.py. */
  public static Path repoRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("tools/verify_proof.py"))) {
        return p;
      }
    }
    throw new IllegalStateException("tools/verify_proof.py not found above " + Path.of("").toAbsolutePath());
  }

  /** Runs the tool on one proof file. */
  public static Result verify(Path proofFile) throws IOException, InterruptedException {
    return run(List.of(repoRoot().resolve("tools/verify_proof.py").toString(), proofFile.toString()));
  }

  /**
   * Runs the tool once on many files (starting python costs about a second on a busy CI machine).
   * Its output has one line per file, {@code FILE: OK: ...} or {@code FILE: FAILED: ...}.
   */
  public static Result verifyAll(List<Path> proofFiles) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>();
    args.add(repoRoot().resolve("tools/verify_proof.py").toString());
    proofFiles.forEach(f -> args.add(f.toString()));
    return run(args);
  }

  /** Runs python3 with these arguments in the repository root. */
  public static Result run(List<String> args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add("python3");
    cmd.add("-I"); // isolated: no user site-packages or PYTHON* variables, standard library only
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).directory(repoRoot().toFile()).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("python3 did not finish: " + cmd);
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8).strip());
  }
}
