package dev.coffer.connectors.wecom;

import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Conformance run over a corpus directory of WeCom archive samples ({@code coffer conformance wecom
 * DIR}): every {@code .json}/{@code .jsonl} file is imported into a fresh in-memory archive without
 * keys or decryptor. A file passes when every message in it became a record and the only
 * {@code unparsed} records are page items kept encrypted (which need the firm's key and the SDK).
 * {@code .xml} files are WeCom callback events (msgaudit_notify, msg_audit_approved), not archive
 * data: listed, not imported. Exit 0 only when no file failed and at least one was imported.
 */
public final class WeComConformance {
  private WeComConformance() {}

  public static int run(Path dir, PrintStream out) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    }
    int failures = 0;
    int imported = 0;
    long messages = 0;
    for (Path f : files) {
      String name = dir.relativize(f).toString();
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.endsWith(".xml")) {
        out.printf(Locale.ROOT, "SKIP %s: a WeCom callback event, not conversation-archive data%n", name);
        continue;
      }
      if (!lower.endsWith(".json") && !lower.endsWith(".jsonl")) {
        continue;
      }
      imported++;
      try (Archive archive = Archives.inMemory(ArchiveOptions.defaults())) {
        WeComImportReport r = new WeComImporter(archive).importPath(f,
            WeComImportOptions.defaults().withActor("conformance", null));
        messages += r.messages();
        long records = r.recordsByKind().values().stream().mapToLong(Long::longValue).sum();
        String problem = null;
        if (r.messages() == 0) {
          problem = "no message found";
        } else if (records < r.messages()) {
          problem = (r.messages() - records) + " message(s) without a record";
        } else if (r.unparsed() > r.keptEncrypted()) {
          problem = (r.unparsed() - r.keptEncrypted()) + " unparsed record(s)";
        }
        if (problem != null) {
          failures++;
        }
        out.printf(Locale.ROOT, "%s %s: %d message(s), records %s%s%s%n", problem == null ? "PASS" : "FAIL",
            name, r.messages(), r.recordsByKind(),
            r.keptEncrypted() > 0 ? ", " + r.keptEncrypted() + " kept encrypted (no key/decryptor)" : "",
            problem == null ? "" : ": " + problem);
      } catch (IOException | RuntimeException e) {
        failures++;
        out.printf(Locale.ROOT, "FAIL %s: %s%n", name, e);
      }
    }
    out.printf(Locale.ROOT, "%d file(s) imported, %d message(s), %d failure(s)%n", imported, messages, failures);
    return failures == 0 && imported > 0 ? 0 : 1;
  }
}
