package dev.coffer.cli;

import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.search.SearchIndex;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "reindex",
    mixinStandardHelpOptions = true,
    description = {
      "Drop the search index and rebuild it from the archive alone (the index is derived state). "
          + "Also rebuilds the archive's id index when --ids is given."
    })
final class ReindexCommand implements Callable<Integer> {
  @Option(names = "--ids", description = "Also drop and rebuild the archive's id index (dedupe lookups).")
  boolean ids;

  @Mixin JsonOption jsonOption;

  @Mixin DataDirOption data;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Output output = jsonOption.output(spec);
    Path dir = data.resolve();
    if (ids) {
      Archives.dropIdIndex(dir);
    }
    long started = System.nanoTime();
    long n;
    try (Archive archive = Archives.open(dir, ArchiveOptions.defaults());
        Progress p = Progress.start(output, "Reindexing", archive.size(), "rec", 1)) {
      n = SearchIndex.rebuild(Workspace.indexDir(dir), archive, p::to);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("records_indexed", n);
    result.put("seconds", Math.round(seconds * 1000) / 1000.0);
    output.json(result);
    output.line(String.format("Rebuilt the search index from the archive: %d records in %.1f s.", n, seconds));
    return Coffer.OK;
  }
}
