package dev.coffer.server;

import dev.coffer.archive.Archive;
import dev.coffer.search.SearchIndex;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

/**
 * What the running server shares with its endpoints and {@link ServerExtension}s. The archive and the
 * index are open for the server's lifetime (the index follows the archive's commits, so a record is
 * searchable once its append returns and the index refreshes); do not close them.
 *
 * @param dataDir the data directory
 * @param archive the archive (thread-safe; concurrent appends share group commits)
 * @param index the search index kept in step with the archive
 * @param clock the time source (tests control it)
 * @param config the validated configuration (secrets are redacted in its {@code toString})
 * @param health capture health: per connector counts, last record times, failures, alerts
 * @param directories the directory in force (re-read when an import changes it) and the external
 *     contacts synced so far
 */
public record ServerContext(
    Path dataDir, Archive archive, SearchIndex index, Clock clock, ServerConfig config, CaptureHealth health,
    dev.coffer.server.directory.DirectoryView directories) {
  public ServerContext {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(archive, "archive");
    Objects.requireNonNull(index, "index");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(health, "health");
    Objects.requireNonNull(directories, "directories");
  }

  /**
   * The directory in force (employees and their handles, with the external contacts synced so far):
   * resolve a record's custodian with {@link dev.coffer.server.directory.Directory#custodianOf} and name
   * other handles with {@link dev.coffer.server.directory.Directory#resolve}. Re-read from the archive
   * when an import has changed it; callers that resolve many records should keep the result for the
   * request.
   */
  public dev.coffer.server.directory.Directory directory() throws java.io.IOException {
    return directories.current();
  }
}
