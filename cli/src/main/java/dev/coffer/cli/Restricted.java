package dev.coffer.cli;

import dev.coffer.archive.StoredRecord;
import dev.coffer.archive.retention.RetentionLedger;
import dev.coffer.model.Audit;
import dev.coffer.search.Hit;
import dev.coffer.search.SearchRequest;
import dev.coffer.search.SearchResults;
import java.io.IOException;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The ids of restricted records, for commands that must hide them from everyone but compliance.
 *
 * <p>Found through the search index, which is caught up with the archive before any command reads
 * it: the audit records whose text holds "restrict" are candidates, and each candidate is read from
 * the archive and counts only if it is a {@code restrict} record. This costs a few reads instead of
 * the pass over every segment {@code Archive.retention()} makes the first time.
 */
final class Restricted {
  private Restricted() {}

  /** Restricted ids to hide from this role: none for compliance. */
  static Set<String> hiddenFrom(RoleOption role, Workspace ws) throws IOException {
    return role.seesRestricted() ? Set.of() : ids(ws);
  }

  static Set<String> ids(Workspace ws) throws IOException {
    Set<String> out = new HashSet<>();
    String after = null;
    do {
      SearchResults page = ws.index.search(SearchRequest.builder().query(RetentionLedger.RESTRICT).kinds("audit")
          .sort(SearchRequest.Sort.OLDEST).limit(1000).after(after).build());
      for (Hit h : page.hits()) {
        Optional<StoredRecord> r = ws.archive.get(h.serial());
        if (r.isPresent() && r.get().record() instanceof Audit a && RetentionLedger.RESTRICT.equals(a.action())
            && a.targets() != null) {
          out.addAll(a.targets());
        }
      }
      after = page.nextCursor();
    } while (after != null);
    return out;
  }
}
