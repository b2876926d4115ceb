package dev.coffer.cli;

import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.archive.StoredRecord;
import dev.coffer.archive.retention.Retention;
import dev.coffer.archive.retention.RetentionLedger;
import dev.coffer.archive.retention.RetentionPolicy;
import dev.coffer.model.RecordJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "retention",
    mixinStandardHelpOptions = true,
    description = {
      "Retention policies (versioned audit records), a record's retain-until and why, and extensions. "
          + "A record's retain-until is fixed by the policy version in force when it was archived and "
          + "can only be extended. See docs/retention.md."
    },
    subcommands = {RetentionCommand.Policy.class, RetentionCommand.SetPolicy.class, RetentionCommand.ShowRecord.class,
        RetentionCommand.Extend.class})
final class RetentionCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "policy", mixinStandardHelpOptions = true, description = "Show the policy in force and every earlier version.")
  static final class Policy implements Callable<Integer> {
    @Mixin JsonOption jsonOption;
    @Mixin DataDirOption data;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Output output = jsonOption.output(spec);
      RetentionLedger l;
      try (Archive archive = Archives.open(data.resolve(), ArchiveOptions.defaults())) {
        l = archive.retention();
      }
      List<Object> versions = new ArrayList<>();
      for (RetentionLedger.PolicyVersion v : l.policies()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", v.policy().version());
        m.put("from_serial", v.serial() + 1);
        m.put("at", v.at().toString());
        m.put("by", v.by());
        m.put("reason", v.reason());
        m.put("policy", RecordJson.mapper().readTree(v.policy().toJson()));
        versions.add(m);
      }
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("current", RecordJson.mapper().readTree(l.currentPolicy().toJson()));
      out.put("versions", versions);
      output.json(out);
      RetentionPolicy p = l.currentPolicy();
      output.line("Policy version " + p.version() + (p.version() == 0 ? " (the defaults; no policy set)" : "") + " in force:");
      p.floors().forEach((c, per) -> output.line("  floor " + c.jsonName() + ": " + per));
      output.line("  maximum: " + p.maximum() + "; records no rule matches: " + p.defaultClass().jsonName()
          + " (audit records: books)");
      for (RetentionPolicy.Rule r : p.rules()) {
        output.line("  rule: " + r.describe());
      }
      for (RetentionLedger.PolicyVersion v : l.policies()) {
        output.line("version " + v.policy().version() + ": set " + v.at() + " by " + v.by() + " (" + v.reason()
            + "); governs records from serial " + (v.serial() + 1));
      }
      return Coffer.OK;
    }
  }

  @Command(name = "set-policy", mixinStandardHelpOptions = true,
      description = {"Archive a new policy version from a JSON file (format: docs/retention.md). It governs records "
          + "archived from now on; records archived before keep their retain-until."},
      footer = {"", "Example:", "  coffer retention set-policy policy.json --reason 'board minute 2026-11' --as dana"})
  static final class SetPolicy implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "The policy as JSON.")
    Path file;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why; kept in the audit trail.")
    String reason;

    @Mixin RoleOption role;
    @Mixin JsonOption jsonOption;
    @Mixin DataDirOption data;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      role.signIn(data.resolve());
      role.requireCompliance("setting a retention policy");
      Output output = jsonOption.output(spec);
      RetentionPolicy p = RetentionPolicy.fromJson(Files.readString(file, StandardCharsets.UTF_8));
      RetentionLedger.PolicyVersion v;
      try (Archive archive = Archives.open(data.resolve(), ArchiveOptions.defaults())) {
        v = Retention.of(archive, role.actor()).setPolicy(p, reason);
      }
      output.json(Map.of("version", v.policy().version(), "audit_record", v.auditRecord()));
      output.line("Archived retention policy version " + v.policy().version() + " (audit record " + v.auditRecord() + ").");
      return Coffer.OK;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "A record's retain-until and why: policy version, rule, extensions, holds.")
  static final class ShowRecord implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RECORD_ID")
    String id;

    @Mixin JsonOption jsonOption;
    @Mixin DataDirOption data;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Output output = jsonOption.output(spec);
      Map<String, Object> m = new LinkedHashMap<>();
      try (Archive archive = Archives.open(data.resolve(), ArchiveOptions.defaults())) {
        RetentionLedger l = archive.retention();
        StoredRecord sr = archive.get(id).orElse(null);
        m.put("id", id);
        if (sr == null) {
          if (!archive.contains(id)) {
            throw new IllegalArgumentException("no record " + id);
          }
          m.put("disposed", true);
          m.put("digest", l.disposed().get(id));
          output.json(m);
          output.line("Record " + id + " was disposed after its retention; its digest " + l.disposed().get(id) + " is kept.");
          return Coffer.OK;
        }
        RetentionLedger.RetainUntil ru = l.retainUntil(sr);
        m.put("serial", sr.serial());
        m.put("archived_at", ru.archivedAt().toString());
        m.put("retain_until", ru.forever() ? "forever (retention trail)" : ru.until().toString());
        m.put("fixed_until", ru.forever() ? null : ru.fixedUntil().toString());
        m.put("policy_version", ru.policyVersion());
        m.put("class", ru.decision().retentionClass().jsonName());
        m.put("rule", ru.decision().rule());
        m.put("extensions", ru.extensions().stream().map(e -> e.until() + " by " + e.by() + " (" + e.reason() + ")").toList());
        m.put("holds", l.holdsCovering(sr, java.util.Set.of()).stream().map(h -> h.id() + " (" + h.matter() + ")").toList());
        m.put("restricted", l.restricted(id));
        output.json(m);
        output.line("Record " + id + " (serial " + sr.serial() + "), archived " + ru.archivedAt());
        output.line("  retain until " + m.get("retain_until") + " under policy version " + ru.policyVersion() + " (" + ru.decision().rule() + ")");
        for (Object e : (List<?>) m.get("extensions")) {
          output.line("  extended to " + e);
        }
        for (Object h : (List<?>) m.get("holds")) {
          output.line("  under legal hold " + h);
        }
      }
      return Coffer.OK;
    }
  }

  @Command(name = "extend", mixinStandardHelpOptions = true,
      description = {"Extend records' retention (never shorten: that is refused, exit status 4, and audited), "
          + "up to the policy's maximum after their archive time."})
  static final class Extend implements Callable<Integer> {
    @Parameters(paramLabel = "RECORD_ID", arity = "1..*")
    List<String> ids;

    @Option(names = "--until", required = true, paramLabel = "DATE", description = "New retain-until: YYYY-MM-DD (UTC, end of day) or an instant.")
    String until;

    @Option(names = "--reason", required = true, paramLabel = "TEXT")
    String reason;

    @Mixin RoleOption role;
    @Mixin JsonOption jsonOption;
    @Mixin DataDirOption data;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      role.signIn(data.resolve());
      Output output = jsonOption.output(spec);
      Instant u = Dates.end(until, ZoneOffset.UTC, "--until");
      try (Archive archive = Archives.open(data.resolve(), ArchiveOptions.defaults())) {
        Retention.of(archive, role.actor()).extend(ids, u, reason);
      }
      output.json(Map.of("extended", ids, "until", u.toString()));
      output.line("Extended " + ids.size() + " record(s) to " + u + ".");
      return Coffer.OK;
    }
  }
}
