package dev.coffer.archive;

import dev.coffer.model.Audit;
import dev.coffer.model.Ids;
import dev.coffer.model.Party;
import dev.coffer.model.Source;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What opening an archive had to repair, gathered while it opens and then kept as one {@code audit}
 * record (action {@value #ACTION}) so the evidence says when the archive recovered and how. Nothing is
 * recorded after a clean close with nothing to repair.
 */
final class Recovery {
  /** The audit record's action. */
  static final String ACTION = "recover";

  private final boolean unclean;
  private final Map<String, String> detail = new LinkedHashMap<>();
  private final List<String> targets = new ArrayList<>();

  Recovery(boolean unclean) {
    this.unclean = unclean;
    if (unclean) {
      detail.put("previous_shutdown", "unclean (the last writer did not close the archive)");
    }
  }

  boolean unclean() {
    return unclean;
  }

  /** Notes one fact under {@code name}. */
  void note(String name, String fact) {
    detail.merge(name, fact, (a, b) -> a + "; " + b);
  }

  /** Names an object the repair concerned (a quarantined segment's key). */
  void target(String key) {
    targets.add(key);
  }

  /** Notes the temporary files an interrupted write left in {@code dir} (removed when the store opens). */
  void leftovers(Path dir, String name) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    int files = 0;
    long bytes = 0;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        if (Files.isRegularFile(p)) {
          files++;
          bytes += Files.size(p);
        }
      }
    }
    if (files > 0) {
      note("discarded_temporary_files", files + " in " + name + " (" + bytes + " bytes, never acknowledged)");
    }
  }

  boolean happened() {
    return !detail.isEmpty();
  }

  Map<String, String> detail() {
    return Map.copyOf(detail);
  }

  /** The audit record: who is the archive itself, when is the archive clock's now. */
  Audit audit(String archiveId, long size, Instant now) {
    String id = Ids.derive("coffer/recovery", archiveId, Long.toString(size), now.toString());
    Map<String, String> d = new LinkedHashMap<>(detail);
    d.put("records_after_recovery", Long.toString(size));
    return new Audit(id, "coffer", null, new Party("coffer:archive", null), now, null, ACTION, targets, d, null,
        new Source("coffer-archive", null, null, null, null));
  }
}
