package dev.coffer.cli;

import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.model.Audit;
import dev.coffer.model.Ids;
import dev.coffer.model.Party;
import dev.coffer.model.Source;
import dev.coffer.search.IndexedArchive;
import dev.coffer.search.SearchIndex;
import dev.coffer.search.SearchOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An open archive with its search index kept in step: the index subscribes to the archive's commits
 * and, on open, catches up with anything archived while it was not running (it is derived state).
 */
final class Workspace implements AutoCloseable {
  final Path dir;
  final Archive archive;
  final SearchIndex index;

  private final IndexedArchive opened;

  private Workspace(Path dir, Archive archive, SearchIndex index, IndexedArchive opened) {
    this.dir = dir;
    this.archive = archive;
    this.index = index;
    this.opened = opened;
  }

  /** The search index's directory inside a data directory. */
  static Path indexDir(Path dataDir) {
    return IndexedArchive.indexDir(dataDir);
  }

  static Workspace open(Path dir, Output output) throws IOException {
    Progress[] bar = new Progress[1];
    IndexedArchive.CatchUpProgress progress = new IndexedArchive.CatchUpProgress() {
      @Override
      public java.util.function.LongConsumer starting(long behind) {
        bar[0] = Progress.start(output, "Indexing", behind, "rec", 1);
        return bar[0]::to;
      }

      @Override
      public void finished() {
        bar[0].close();
        bar[0] = null;
      }
    };
    try {
      IndexedArchive ia = IndexedArchive.open(dir, ArchiveOptions.defaults(), progress);
      return new Workspace(dir, ia.archive(), ia.index(), ia);
    } finally {
      if (bar[0] != null) {
        bar[0].close();
      }
    }
  }

  /** Archives an audit record of a human act (invariant 7: every access to content is evidence). */
  void audit(Actor actor, String action, List<String> targets, Map<String, String> detail)
      throws IOException {
    audit(archive, actor, action, targets, detail);
  }

  /** Archives an audit record through an archive opened without the search index. */
  static void audit(Archive archive, Actor actor, String action, List<String> targets,
      Map<String, String> detail) throws IOException {
    Instant now = Instant.now();
    String id = Ids.derive("coffer/audit", actor.name(), now.toString(), action, UUID.randomUUID().toString());
    archive.append(List.of(new Audit(id, "coffer", null, new Party(actor.name(), null), now, null,
        action, targets, detail, actor.host(), new Source("coffer-cli", null, null, null, null))));
  }

  @Override
  public void close() throws IOException {
    opened.close();
  }
}
