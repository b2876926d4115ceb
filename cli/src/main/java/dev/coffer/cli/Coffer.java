package dev.coffer.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code coffer} command: capture, retain, search and produce business conversations.
 *
 * <p>Exit statuses (every command): 0 success; 1 the archive failed verification or the work did
 * not complete; 2 usage error; 3 input imported with diagnostics (some of it became {@code unparsed}
 * records, nothing lost); 4 refused by retention or a legal hold (audited); 5 no archive at the data directory; 10-16 input refused as unreadable or
 * hostile, nothing kept (see {@code coffer import whatsapp --help}).
 */
@Command(
    name = "coffer",
    mixinStandardHelpOptions = true,
    versionProvider = Coffer.Version.class,
    usageHelpAutoWidth = true,
    sortOptions = false,
    description = {
      "Keeps WhatsApp and WeChat business conversations as tamper-evident records: "
          + "captures them, retains them verifiably, lets reviewers search and read them, and produces them.",
      ""
    },
    footerHeading = "%nGetting started:%n",
    footer = {
      "  coffer demo                      generate demo chats, import, verify, show what to do next",
      "  coffer init                      create an archive in ./coffer-data (or --data DIR, $COFFER_DATA)",
      "  coffer import whatsapp FILE --zone Europe/London",
      "  coffer search 'insider OR \"off the record\"'",
      "",
      "Exit status: 0 ok; 1 failed, or verify found a problem; 2 usage error; 3 imported, some lines",
      "kept as unparsed records; 4 refused by retention or a legal hold (audited); 5 no archive at the",
      "data directory; 10-16 input refused, nothing kept.",
    })
public final class Coffer implements Runnable {
  /**
   * The subcommands, in the order the usage lists them. Not in {@code @Command(subcommands = …)}:
   * picocli would build every command's model (reflection over all their options) on each start, a
   * large part of a short command's CPU time; {@link #execute} registers only the one named.
   */
  static final List<Class<?>> COMMANDS = List.of(
      InitCommand.class,
      ImportCommand.class,
      VerifyCommand.class,
      MirrorCommand.class,
      RestoreCommand.class,
      SearchCommand.class,
      ShowCommand.class,
      ConversationsCommand.class,
      ExportCommand.class,
      ProofCommand.class,
      ReindexCommand.class,
      RetentionCommand.class,
      HoldCommand.class,
      DisposeCommand.class,
      RestrictCommand.class,
      KeysCommand.class,
      GenerateCommand.class,
      DemoCommand.class,
      UsersCommand.class,
      ConformanceCommand.class,
      ServeCommand.class,
      DirectoryCommand.class,
      StatusCommand.class,
      CommandLine.HelpCommand.class);

  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;
  /** Refused by retention: the record is in retention or under a legal hold (the attempt is audited). */
  static final int REFUSED = 4;
  static final int NO_ARCHIVE = 5;
  /** Not authenticated (--as USER refused: audited, counted toward the user's lockout), or the user's role does not allow it. */
  static final int NOT_AUTHENTICATED = 6;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(execute(args, new PrintWriter(System.out, true, StandardCharsets.UTF_8),
        new PrintWriter(System.err, true, StandardCharsets.UTF_8)));
  }

  /** Runs the command line with the given streams; returns the exit status (tests call this). */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Coffer());
    // Settings below reach the subcommands registered by then: register first.
    Class<?> named = args.length == 0 ? null : commandNamed(args[0]);
    for (Class<?> c : COMMANDS) {
      if (named == null || c == named) {
        cl.addSubcommand(c);
      }
    }
    cl.setOut(out);
    cl.setErr(err);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setExecutionExceptionHandler(new Failures());
    return cl.execute(args);
  }

  /**
   * The command class whose name or alias is {@code arg}, or null: then every command is registered
   * (the usage, {@code help}, and picocli's suggestions for a mistyped name need them all).
   */
  private static Class<?> commandNamed(String arg) {
    for (Class<?> c : COMMANDS) {
      Command command = c.getAnnotation(Command.class);
      if (c == CommandLine.HelpCommand.class || command == null) {
        continue;
      }
      if (command.name().equals(arg) || List.of(command.aliases()).contains(arg)) {
        return c;
      }
    }
    return null;
  }

  /** {@link #execute(String[], PrintWriter, PrintWriter)} with {@code env} as the environment it reads secrets from. */
  static int execute(String[] args, PrintWriter out, PrintWriter err, java.util.Map<String, String> env) {
    return Environment.with(env, () -> execute(args, out, err));
  }

  /** Reports the version from the jar manifest, else the development version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Coffer.class.getPackage().getImplementationVersion();
      return new String[] {"coffer " + (v == null ? "0.1.0-SNAPSHOT" : v),
          "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
    }
  }
}
