package dev.coffer.cli;

import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.archive.retention.Restriction;
import dev.coffer.archive.retention.Retention;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "restrict",
    mixinStandardHelpOptions = true,
    description = {
      "Restrict a record after an erasure request during its retention (GDPR): it is kept, and hidden "
          + "from search, show and export for everyone not acting as compliance. Needs --as USER, a supervisor or legal user; "
          + "archived as an audit record."
    },
    footer = {"", "Example:", "  coffer restrict RECORD_ID --reason 'erasure request DSR-2026-114' --as dana"})
final class RestrictCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "RECORD_ID", description = "The record to restrict.")
  String id;

  @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why (e.g. the request's reference).")
  String reason;

  @Mixin RoleOption role;
  @Mixin JsonOption jsonOption;
  @Mixin DataDirOption data;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    role.signIn(data.resolve());
    role.requireCompliance("restricting a record");
    Output output = jsonOption.output(spec);
    Restriction r;
    try (var archive = Archives.open(data.resolve(), ArchiveOptions.defaults())) {
      r = Retention.of(archive, role.actor()).restrict(id, reason);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("record", r.recordId());
    m.put("reason", r.reason());
    m.put("at", r.at().toString());
    m.put("by", r.by());
    m.put("audit_record", r.auditRecord());
    output.json(m);
    output.line("Restricted " + r.recordId() + " (since " + r.at() + ", by " + r.by() + "): hidden from everyone but compliance.");
    return Coffer.OK;
  }
}
