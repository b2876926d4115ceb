package dev.coffer.cli;

import dev.coffer.archive.Archives;
import dev.coffer.archive.Mirrors;
import dev.coffer.archive.NoArchiveException;
import dev.coffer.archive.crypto.MasterKeySource;
import dev.coffer.archive.verify.Problem;
import dev.coffer.archive.verify.VerifyListener;
import dev.coffer.archive.verify.VerifyReport;
import dev.coffer.archive.verify.Verifier;
import dev.coffer.search.SearchIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Re-read the whole data directory from scratch: every segment's checksum, every record's digest "
          + "recomputed from its canonical bytes, serials without gaps, the Merkle tree recomputed and "
          + "compared with every signed checkpoint, every signature, every blob rehashed, the key and "
          + "manifest files, and the derived indexes (by their files' checksums and opening their commits; "
          + "--deep also decodes the search index's structures).",
      "Exit status 0 only when nothing is wrong; otherwise 1, naming each file with what was expected "
          + "and what was found.",
      "Verify changes nothing and may run beside a writer (import, server): it then checks the records up to "
          + "the latest signed checkpoint when it started, and says so."
    })
final class VerifyCommand implements Callable<Integer> {
  @Mixin JsonOption jsonOption;

  @Mixin DataDirOption data;

  @Option(names = "--mirror", description = "Also compare the primary copy with the mirror, object by object and "
      + "byte by byte, naming every object missing or different on either side.")
  boolean mirror;

  @Option(names = "--deep", description = "Also decode every structure of the search index (Lucene's CheckIndex: "
      + "postings, stored fields, doc values, points). Without it the search index, derived state that coffer "
      + "reindex rebuilds, is checked by every file's Lucene checksum and by opening its commit, as the id index is.")
  boolean deep;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Output output = jsonOption.output(spec);
    Path dir = data.resolve();
    if (!Archives.exists(dir)) {
      throw new NoArchiveException(dir);
    }
    long started = System.nanoTime();
    VerifyReport report;
    try (Progress p = Progress.start(output, "Verifying", 0, "KiB", 1024)) {
      report = Verifier.verify(dir, new VerifyListener() {
        @Override
        public void progress(long read, long total) {
          p.max(total);
          p.to(read);
        }

        @Override
        public void problem(Problem problem) {
          // Reported in full below; a live hint helps on long runs.
        }
      });
    }
    List<Problem> problems = new ArrayList<>(report.problems());
    Path index = Workspace.indexDir(dir);
    if (Files.isDirectory(index) && report.problems().stream().noneMatch(p -> p.what().startsWith("cannot decrypt"))) {
      for (String p : SearchIndex.check(index, Archives.encryption(dir, MasterKeySource.standard(dir)), deep)) {
        problems.add(new Problem(dir.relativize(index).toString(), "search index damaged (derived state: run coffer reindex): " + p, null, null));
      }
    }
    Mirrors.Comparison comparison = null;
    if (mirror) {
      comparison = Mirrors.compare(dir);
      for (Problem p : comparison.problems()) {
        problems.add(new Problem(p.object(), "mirror: " + p.what(), p.expected(), p.actual()));
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    if (jsonOption.json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("ok", problems.isEmpty());
      m.put("records", report.records());
      m.put("segments", report.segments());
      m.put("checkpoints", report.checkpoints());
      m.put("blobs", report.blobs());
      m.put("bytes_read", report.bytesRead());
      m.put("tree_size", report.treeSize());
      m.put("root", report.rootHex());
      m.put("concurrent_writer", report.concurrentWriter());
      if (comparison != null) {
        Map<String, Object> mm = new LinkedHashMap<>();
        mm.put("location", comparison.location().toString());
        mm.put("primary_objects", comparison.primaryObjects());
        mm.put("mirror_objects", comparison.mirrorObjects());
        mm.put("pending", comparison.pending());
        m.put("mirror", mm);
      }
      m.put("seconds", Math.round(seconds * 1000) / 1000.0);
      List<Map<String, String>> list = new ArrayList<>();
      for (Problem p : problems) {
        Map<String, String> pm = new LinkedHashMap<>();
        pm.put("object", p.object());
        pm.put("what", p.what());
        pm.put("expected", p.expected());
        pm.put("actual", p.actual());
        list.add(pm);
      }
      m.put("problems", list);
      output.json(m);
    } else {
      output.line(String.format("Read %,d bytes in %.1f s: %,d records in %,d segments, %,d checkpoints, %,d blobs.",
          report.bytesRead(), seconds, report.records(), report.segments(), report.checkpoints(), report.blobs()));
      output.line("Merkle tree size " + report.treeSize() + ", root " + report.rootHex());
      if (report.concurrentWriter() != null) {
        output.line("A writer has the archive open (" + report.concurrentWriter() + "): checked records 1.."
            + report.records() + " (the latest signed checkpoint when verify started) and every blob; the derived "
            + "id index is not checked while it changes. Run verify again after the writer stops for a full check.");
      }
      if (comparison != null) {
        output.line("Mirror at " + comparison.location() + ": " + comparison.primaryObjects() + " objects on the primary, "
            + comparison.mirrorObjects() + " on the mirror" + (comparison.pending() == 0 ? ""
                : ", " + comparison.pending() + " still queued for the mirror") + ".");
      }
      if (problems.isEmpty()) {
        output.line("OK: every digest, checksum, signature and serial checks out"
            + (comparison == null ? "." : ", and the mirror holds the same bytes."));
      } else {
        output.line(problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + ":");
        for (Problem p : problems) {
          output.line("  " + p);
        }
      }
    }
    return problems.isEmpty() ? Coffer.OK : Coffer.FAILED;
  }
}
