package dev.coffer.cli;

import java.util.Set;
import picocli.CommandLine.Option;

/**
 * The {@code --as-role ROLE} option: the role the person at the terminal acts in. It is recorded in
 * every audit record the command writes, and decides whether restricted records are shown (only to
 * {@code compliance}) and whether a record may be restricted.
 *
 * <p>Asserted, not authenticated: the CLI runs as an operating-system user who can read the data
 * directory, so it has no stronger way to know a role. It keeps honest people from seeing restricted
 * records by accident and makes every use of the compliance role evidence (who, when, from where).
 * Authenticated roles are the server's job (sign-in).
 */
final class RoleOption {
  static final Set<String> ROLES = Set.of("reviewer", "compliance", "admin", "auditor");

  @Option(names = "--as-role", paramLabel = "ROLE",
      description = "Role you act in: reviewer (default, or $COFFER_ROLE), compliance, admin, auditor. "
          + "Recorded in the audit trail; restricted records are shown only to compliance.")
  String role;

  String resolve() {
    String r = role;
    if (r == null) {
      String env = System.getenv("COFFER_ROLE");
      r = env == null || env.isBlank() ? "reviewer" : env.strip();
    }
    if (!ROLES.contains(r)) {
      throw new IllegalArgumentException("--as-role must be one of " + new java.util.TreeSet<>(ROLES) + ", was '" + r + "'");
    }
    return r;
  }

  boolean compliance() {
    return resolve().equals(dev.coffer.archive.retention.Actor.COMPLIANCE);
  }

  /** The person running the command, in this role. */
  dev.coffer.archive.retention.Actor actor() {
    Actor a = Actor.current();
    return new dev.coffer.archive.retention.Actor(a.name(), a.host(), resolve());
  }
}
