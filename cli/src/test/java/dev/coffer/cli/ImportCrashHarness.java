package dev.coffer.cli;

import dev.coffer.archive.StoredRecord;
import dev.coffer.connectors.whatsapp.export.ImportOptions;
import dev.coffer.connectors.whatsapp.export.ProgressListener;
import dev.coffer.connectors.whatsapp.export.WhatsAppExportImporter;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;

/**
 * The child process of {@link ImportCrashTest}: imports an export the way {@code coffer import}
 * does (archive plus search index) and prints {@code ACK <serial>} for the last record of every
 * commit once the archive has made it durable, so the parent knows what was acknowledged before it
 * kills this process with SIGKILL.
 */
public final class ImportCrashHarness {
  private ImportCrashHarness() {}

  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[0]);
    Path export = Path.of(args[1]);
    PrintStream out = System.out;
    Output output = new Output(new java.io.PrintWriter(System.err), new java.io.PrintWriter(System.err), true);
    try (Workspace ws = Workspace.open(data, output)) {
      ws.archive.addCommitListener((List<StoredRecord> records) -> {
        out.println("ACK " + records.get(records.size() - 1).serial());
        out.flush();
      });
      new WhatsAppExportImporter(ws.archive).importExport(export, ImportOptions.of(ZoneId.of("Europe/Berlin")),
          ProgressListener.NONE);
    }
    out.println("DONE");
  }
}
