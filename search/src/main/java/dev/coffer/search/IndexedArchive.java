package dev.coffer.search;

import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.LongConsumer;

/**
 * An open archive with its search index kept in step: the index subscribes to the archive's commits
 * and, on open, catches up with anything archived while it was not running (it is derived state).
 * The CLI and the server both open a data directory through this class.
 */
public final class IndexedArchive implements Closeable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(IndexedArchive.class);
  private final Path dataDir;
  private final Archive archive;
  private final SearchIndex index;

  private IndexedArchive(Path dataDir, Archive archive, SearchIndex index) {
    this.dataDir = dataDir;
    this.archive = archive;
    this.index = index;
  }

  /** Told how far the index is behind before catching up, then how many records it has indexed so far. */
  public interface CatchUpProgress {
    /** @return receives the number of records caught up so far (from 0 to {@code behind}) */
    LongConsumer starting(long behind);

    /** Called once the index is up to date (only when there was something to catch up). */
    default void finished() {}

    CatchUpProgress SILENT = behind -> done -> {};
  }

  /** The search index's directory inside a data directory. */
  public static Path indexDir(Path dataDir) {
    return dataDir.resolve("index");
  }

  /**
   * Opens the archive at {@code dataDir} and its index, subscribing the index first and then catching
   * up, so nothing committed during the catch-up can be missed.
   *
   * <p>An index written in another format (an older Coffer) is rebuilt from the archive first, with
   * {@code progress} told the archive's size.
   *
   * @throws dev.coffer.archive.NoArchiveException if there is no archive there
   * @throws IOException if the index cannot be brought up to date (a search over a lagging index would
   *     silently miss records, so this refuses); the archive is closed again
   */
  public static IndexedArchive open(Path dataDir, ArchiveOptions options, CatchUpProgress progress)
      throws IOException {
    return open(dataDir, options, SearchOptions.defaults(), progress);
  }

  /**
   * As {@link #open(Path, ArchiveOptions, CatchUpProgress)}, with the index's options (the server
   * refreshes less often than the default: {@code docs/server.md}).
   */
  public static IndexedArchive open(Path dataDir, ArchiveOptions options, SearchOptions searchOptions,
      CatchUpProgress progress) throws IOException {
    Archive archive = Archives.open(dataDir, options);
    SearchIndex index = null;
    try {
      try {
        index = SearchIndex.open(indexDir(dataDir), searchOptions, archive.encryption());
      } catch (StaleIndexException e) {
        // Derived state in an older layout (or from elsewhere): build it again from the archive.
        LOG.warn("search index at {} must be rebuilt ({}); rebuilding from the archive", indexDir(dataDir), e.getMessage());
        SearchIndex.rebuild(indexDir(dataDir), archive, progress.starting(archive.size()), searchOptions);
        progress.finished();
        index = SearchIndex.open(indexDir(dataDir), searchOptions, archive.encryption());
      }
      archive.addCommitListener(index);
      archive.addDisposalListener(index); // records disposition removes leave the index too
      long behind = archive.size() - index.indexedThrough();
      if (behind > 0) {
        try {
          // catchUp reports how many records it has indexed in this call (not a serial).
          index.catchUp(archive, progress.starting(behind));
          progress.finished();
        } catch (IOException | RuntimeException e) {
          throw new IOException("the search index could not be brought up to date with the archive ("
              + e.getMessage() + "); the archive is unaffected: run 'coffer reindex', and 'coffer verify'", e);
        }
      }
      return new IndexedArchive(dataDir, archive, index);
    } catch (IOException | RuntimeException e) {
      if (index != null) {
        index.close();
      }
      archive.close();
      throw e;
    }
  }

  public Path dataDir() {
    return dataDir;
  }

  public Archive archive() {
    return archive;
  }

  public SearchIndex index() {
    return index;
  }

  /** Closes the index, then the archive. */
  @Override
  public void close() throws IOException {
    try {
      index.close();
    } finally {
      archive.close();
    }
  }
}
