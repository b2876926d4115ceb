package dev.coffer.search;

import dev.coffer.archive.retention.Disposition;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/**
 * Runs a legal hold's query through the search index: every content record id (audit records
 * excluded) it matches now, all pages. Shared by {@code coffer hold}/{@code coffer dispose} and the
 * server's scheduled disposition, so a query hold means the same thing on every path.
 */
public final class IndexHoldQueries implements Disposition.HoldQueries {
  /** Every kind the index knows but {@code audit}. */
  public static final Set<String> CONTENT_KINDS = SearchRequest.KINDS.stream()
      .filter(k -> !k.equals("audit")).collect(java.util.stream.Collectors.toUnmodifiableSet());

  private final SearchIndex index;

  public IndexHoldQueries(SearchIndex index) {
    this.index = index;
  }

  @Override
  public Set<String> matching(String query) throws IOException {
    Set<String> ids = new HashSet<>();
    String after = null;
    do {
      SearchResults page = index.search(SearchRequest.builder().query(query).kinds(CONTENT_KINDS)
          .sort(SearchRequest.Sort.OLDEST).limit(1000).after(after).build());
      for (Hit h : page.hits()) {
        ids.add(h.id());
      }
      after = page.nextCursor();
    } while (after != null);
    return ids;
  }
}
