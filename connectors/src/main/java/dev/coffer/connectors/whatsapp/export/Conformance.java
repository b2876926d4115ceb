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

  /**
   * Recounts, without trusting the importer's report, that the records' line ranges cover every
   * line of the archived chat text exactly once: the line count comes from the archived blob's bytes
   * (LF-terminated lines, a last line without LF counts), the coverage from the archived records.
   *
   * @return null when every line is covered once, else what is wrong
   */
  static String independentCoverage(Archive archive, String chatSha) throws IOException {
    long lines = 0;
    int last = -1;
    try (java.io.InputStream in = archive.openBlob(chatSha)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        for (int i = 0; i < n; i++) {
          if (buf[i] == '\n') {
            lines++;
          }
        }
        last = buf[n - 1];
      }
    }
    if (last != -1 && last != '\n') {
      lines++;
    }
    java.util.BitSet covered = new java.util.BitSet();
    long[] overlaps = {0};
    archive.scan(1, sr -> {
      dev.coffer.model.Record rec = sr.record();
      if (rec instanceof dev.coffer.model.Audit || rec.source().raw() == null
          || !rec.source().raw().equals(chatSha)) {
        return true;
      }
      java.util.regex.Matcher m = RANGE.matcher(rec.source().range());
      if (!m.matches()) {
        throw new IOException("record " + rec.id() + " has an unreadable range: " + rec.source().range());
      }
      int from = Integer.parseInt(m.group(1));
      int to = Integer.parseInt(m.group(2));
      for (int i = from; i <= to; i++) {
        if (covered.get(i)) {
          overlaps[0]++;
        }
      }
      covered.set(from, to + 1);
      return true;
    });
    long count = covered.cardinality();
    if (count != lines || (lines > 0 && (covered.nextSetBit(0) != 1 || covered.length() - 1 != lines))) {
      int firstMissing = covered.nextClearBit(1);
      return "records cover " + count + " of " + lines + " lines; first line not covered: " + firstMissing;
    }
    if (overlaps[0] > 0) {
      return overlaps[0] + " line(s) covered by more than one record";
    }
    return null;
  }

  private static final java.util.regex.Pattern RANGE = java.util.regex.Pattern.compile("lines (\\d+)-(\\d+)");

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
        String independent = independentCoverage(archive, r.chatTextSha256());
        boolean ok = r.complete() && independent == null;
        if (independent != null) {
          out.printf(Locale.ROOT, "FAIL %s: independent check: %s%n", name, independent);
        }
        if (!ok) {
          failures++;
        }
        out.printf(Locale.ROOT, "%s %s: lines %d, covered %d, records %s, date order %s (%s), "
                + "format %s, status %s%n", ok ? "PASS" : "FAIL", name, r.linesTotal(),
            r.linesCovered(), r.recordsByKind(), r.dateOrder(), r.dateOrderEvidence(),
            r.headerFormat(), r.status());
        for (HeaderTemplate t : r.headerTemplates().subList(1, r.headerTemplates().size())) {
          out.printf(Locale.ROOT, "    %s format %s: %d line(s), %d read as headers, date order %s"
                  + " (%s): %s%n", t.used() ? "also" : "not", t.template(), t.lines(),
              t.linesReadAsHeaders(), t.dateOrder(), t.evidence(), t.reason());
        }
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
