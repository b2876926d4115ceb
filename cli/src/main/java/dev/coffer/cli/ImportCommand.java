package dev.coffer.cli;

import dev.coffer.connectors.whatsapp.export.DateOrder;
import dev.coffer.connectors.whatsapp.export.ExportImportReport;
import dev.coffer.connectors.whatsapp.export.ImportOptions;
import dev.coffer.connectors.whatsapp.export.WhatsAppExportImporter;
import dev.coffer.connectors.whatsapp.export.ExitStatus;
import dev.coffer.connectors.whatsapp.export.ExportRefusedException;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = "Import conversations from a source into the archive.",
    subcommands = {ImportCommand.WhatsApp.class, ImportWeComCommand.class})
final class ImportCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "whatsapp",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Import WhatsApp \"Export chat\" files: the .txt, or the .zip with media, from Android or iOS, "
            + "in any language and date format WhatsApp writes.",
        "Several exports (one phone's chats, a custodian's folder) are imported one after another in one "
            + "run, with the same options; an export that is refused is reported and the others are still "
            + "imported.",
        "The original file is archived as a blob; every record points to its lines in it. Lines that "
            + "cannot be read become 'unparsed' records (exit status 3): nothing is lost. Re-importing "
            + "the same or an overlapping export adds nothing twice. Records count as imported only once "
            + "they are durable.",
        ""
      },
      footer = {"", "Exit status: 0 imported; 3 imported, some lines kept as unparsed records;",
          "10 unreadable, 11 empty, 12 binary, 13 no chat text in the zip, 14 unsafe zip path, 15 zip bomb,",
          "16 not a WhatsApp export (10-16: refused, nothing of it was written); 5 no archive; 1 failed.",
          "With several exports: the highest of their statuses; the report lists each one's."})
  static final class WhatsApp implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "PATH", description = "The export: a .txt or a .zip (one or more).")
    List<Path> paths;

    @Option(names = "--zone", required = true, paramLabel = "ZONE",
        description = "IANA time zone of the exporting phone, e.g. Europe/London (exports carry local times without a zone).")
    String zone;

    @Option(names = "--owner", paramLabel = "PHONE", description = "The exporter's phone number (any notation; stored as E.164).")
    String owner;

    @Option(names = "--owner-name", paramLabel = "NAME", description = "The exporter's display name on their own messages.")
    String ownerName;

    @Option(names = "--date-order", paramLabel = "ORDER",
        description = "DMY, MDY, YMD or YDM: overrides the per-file decision (use when the exporting phone's locale is known).")
    String dateOrder;

    @Option(names = "--chat", paramLabel = "TITLE",
        description = "Conversation title, instead of the one in the file name (one export only).")
    String chat;

    @Option(names = "--json", description = "Print the import report as JSON.")
    boolean json;

    @Mixin DataDirOption data;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Output output = new Output(spec.commandLine().getOut(), spec.commandLine().getErr(), json);
      if (chat != null && paths.size() > 1) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "--chat names one conversation: give it with one export, not " + paths.size());
      }
      ZoneId zoneId = ImportOptions.zone(zone);
      DateOrder order = dateOrder == null ? null : DateOrder.parse(dateOrder);
      Actor actor = Actor.current();
      ImportOptions options = new ImportOptions(zoneId, owner, ownerName, order, chat, actor.name(), actor.host(), null);
      List<Object> outcomes = new ArrayList<>();
      long appended = 0;
      long duplicates = 0;
      int refused = 0;
      int status = 0;
      // One archive, one search index and one JVM for all the exports: each is still its own import
      // (its own blob, audit record and report), acknowledged durable before the next one starts.
      try (Workspace ws = Workspace.open(data.resolve(), output);
          java.io.Closeable bulk = ws.index.bulkLoad()) {
        for (Path path : paths) {
          try {
            ExportImportReport report = importOne(ws, output, path, options);
            outcomes.add(report);
            appended += report.recordsAppended();
            duplicates += report.duplicates();
            status = Math.max(status, report.status().code());
            if (!json) {
              print(output, report);
            }
          } catch (ExportRefusedException e) {
            if (paths.size() == 1) {
              throw e; // one export: its refusal is the command's outcome (message and exit status)
            }
            outcomes.add(new Refused(path.getFileName().toString(), e.status(), e.status().code(), e.getMessage()));
            refused++;
            status = Math.max(status, e.status().code());
            output.warn("Refused " + path.getFileName() + ": " + e.getMessage() + " (nothing of it was written)");
          }
        }
      }
      if (paths.size() == 1) {
        output.json(outcomes.get(0)); // the single report, as before several exports were taken
        return status;
      }
      output.json(new Batch(outcomes, paths.size() - refused, refused, appended, duplicates, status));
      output.line("Imported " + (paths.size() - refused) + " of " + paths.size() + " exports: " + appended
          + " new records (durable), " + duplicates + " already archived"
          + (refused > 0 ? "; " + refused + " refused" : ""));
      return status;
    }

    private static ExportImportReport importOne(Workspace ws, Output output, Path path, ImportOptions options)
        throws Exception {
      try (Progress progress = Progress.start(output, "Importing " + path.getFileName(), 0, "KiB", 1024)) {
        return new WhatsAppExportImporter(ws.archive).importExport(path, options, (total, done) -> {
          progress.max(total);
          progress.to(done);
        });
      }
    }

    /** An export of a several-export run that was refused as a whole (nothing of it was written). */
    record Refused(String fileName, ExitStatus status, int exitCode, String reason) {}

    /** The report of a several-export run: each export's report or refusal, in the order given, and totals. */
    record Batch(List<Object> exports, int imported, int refused, long recordsAppended, long duplicates,
        int exitStatus) {}

    static void print(Output output, ExportImportReport r) {
      output.line("Imported " + r.fileName() + "  (sha256 " + r.fileSha256() + ")");
      output.line("  conversation  " + r.conversationId() + "  " + r.conversationKind() + "  "
          + (r.conversationTitle() == null ? "" : r.conversationTitle()));
      output.line("  archived      " + r.recordsAppended() + " new records (durable), "
          + r.duplicates() + " already archived");
      output.line("  by kind       " + new java.util.TreeMap<>(r.recordsByKind()));
      output.line("  lines         " + r.linesCovered() + " of " + r.linesTotal() + " accounted for"
          + (r.unparsed() > 0 ? ", " + r.unparsed() + " kept as unparsed records" : ""));
      output.line("  attachments   " + r.attachmentsStored() + " stored, " + r.attachmentsMissing() + " missing from the export");
      output.line("  dates         " + r.headerFormat() + ", " + r.dateOrder() + " (" + r.dateOrderEvidence() + "), zone " + r.zone());
      output.line("  audit record  " + r.auditId());
      for (String w : r.warnings()) {
        output.line("  warning       " + w);
      }
    }
  }
}
