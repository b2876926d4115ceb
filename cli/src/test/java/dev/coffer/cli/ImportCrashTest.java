package dev.coffer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.archive.verify.VerifyListener;
import dev.coffer.archive.verify.VerifyReport;
import dev.coffer.archive.verify.Verifier;
import dev.coffer.connectors.whatsapp.export.ExportGenerator;
import dev.coffer.connectors.whatsapp.export.ExportImportReport;
import dev.coffer.connectors.whatsapp.export.ImportOptions;
import dev.coffer.connectors.whatsapp.export.ProgressListener;
import dev.coffer.connectors.whatsapp.export.WhatsAppExportImporter;
import dev.coffer.search.SearchIndex;
import dev.coffer.search.SearchRequest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 during an import: afterwards the archive verifies, every record acknowledged before the
 * kill is there, the search index catches up, and re-running the import completes it with exactly
 * the records a clean import produces — nothing lost, nothing twice.
 */
class ImportCrashTest {
  @TempDir Path tmp;

  @Test
  void killDuringImportLosesNothingAcknowledgedAndReimportCompletesIt() throws Exception {
    Path export = tmp.resolve("WhatsApp Chat with Crash Desk.txt");
    new ExportGenerator(new ExportGenerator.Options(60_000, 42, ExportGenerator.Platform.ANDROID, "en", 30, false)).write(export);
    Path data = tmp.resolve("data");
    Archives.create(data, ArchiveOptions.defaults()).close();

    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        ImportCrashHarness.class.getName(), data.toString(), export.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    AtomicLong acked = new AtomicLong();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    boolean finished = false;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      int acks = 0;
      while ((line = r.readLine()) != null && System.nanoTime() < deadline) {
        if (line.startsWith("ACK ")) {
          acked.set(Long.parseLong(line.substring(4)));
          if (++acks == 3) {
            break; // mid-import: several commits acknowledged, more to come
          }
        } else if (line.equals("DONE")) {
          finished = true;
          break;
        }
      }
      child.destroyForcibly(); // SIGKILL: no shutdown hooks, no close
      child.waitFor(30, TimeUnit.SECONDS);
    }
    assertThat(finished).as("the import must still be running when killed").isFalse();
    assertThat(acked.get()).isPositive();

    VerifyReport report = Verifier.verify(data, VerifyListener.NONE);
    assertThat(report.problems()).isEmpty();
    try (Archive archive = Archives.open(data, ArchiveOptions.defaults())) {
      assertThat(archive.size()).isGreaterThanOrEqualTo(acked.get());
      for (long s = 1; s <= acked.get(); s += 997) {
        assertThat(archive.get(s)).as("acknowledged serial " + s).isPresent();
      }
      assertThat(archive.get(acked.get())).isPresent();
    }

    // Resume: re-running the import completes it without duplicates.
    ExportImportReport resumed;
    long total;
    try (Workspace ws = Workspace.open(data, new Output(new java.io.PrintWriter(System.err), new java.io.PrintWriter(System.err), true))) {
      resumed = new WhatsAppExportImporter(ws.archive).importExport(export, ImportOptions.of(ZoneId.of("Europe/Berlin")), ProgressListener.NONE);
      total = ws.archive.size();
      ws.index.refresh();
      // count(), not search().totalHits(): a search's total is only a lower bound past 10,000 hits.
      // Two audit records: the kill's recovery (written when the archive reopened) and the resumed import.
      assertThat(ws.index.count(SearchRequest.builder().query("").kinds("audit").limit(1).build())).isEqualTo(2);
      assertThat(ws.index.count(SearchRequest.builder().query("").kinds("message", "system", "call").limit(1).build()))
          .isEqualTo(total - 2);
    }
    assertThat(resumed.complete()).isTrue();

    Path clean = tmp.resolve("clean");
    long cleanTotal;
    try (Archive archive = Archives.create(clean, ArchiveOptions.defaults())) {
      new WhatsAppExportImporter(archive).importExport(export, ImportOptions.of(ZoneId.of("Europe/Berlin")), ProgressListener.NONE);
      cleanTotal = archive.size();
    }
    // The crashed run never reached its import audit record; the resumed run wrote one; the reopen after
    // the kill wrote the recovery's: one more than a clean import.
    assertThat(total).isEqualTo(cleanTotal + 1);
    assertThat(Verifier.verify(data, VerifyListener.NONE).problems()).isEmpty();
    assertThat(SearchIndex.check(Workspace.indexDir(data),
        Archives.encryption(data, dev.coffer.archive.crypto.MasterKeySource.standard(data)))).isEmpty();
  }
}
