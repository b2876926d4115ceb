package dev.coffer.cli;

import dev.coffer.search.IndexHoldQueries;
import dev.coffer.archive.retention.Disposal;
import dev.coffer.archive.retention.Disposition;
import dev.coffer.archive.retention.DispositionReport;
import dev.coffer.model.RecordJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "dispose",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Remove the content of records whose retention has ended and that no legal hold covers, leaving "
          + "tombstones that keep each record's digest: the Merkle tree, coffer verify and every proof "
          + "issued before still verify. Disposed records leave the search index.",
      "Writes disposition audit records (ids, digests, policy version, reason) first, and prints a "
          + "report: what, why, under which policy version. --dry-run changes nothing.",
      "A record still in retention or under a hold is never removed: naming one with --record is "
          + "refused (exit status 4) and the attempt is archived as a worm.refused audit record."
    },
    footer = {"", "Examples:",
        "  coffer dispose --dry-run",
        "  coffer dispose --reason 'quarterly disposition, policy review 2026-Q4' --report dispo-2026q4.json"})
final class DisposeCommand implements Callable<Integer> {
  @Option(names = "--dry-run", description = "Report what would be disposed and what holds keep; change nothing.")
  boolean dryRun;

  @Option(names = "--reason", paramLabel = "TEXT", description = "Why (required unless --dry-run); kept in the audit trail.")
  String reason;

  @Option(names = "--record", paramLabel = "ID", description = "Dispose only these records (each must be past retention and unheld).")
  List<String> records = new ArrayList<>();

  @Option(names = "--report", paramLabel = "FILE", description = "Also write the JSON report to FILE (refuses to overwrite).")
  Path report;

  @Mixin RoleOption role;
  @Mixin JsonOption jsonOption;
  @Mixin DataDirOption data;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    role.signIn(data.resolve());
    if (!dryRun) {
      role.requireCompliance("disposition");
    }
    Output output = jsonOption.output(spec);
    if (!dryRun && (reason == null || reason.isBlank())) {
      throw new IllegalArgumentException("--reason is required (or --dry-run)");
    }
    DispositionReport r;
    try (Workspace ws = Workspace.open(data.resolve(), output)) {
      IndexHoldQueries queries = new IndexHoldQueries(ws.index);
      if (!records.isEmpty()) {
        if (dryRun) {
          throw new IllegalArgumentException("--record disposes named records; --dry-run reports on all of them");
        }
        Set<String> held = new java.util.HashSet<>();
        for (var h : ws.archive.retention().activeHolds()) {
          for (var s : h.scopes()) {
            if (s instanceof dev.coffer.archive.retention.HoldScope.Query q) {
              held.addAll(queries.matching(q.query()));
            }
          }
        }
        Disposal d = ws.archive.dispose(records, role.actor(), reason, held);
        var blobs = ws.archive.disposeBlobs(role.actor(), reason);
        r = new DispositionReport(ws.archive.clock().instant(), false, ws.archive.retention().currentPolicy().version(),
            records.size(), 0, d.records(), List.of(), d.auditRecords(), d.segmentsRewritten(), d.liveRecordsCopied(), blobs);
      } else if (dryRun) {
        r = Disposition.plan(ws.archive, queries);
      } else {
        r = Disposition.run(ws.archive, role.actor(), reason, queries);
      }
    }
    String json = r.toJson();
    if (report != null) {
      Files.writeString(report, json + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
    }
    output.json(RecordJson.mapper().readTree(json));
    output.line(r.toText());
    if (report != null) {
      output.line("Report written to " + report);
    }
    return Coffer.OK;
  }
}
