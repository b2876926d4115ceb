package dev.coffer.bench.micro;

import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.connectors.whatsapp.export.ExportGenerator;
import dev.coffer.connectors.whatsapp.export.ImportOptions;
import dev.coffer.connectors.whatsapp.export.WhatsAppExportImporter;
import dev.coffer.model.Record;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Inputs for the micro-benchmarks, made with the project's own generator and importer. */
final class Fixtures {
  private Fixtures() {}

  /** A generated export (a group of 200 on Android, seed fixed) in a temporary file. */
  static Path export(long messages) throws IOException {
    Path file = Files.createTempFile("coffer-bench-", ".txt");
    Files.delete(file);
    new ExportGenerator(new ExportGenerator.Options(messages, 42, ExportGenerator.Platform.ANDROID, "en", 200,
        false)).write(file);
    return file;
  }

  /** Imports {@code export} into a fresh in-memory archive; returns the records appended. */
  static long importInMemory(Path export) throws IOException, dev.coffer.connectors.whatsapp.export.ExportRefusedException {
    try (Archive archive = Archives.inMemory(ArchiveOptions.defaults())) {
      return new WhatsAppExportImporter(archive).importExport(export, ImportOptions.of(ZoneOffset.UTC), null)
          .recordsAppended();
    }
  }

  /** The records an import of a generated export gives, in archive order. */
  static List<Record> records(long messages) throws IOException, dev.coffer.connectors.whatsapp.export.ExportRefusedException {
    Path file = export(messages);
    try (Archive archive = Archives.inMemory(ArchiveOptions.defaults())) {
      new WhatsAppExportImporter(archive).importExport(file, ImportOptions.of(ZoneOffset.UTC), null);
      List<Record> out = new ArrayList<>();
      archive.scan(1, sr -> out.add(sr.record()));
      return out;
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
