package dev.coffer.cli;

import dev.coffer.search.IndexHoldQueries;
import dev.coffer.archive.retention.HoldScope;
import dev.coffer.archive.retention.LegalHold;
import dev.coffer.archive.retention.Retention;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "hold",
    mixinStandardHelpOptions = true,
    description = {
      "Legal holds: a held record is never disposed, whatever its retention. Creating and releasing a "
          + "hold are audit records; 'hold list' shows the state they make."
    },
    subcommands = {HoldCommand.Create.class, HoldCommand.Release.class, HoldCommand.ListHolds.class})
final class HoldCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "create", mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Create a legal hold. Scopes of one kind are alternatives (--custodian A --custodian B); "
          + "scopes of different kinds all apply (--custodian A --from 2026-01-01)."},
      footer = {"", "Examples:",
          "  coffer hold create --matter 'Acme v. Us' --reason 'litigation notice 2026-11-02' --custodian +447700900123",
          "  coffer hold create --matter 'SEC inquiry 12' --reason 'subpoena' --query 'guarantee AND returns' --from 2025-01-01"})
  static final class Create implements Callable<Integer> {
    @Option(names = "--matter", required = true, paramLabel = "NAME", description = "The matter's name.")
    String matter;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why (e.g. the notice's reference).")
    String reason;

    @Option(names = "--custodian", paramLabel = "HANDLE", description = "Records sent by this handle (phone number as archived, E.164, or platform id).")
    List<String> custodians = new ArrayList<>();

    @Option(names = "--conversation", paramLabel = "ID", description = "Records of this conversation.")
    List<String> conversations = new ArrayList<>();

    @Option(names = "--query", paramLabel = "Q", description = "Records this search query matches (now, and at each disposition).")
    List<String> queries = new ArrayList<>();

    @Option(names = "--from", paramLabel = "DATE", description = "Records sent from this date (YYYY-MM-DD in --zone, or an instant).")
    String from;

    @Option(names = "--to", paramLabel = "DATE", description = "Records sent up to this date (inclusive day) or instant.")
    String to;

    @Option(names = "--zone", paramLabel = "ZONE", description = "Time zone of --from/--to dates (default: UTC).")
    ZoneId zone;

    @Mixin RoleOption role;
    @Mixin JsonOption jsonOption;
    @Mixin DataDirOption data;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      role.signIn(data.resolve());
      role.requireCompliance("creating a legal hold");
      Output output = jsonOption.output(spec);
      ZoneId z = zone == null ? java.time.ZoneOffset.UTC : zone;
      List<HoldScope> scopes = new ArrayList<>();
      custodians.forEach(c -> scopes.add(new HoldScope.Custodian(c)));
      conversations.forEach(c -> scopes.add(new HoldScope.Conversation(c)));
      queries.forEach(q -> scopes.add(new HoldScope.Query(q)));
      if (from != null || to != null) {
        java.time.Instant end = Dates.end(to, z, "--to");
        // --to is inclusive (the whole day); the scope's end is exclusive
        scopes.add(new HoldScope.DateRange(Dates.start(from, z, "--from"), end == null ? null : end.plusMillis(1)));
      }
      if (scopes.isEmpty()) {
        throw new IllegalArgumentException("a hold needs at least one of --custodian, --conversation, --query, --from/--to");
      }
      LegalHold h;
      try (Workspace ws = Workspace.open(data.resolve(), output)) {
        Set<String> matched = new java.util.HashSet<>();
        IndexHoldQueries search = new IndexHoldQueries(ws.index);
        for (String q : queries) {
          matched.addAll(search.matching(q));
        }
        h = Retention.of(ws.archive, role.actor()).createHold(matter, reason, scopes, matched);
      }
      output.json(HoldCommand.json(h));
      output.line("Created legal hold " + h.id() + " (" + h.matter() + "): " + describe(h)
          + (queries.isEmpty() ? "" : "; its queries match " + h.snapshot().size() + " records now"));
      return Coffer.OK;
    }
  }

  @Command(name = "release", mixinStandardHelpOptions = true, description = "Release a legal hold (audited).")
  static final class Release implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "HOLD_ID", description = "The hold's id (coffer hold list).")
    String id;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why it ends.")
    String reason;

    @Mixin RoleOption role;
    @Mixin JsonOption jsonOption;
    @Mixin DataDirOption data;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      role.signIn(data.resolve());
      role.requireCompliance("releasing a legal hold");
      Output output = jsonOption.output(spec);
      LegalHold h;
      try (var archive = dev.coffer.archive.Archives.open(data.resolve(), dev.coffer.archive.ArchiveOptions.defaults())) {
        h = Retention.of(archive, role.actor()).releaseHold(id, reason);
      }
      output.json(HoldCommand.json(h));
      output.line("Released legal hold " + h.id() + " (" + h.matter() + ").");
      return Coffer.OK;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List legal holds (active; --all for released too).")
  static final class ListHolds implements Callable<Integer> {
    @Option(names = "--all", description = "Include released holds.")
    boolean all;

    @Mixin JsonOption jsonOption;
    @Mixin DataDirOption data;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Output output = jsonOption.output(spec);
      List<LegalHold> holds;
      try (var archive = dev.coffer.archive.Archives.open(data.resolve(), dev.coffer.archive.ArchiveOptions.defaults())) {
        holds = all ? archive.retention().holds() : archive.retention().activeHolds();
      }
      output.json(holds.stream().map(HoldCommand::json).toList());
      if (holds.isEmpty()) {
        output.line(all ? "No legal holds." : "No active legal holds.");
      }
      for (LegalHold h : holds) {
        output.line(h.id() + "  " + h.matter() + "  " + (h.active() ? "ACTIVE" : "released " + h.released() + " by " + h.releasedBy()));
        output.line("    created " + h.created() + " by " + h.createdBy() + ": " + h.reason());
        output.line("    scope: " + describe(h));
      }
      return Coffer.OK;
    }
  }

  static String describe(LegalHold h) {
    return String.join(", ", h.scopes().stream().map(HoldScope::describe).toList());
  }

  static Map<String, Object> json(LegalHold h) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", h.id());
    m.put("matter", h.matter());
    m.put("reason", h.reason());
    m.put("active", h.active());
    m.put("scopes", h.scopes().stream().map(HoldScope::describe).toList());
    m.put("query_matches_at_creation", h.snapshot().size());
    m.put("created", h.created().toString());
    m.put("created_by", h.createdBy());
    m.put("released", h.released() == null ? null : h.released().toString());
    m.put("released_by", h.releasedBy());
    m.put("release_reason", h.releaseReason());
    return m;
  }
}
