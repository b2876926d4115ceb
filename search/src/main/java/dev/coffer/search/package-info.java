/**
 * The embedded search index: a Lucene projection of the archive, rebuildable from it alone.
 *
 * <p>Start with {@link dev.coffer.search.SearchIndex}:
 *
 * <pre>{@code
 * try (Archive archive = Archives.open(data, ArchiveOptions.defaults());
 *      SearchIndex index = SearchIndex.open(data.resolve("index"), SearchOptions.defaults(), archive.encryption())) {
 *   archive.addCommitListener(index);          // first: nothing committed from now on is missed
 *   index.catchUp(archive, n -> bar.stepTo(n)); // then: whatever the index has not seen yet
 *   SearchResults page = index.search(SearchRequest.builder()
 *       .query("内幕交易 OR \"insider trading\"").from("+1 555 123 4567").limit(20).build());
 * }
 * }</pre>
 *
 * <p>{@link dev.coffer.search.SearchRequest} and {@link dev.coffer.search.SearchResults} /
 * {@link dev.coffer.search.Hit} are the query side; {@link dev.coffer.search.ConversationSummary}
 * and {@link dev.coffer.search.ConversationWindow} serve {@code coffer conversations} and
 * {@code coffer show}. Analysis, document layout and query translation are package-private; the
 * fields and the analysis chain are described in {@code docs/search.md}.
 */
package dev.coffer.search;
