package dev.coffer.cli;

import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.archive.NoArchiveException;
import dev.coffer.web.auth.Passwords;
import dev.coffer.web.auth.Role;
import dev.coffer.web.auth.User;
import dev.coffer.web.auth.UserStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code coffer users}: the web app's local users, from the command line (the first admin is made
 * here). Every change is an audit record in the archive; a one-time password is printed once and
 * only its Argon2id hash is kept.
 */
@Command(
    name = "users",
    mixinStandardHelpOptions = true,
    description = "Manage the web app's users (kept in web/users.sealed in the data directory, sealed with the archive's keys, owner-only).",
    subcommands = {
      UsersCommand.Add.class,
      UsersCommand.ListUsers.class,
      UsersCommand.Disable.class,
      UsersCommand.Enable.class,
      UsersCommand.ResetPassword.class,
      UsersCommand.EnableTotp.class,
    })
final class UsersCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Opens the user database of an existing archive. */
  static UserStore open(Path dir) throws IOException {
    if (!Archives.exists(dir)) {
      throw new NoArchiveException(dir);
    }
    return UserStore.open(dir, new Passwords(), Clock.systemUTC());
  }

  static void audit(Path dir, String action, Map<String, String> detail) throws IOException {
    try (Archive archive = Archives.open(dir, ArchiveOptions.defaults())) {
      Workspace.audit(archive, Actor.current(), action, List.of(), detail);
    }
  }

  static void printPassword(PrintWriter out, String name, char[] otp) {
    out.println("One-time password for " + name + ": " + new String(otp));
    out.println("It is shown once; " + name + " chooses their own password at first sign-in.");
    out.flush();
    Arrays.fill(otp, '\0');
  }

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = "Add a user and print a one-time password.")
  static final class Add implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", description = "Sign-in name: a-z 0-9 . _ - (up to 64).") String name;

    @Option(names = "--role", required = true, paramLabel = "ROLE",
        description = "admin, supervisor, reviewer, legal or auditor.") String role;

    @Option(names = "--require-totp", description = "The user must set up a TOTP second factor at first sign-in.")
    boolean totp;

    @Mixin DataDirOption data;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Role r = Role.parse(role);
      Path dir = data.resolve();
      UserStore users = open(dir);
      // The archive first: if it cannot take the audit record (another process writes it), nothing changes.
      try (Archive archive = Archives.open(dir, ArchiveOptions.defaults())) {
        char[] otp = users.add(name, r);
        if (totp) {
          users.update(name, u -> u.withTotp(null, true));
        }
        Workspace.audit(archive, Actor.current(), "user-added", List.of(),
            Map.of("user", name, "new_role", r.label(), "via", "cli"));
        printPassword(spec.commandLine().getOut(), name, otp);
      }
      return Coffer.OK;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List users, roles and status.")
  static final class ListUsers implements Callable<Integer> {
    @Mixin DataDirOption data;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      List<User> all = open(data.resolve()).list();
      if (all.isEmpty()) {
        out.println("No users yet. Add the first admin: coffer users add NAME --role admin");
      }
      for (User u : all) {
        out.printf("%-24s %-10s %s%s%s%s%n", u.name(), u.role().label(), u.disabled() ? "disabled" : "active",
            u.totpEnrolled() ? ", totp" : u.totpRequired() ? ", totp required" : "",
            u.mustChangePassword() ? ", one-time password" : "",
            u.role().confinedByBarrier() ? ", assigned: " + u.assignments().people().size() + " people, "
                + u.assignments().conversations().size() + " conversations, " + u.assignments().channels().size()
                + " channels" : "");
      }
      out.flush();
      return Coffer.OK;
    }
  }

  /** A change to one named user. */
  abstract static class Change implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", description = "The user.") String name;
    @Mixin DataDirOption data;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Path dir = data.resolve();
      UserStore users = open(dir);
      if (users.find(name).isEmpty()) {
        throw new IllegalArgumentException("NAME: no user named '" + name + "'");
      }
      try (Archive archive = Archives.open(dir, ArchiveOptions.defaults())) {
        String what = apply(users);
        Workspace.audit(archive, Actor.current(), "reset-password".equals(what) ? "password-reset" : "user-changed",
            List.of(), Map.of("user", name, "change", what, "via", "cli"));
      }
      return Coffer.OK;
    }

    abstract String apply(UserStore users) throws IOException;
  }

  @Command(name = "disable", mixinStandardHelpOptions = true, description = "Stop a user from signing in.")
  static final class Disable extends Change {
    @Override
    String apply(UserStore users) throws IOException {
      users.update(name, u -> u.withDisabled(true));
      spec.commandLine().getOut().println("Disabled " + name + ".");
      return "disable";
    }
  }

  @Command(name = "enable", mixinStandardHelpOptions = true, description = "Let a disabled user sign in again.")
  static final class Enable extends Change {
    @Override
    String apply(UserStore users) throws IOException {
      users.update(name, u -> u.withDisabled(false));
      spec.commandLine().getOut().println("Enabled " + name + ".");
      return "enable";
    }
  }

  @Command(name = "reset-password", mixinStandardHelpOptions = true,
      description = "Replace a user's password with a new one-time password (printed once).")
  static final class ResetPassword extends Change {
    @Override
    String apply(UserStore users) throws IOException {
      printPassword(spec.commandLine().getOut(), name, users.resetPassword(name));
      return "reset-password";
    }
  }

  @Command(name = "enable-totp", mixinStandardHelpOptions = true,
      description = "Require a TOTP second factor: the user sets it up at the next sign-in.")
  static final class EnableTotp extends Change {
    @Override
    String apply(UserStore users) throws IOException {
      users.update(name, u -> u.withTotp(u.totpSecret(), true));
      spec.commandLine().getOut().println(name + " must use a second factor from the next sign-in.");
      return "require-totp";
    }
  }
}
