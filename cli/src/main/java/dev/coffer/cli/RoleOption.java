package dev.coffer.cli;

import dev.coffer.archive.retention.Actor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import picocli.CommandLine.Option;

/**
 * The {@code --as USER} option: who the person at the terminal is, authenticated as one of the web
 * app's users ({@link CliSignIn}: password, second factor, lockout, every refusal audited). Their web
 * role decides the archive role they act in ({@link CliSignIn#archiveRole}): whether restricted records
 * are shown (compliance and auditor) and whether compliance acts (restrict, retention policy, holds,
 * disposition) are allowed (compliance only). Without {@code --as} the operating-system user acts as
 * {@code reviewer}: restricted records stay hidden and compliance acts are refused.
 *
 * <p>This is an application control, not a boundary against the machine: whoever can read the data
 * directory and the master key can decrypt everything without Coffer.
 */
final class RoleOption {
  @Option(names = "--as", paramLabel = "USER",
      description = "Act as this web app user (or $COFFER_USER), authenticated by password ($COFFER_PASSWORD or "
          + "typed at the terminal) and authenticator code when enrolled ($COFFER_TOTP or typed). Their role decides "
          + "what you may see and do: supervisor/legal act as compliance, auditor sees restricted records, "
          + "admin/reviewer do not. Without it you act as reviewer.")
  String user;

  @Option(names = "--as-role", hidden = true, paramLabel = "ROLE")
  String assertedRole;

  private CliSignIn.SignedIn signedIn;
  private boolean checked;

  /**
   * Authenticates {@code --as USER} against the data directory's users, once; without {@code --as}
   * there is nothing to check. Call before any other method.
   *
   * @throws CliSignIn.RefusedException if the sign-in is refused (audited)
   * @throws IllegalArgumentException if the removed {@code --as-role} was given
   */
  void signIn(Path dataDir) throws IOException {
    if (checked) {
      return;
    }
    if (assertedRole != null) {
      throw new IllegalArgumentException("--as-role is no longer accepted (a role was taken on the operator's word): "
          + "use --as USER, a web app user whose role grants it");
    }
    String name = user != null ? user : Environment.get("COFFER_USER");
    if (name != null && !name.isBlank()) {
      signedIn = CliSignIn.signIn(dataDir, name.strip(), Clock.systemUTC());
    }
    checked = true;
  }

  /** The archive role acted in: {@code reviewer} without {@code --as}. */
  String resolve() {
    if (!checked) {
      throw new IllegalStateException("RoleOption.signIn was not called");
    }
    return signedIn == null ? "reviewer" : signedIn.archiveRole();
  }

  /** True if the signed-in user may act as compliance (restrict, policies, holds, disposition). */
  boolean compliance() {
    return resolve().equals(Actor.COMPLIANCE);
  }

  /** True if restricted records are shown to this user (compliance and auditor). */
  boolean seesRestricted() {
    return compliance() || resolve().equals("auditor");
  }

  /**
   * Refuses a compliance act unless the signed-in user acts as compliance.
   *
   * @throws CliSignIn.RefusedException naming what is needed
   */
  void requireCompliance(String what) {
    if (!compliance()) {
      throw new CliSignIn.RefusedException(what + " needs a user whose role acts as compliance (supervisor or legal): "
          + (signedIn == null ? "use --as USER" : "'" + signedIn.name() + "' is " + signedIn.webRole().label()));
    }
  }

  /** Who runs the command, for audit records: the signed-in user, else the operating-system user. */
  dev.coffer.cli.Actor who() {
    dev.coffer.cli.Actor os = dev.coffer.cli.Actor.current();
    return signedIn == null ? os : new dev.coffer.cli.Actor(signedIn.name(), os.host());
  }

  /** The person running the command, in their role. */
  Actor actor() {
    dev.coffer.cli.Actor a = who();
    return new Actor(a.name(), a.host(), resolve());
  }
}
