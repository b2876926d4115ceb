package dev.coffer.search;

import java.util.List;

/**
 * One page of search results.
 *
 * @param totalHits how many records match; exact when {@code totalExact}, else a lower bound (counting
 *     stops at {@link SearchIndex#EXACT_TOTAL_UP_TO} so that a query matching millions stays fast)
 * @param totalExact whether {@code totalHits} is exact
 * @param hits this page's hits, best (or first in time order) first
 * @param nextCursor pass to {@link SearchRequest.Builder#after} for the next page; null when this page
 *     is the last. Cursors page in constant time however deep, unlike {@code offset}
 */
public record SearchResults(long totalHits, boolean totalExact, List<Hit> hits, String nextCursor) {
  public SearchResults {
    hits = List.copyOf(hits);
  }
}
