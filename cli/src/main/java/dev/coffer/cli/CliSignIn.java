package dev.coffer.cli;

import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.model.Audit;
import dev.coffer.model.Ids;
import dev.coffer.model.Party;
import dev.coffer.model.Source;
import dev.coffer.web.SignInLocks;
import dev.coffer.web.auth.Authenticator;
import dev.coffer.web.auth.Passwords;
import dev.coffer.web.auth.Role;
import dev.coffer.web.auth.Totp;
import dev.coffer.web.auth.User;
import dev.coffer.web.auth.UserStore;
import java.io.Console;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Signs a person in on the command line as one of the web app's users ({@code --as USER}): the same
 * user database ({@code <data>/web/users.json}, Argon2id), the same second factor (TOTP, when the user
 * has one) and the same lockout count ({@link SignInLocks}, {@code web/sign-in.sealed}) as the web sign-in. The password comes from
 * {@code $COFFER_PASSWORD} or is read from the terminal without echo; the TOTP code from
 * {@code $COFFER_TOTP} or the terminal. Never from an argument: arguments are visible to every user of
 * the machine ({@code ps}) and kept in shell histories.
 *
 * <p>Every refusal is an {@code audit} record in the archive (action {@code sign-in-refused}, or
 * {@code lockout} for the failure that locks the name, sender the name tried, {@code via=cli}) and
 * counts toward the name's lockout. This is an application control: whoever holds the data directory
 * and the master key can read everything without Coffer (docs/retention.md).
 */
final class CliSignIn {
  /** Environment variable holding the password (for scripts; a terminal prompt otherwise). */
  static final String ENV_PASSWORD = "COFFER_PASSWORD";
  /** Environment variable holding the current TOTP code. */
  static final String ENV_TOTP = "COFFER_TOTP";

  private CliSignIn() {}

  /** A signed-in user and the archive role their web role maps to. */
  record SignedIn(String name, Role webRole, String archiveRole) {}

  /** Refused: wrong name, password or code, locked, disabled, or not yet usable. */
  static final class RefusedException extends RuntimeException {
    RefusedException(String message) {
      super(message);
    }
  }

  /**
   * The archive role a web role acts in on the command line (the same rights as the web app's
   * {@link Role#seesRestricted()}): supervisor and legal act as {@code compliance} (see restricted
   * records, restrict, set retention policy, holds, disposition); auditor as {@code auditor} (sees
   * restricted records, changes nothing); admin as {@code admin} and reviewer as {@code reviewer}
   * (neither sees restricted records).
   */
  static String archiveRole(Role role) {
    return switch (role) {
      case SUPERVISOR, LEGAL -> dev.coffer.archive.retention.Actor.COMPLIANCE;
      case AUDITOR -> "auditor";
      case ADMIN -> "admin";
      case REVIEWER -> "reviewer";
    };
  }

  static SignedIn signIn(Path dataDir, String name, Clock clock) throws IOException {
    if (!Archives.exists(dataDir)) {
      throw new dev.coffer.archive.NoArchiveException(dataDir);
    }
    dev.coffer.archive.crypto.Encryption encryption = Archives.encryption(dataDir,
        dev.coffer.archive.crypto.MasterKeySource.standard(dataDir));
    SignInLocks lockouts = SignInLocks.open(dataDir, encryption, clock);
    UserStore users = UserStore.open(dataDir, encryption, new Passwords(), clock);
    if (lockouts.locked(name)) {
      refuse(dataDir, name, "sign-in-refused", "locked", lockouts,
          "user '" + name + "' is locked after too many failed sign-ins until " + lockouts.lockedUntil(name), false);
    }
    char[] password = secret(ENV_PASSWORD, "Password for " + name + ": ");
    if (password == null) {
      refuse(dataDir, name, "sign-in-refused", "no password given", null, "--as " + name + " needs the user's password: "
          + "run at a terminal, or set $" + ENV_PASSWORD, false);
    }
    Authenticator.Outcome outcome;
    try {
      outcome = Authenticator.local(users).authenticate(name, password);
    } finally {
      Arrays.fill(password, '\0');
    }
    if (outcome instanceof Authenticator.Outcome.Refused r) {
      refuse(dataDir, name, null, r.reason(), lockouts, "sign-in as '" + name
          + "' refused: the user name or password is not right, or the user is disabled", true);
    }
    User u = ((Authenticator.Outcome.Accepted) outcome).user();
    if (u.mustChangePassword()) {
      refuse(dataDir, name, "sign-in-refused", "one-time password not yet changed", null, "user '" + name
          + "' still has a one-time password: sign in to the web app and choose a password first", false);
    }
    if (u.totpRequired() && !u.totpEnrolled()) {
      refuse(dataDir, name, "sign-in-refused", "second factor required but not enrolled", null, "user '" + name
          + "' must enrol a second factor in the web app first", false);
    }
    if (u.totpEnrolled()) {
      char[] code = secret(ENV_TOTP, "Authenticator code for " + name + ": ");
      boolean ok = code != null && Totp.matchingStep(u.totpSecret(), new String(code), clock.instant()).isPresent();
      if (!ok) {
        refuse(dataDir, name, null, code == null ? "no second-factor code given" : "wrong code", lockouts,
            "sign-in as '" + name + "' refused: the authenticator code is missing or not right (set $" + ENV_TOTP
                + " or run at a terminal)", true);
      }
    }
    lockouts.succeeded(name);
    return new SignedIn(u.name(), u.role(), archiveRole(u.role()));
  }

  /** The value of {@code env}, else read without echo from a terminal; null when neither is there. */
  private static char[] secret(String env, String prompt) {
    String v = Environment.get(env);
    if (v != null && !v.isEmpty()) {
      return v.toCharArray();
    }
    Console console = System.console();
    if (console == null || !isTerminal(console)) {
      return null;
    }
    char[] typed = console.readPassword("%s", prompt);
    return typed == null || typed.length == 0 ? null : typed;
  }

  /** Console.isTerminal (Java 22+) where there is one; on 21 a non-null console is a terminal. */
  private static boolean isTerminal(Console console) {
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }

  /**
   * Audits the refusal, counts it toward the lock when {@code lockouts} is given, and throws.
   *
   * @param action null for a counted failure: {@code lockout} when it locks the name, else {@code sign-in-failed}
   */
  private static void refuse(Path dataDir, String name, String action, String reason, SignInLocks lockouts,
      String message, boolean counts) throws IOException {
    boolean lockedNow = counts && lockouts != null && lockouts.failed(name);
    String a = action != null ? action : lockedNow ? "lockout" : "sign-in-failed";
    Map<String, String> detail = new LinkedHashMap<>();
    detail.put("reason", reason);
    detail.put("via", "cli");
    detail.put("os_user", Actor.current().name());
    Instant now = Instant.now();
    try (Archive archive = Archives.open(dataDir, ArchiveOptions.defaults())) {
      String id = Ids.derive("coffer/audit", name, now.toString(), a, UUID.randomUUID().toString());
      archive.append(List.of(new Audit(id, "coffer", null, new Party(name, null), now, null, a, List.of(), detail,
          Actor.current().host(), new Source("coffer-cli", null, null, null, null))));
    }
    throw new RefusedException(message + (lockedNow ? "; the user is now locked" : ""));
  }
}
