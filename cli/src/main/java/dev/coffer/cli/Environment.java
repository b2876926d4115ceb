package dev.coffer.cli;

import java.util.Map;

/**
 * The environment variables a command reads for secrets and identity ($COFFER_USER,
 * $COFFER_PASSWORD, $COFFER_TOTP): the process environment, or the map a caller of
 * {@link Coffer#execute(String[], java.io.PrintWriter, java.io.PrintWriter, Map)} gives for one run
 * (tests run the CLI in-process, where the process environment cannot be changed).
 */
final class Environment {
  private static final ThreadLocal<Map<String, String>> OVERRIDE = new ThreadLocal<>();

  private Environment() {}

  static String get(String name) {
    Map<String, String> o = OVERRIDE.get();
    return o != null ? o.get(name) : System.getenv(name);
  }

  /** Runs {@code body} with {@code env} in place of the process environment on this thread. */
  static int with(Map<String, String> env, java.util.function.IntSupplier body) {
    Map<String, String> before = OVERRIDE.get();
    OVERRIDE.set(Map.copyOf(env));
    try {
      return body.getAsInt();
    } finally {
      if (before == null) {
        OVERRIDE.remove();
      } else {
        OVERRIDE.set(before);
      }
    }
  }
}
