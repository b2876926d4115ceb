package dev.coffer.cli;

import dev.coffer.archive.retention.Disposition;
import dev.coffer.search.Hit;
import dev.coffer.search.SearchIndex;
import dev.coffer.search.SearchRequest;
import dev.coffer.search.SearchResults;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/** Runs a legal hold's query through the search index: every record id it matches now, all pages. */
final class HoldQueriesFromIndex implements Disposition.HoldQueries {
  private final SearchIndex index;

  HoldQueriesFromIndex(SearchIndex index) {
    this.index = index;
  }

  @Override
  public Set<String> matching(String query) throws IOException {
    Set<String> ids = new HashSet<>();
    String after = null;
    do {
      SearchResults page = index.search(SearchRequest.builder().query(query).kinds(SearchCommand.CONTENT_KINDS)
          .sort(SearchRequest.Sort.OLDEST).limit(1000).after(after).build());
      for (Hit h : page.hits()) {
        ids.add(h.id());
      }
      after = page.nextCursor();
    } while (after != null);
    return ids;
  }
}
