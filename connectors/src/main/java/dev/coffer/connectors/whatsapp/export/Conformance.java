package dev.coffer.connectors.whatsapp.export;

import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Conformance run over a corpus directory: imports every {@code .txt} and {@code .zip} under it into
 * a fresh in-memory archive with zone UTC and prints, per file, lines total and covered, records by
 * kind and the date-order decision. Exits 1 if any file fails or loses a line, 2 on bad usage.
 *
 * <p>Usage: {@code java dev.coffer.connectors.whatsapp.export.Conformance DIR}
 */
public final class Conformance {
  private Conformance() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1 || !Files.isDirectory(Path.of(args[0]))) {
      System.err.println("usage: Conformance DIR   (a directory of WhatsApp exports)");
      System.exit(2);
    }
    System.exit(run(Path.of(args[0]), System.out));
  }

  /** Runs the check; returns the exit code (0 when every file imported without losing a line). */
  public static int run(Path dir, PrintStream out) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files = s.filter(Files::isRegularFile).filter(p -> {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".txt") || n.endsWith(".zip");
      }).sorted().toList();
    }
    int failures = 0;
    long totalLines = 0;
    long totalCovered = 0;
    for (Path f : files) {
      String name = dir.relativize(f).toString();
      try (Archive archive = Archives.inMemory(ArchiveOptions.defaults())) {
        ExportImportReport r = new WhatsAppExportImporter(archive).importExport(f,
            ImportOptions.of(ZoneOffset.UTC).withActor("conformance", null),
            ProgressListener.NONE);
        totalLines += r.linesTotal();
        totalCovered += r.linesCovered();
        boolean ok = r.complete();
        if (!ok) {
          failures++;
        }
        out.printf(Locale.ROOT, "%s %s: lines %d, covered %d, records %s, date order %s (%s), "
                + "format %s, status %s%n", ok ? "PASS" : "FAIL", name, r.linesTotal(),
            r.linesCovered(), r.recordsByKind(), r.dateOrder(), r.dateOrderEvidence(),
            r.headerFormat(), r.status());
      } catch (ExportRefusedException e) {
        failures++;
        out.printf(Locale.ROOT, "FAIL %s: refused (%s): %s%n", name, e.status(), e.getMessage());
      } catch (IOException | RuntimeException e) {
        failures++;
        out.printf(Locale.ROOT, "FAIL %s: %s%n", name, e);
      }
    }
    out.printf(Locale.ROOT, "%d file(s), %d line(s), %d covered, %d lost, %d failure(s)%n",
        files.size(), totalLines, totalCovered, totalLines - totalCovered, failures);
    return failures == 0 && !files.isEmpty() ? 0 : 1;
  }
}
