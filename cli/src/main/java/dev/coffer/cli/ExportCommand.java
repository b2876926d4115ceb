package dev.coffer.cli;

import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.archive.StoredRecord;
import dev.coffer.model.Record;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Write archived records in serial order, one per line. jsonl (the default): "
          + "{\"record\":<the archived canonical coffer/1 bytes, verbatim>,\"serial\":N,\"digest\":…,"
          + "\"resolution\":{…}}, where resolution names the custodian (the employee behind the record's "
          + "handles) as the directory resolves it at export time and as the directory in force when the record was "
          + "archived: a reading of the directory, not part of the evidence. canonical: the archived bytes "
          + "alone, so every line's SHA-256 is that record's digest.",
      "The export itself is archived as an audit record naming the directory version it used."
    })
final class ExportCommand implements Callable<Integer> {
  /** Output formats; more (EML, RSMF, PDF) come with the export issue. */
  enum Format { jsonl, canonical }

  @Option(names = "--format", defaultValue = "jsonl", description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format format;

  @Option(names = "--conversation", paramLabel = "ID", description = "Only this conversation.")
  String conversation;

  @Option(names = "--out", paramLabel = "FILE", description = "Write to FILE (refuses to overwrite) instead of standard output.")
  Path out;

  @Mixin RoleOption role;

  @Mixin DataDirOption data;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    role.signIn(data.resolve());
    Output output = new Output(spec.commandLine().getOut(), spec.commandLine().getErr(), out == null);
    // The archive alone: an export must work even when the derived search index is damaged.
    Path dir = data.resolve();
    try (Archive archive = Archives.open(dir, ArchiveOptions.defaults())) {
      long[] written = {0};
      CustodianResolution resolution = format == Format.jsonl ? CustodianResolution.open(archive, dir) : null;
      // Restricted records leave only with the compliance role. The export reads the archive alone
      // (no search index), so it asks the archive's retention state.
      java.util.Set<String> hidden = role.seesRestricted() ? java.util.Set.of() : archive.retention().restrictions().keySet();
      try (OutputStream sink = out == null
          ? new NonClosing(System.out)
          : new BufferedOutputStream(Files.newOutputStream(out, StandardOpenOption.CREATE_NEW), 1 << 16);
          Progress progress = out == null ? Progress.start(output, "", 0, "", 1)
              : Progress.start(new Output(output.out(), output.err(), false), "Exporting", archive.size(), "rec", 1)) {
        archive.scan(1, (StoredRecord sr) -> {
          progress.by(1);
          if (resolution != null) {
            resolution.observe(sr.record());
          }
          if (!hidden.isEmpty() && hidden.contains(sr.record().id())) {
            return true;
          }
          if (conversation != null) {
            Record r = sr.record();
            if (r.conversation() == null || !conversation.equals(r.conversation().id())) {
              return true;
            }
          }
          if (resolution == null) {
            sink.write(sr.canonical());
          } else {
            resolution.writeEnvelope(sink, sr);
          }
          sink.write('\n');
          written[0]++;
          return true;
        });
      }
      Map<String, String> detail = new LinkedHashMap<>();
      detail.put("format", format.name());
      detail.put("records", Long.toString(written[0]));
      detail.put("role", role.resolve());
      if (resolution != null) {
        detail.put("directory", String.valueOf(resolution.version()));
      }
      if (conversation != null) {
        detail.put("conversation", conversation);
      }
      if (out != null) {
        detail.put("file", out.toAbsolutePath().toString());
      }
      Workspace.audit(archive, role.who(), "export", conversation == null ? List.of() : List.of(conversation), detail);
      if (out != null) {
        output.err().println("Exported " + written[0] + " records to " + out);
        output.err().flush();
      }
    }
    return Coffer.OK;
  }

  /** Standard output must stay open after the export for the JVM's own use. */
  private static final class NonClosing extends java.io.FilterOutputStream {
    NonClosing(OutputStream out) {
      super(new BufferedOutputStream(out, 1 << 16));
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
