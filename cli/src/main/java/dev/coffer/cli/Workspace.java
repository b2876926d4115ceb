package dev.coffer.cli;

import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.model.Audit;
import dev.coffer.model.Ids;
import dev.coffer.model.Party;
import dev.coffer.model.Source;
import dev.coffer.search.SearchIndex;
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

  private Workspace(Path dir, Archive archive, SearchIndex index) {
    this.dir = dir;
    this.archive = archive;
    this.index = index;
  }

  /** The search index's directory inside a data directory. */
  static Path indexDir(Path dataDir) {
    return dataDir.resolve("index");
  }

  static Workspace open(Path dir, Output output) throws IOException {
    Archive archive = Archives.open(dir, ArchiveOptions.defaults());
    SearchIndex index = null;
    try {
      index = SearchIndex.open(indexDir(dir));
      // Subscribe first, then catch up: nothing committed during the catch-up can be missed.
      archive.addCommitListener(index);
      long behind = archive.size() - index.indexedThrough();
      if (behind > 0) {
        try (Progress p = Progress.start(output, "Indexing", behind, "rec", 1)) {
          long base = index.indexedThrough();
          index.catchUp(archive, done -> p.to(done - base));
        } catch (IOException | RuntimeException e) {
          // A search over an index that lags the archive would silently miss records: refuse.
          throw new IOException("the search index could not be brought up to date with the archive ("
              + e.getMessage() + "); the archive is unaffected: run 'coffer reindex', and 'coffer verify'", e);
        }
      }
      return new Workspace(dir, archive, index);
    } catch (IOException | RuntimeException e) {
      if (index != null) {
        index.close();
      }
      archive.close();
      throw e;
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
    try {
      index.close();
    } finally {
      archive.close();
    }
  }
}
