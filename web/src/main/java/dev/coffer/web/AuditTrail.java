package dev.coffer.web;

import dev.coffer.archive.Archive;
import dev.coffer.model.Audit;
import dev.coffer.model.Ids;
import dev.coffer.model.Party;
import dev.coffer.model.Source;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends an {@link Audit} record for every human act in the web app: who (user name and role),
 * when, from where (the client's IP address) and what (action, target ids, facts such as the query).
 * The record is durable before the page that it describes is sent (invariant 7: access is evidence;
 * if the audit record cannot be written, the access fails).
 */
final class AuditTrail {
  static final String CONNECTOR = "coffer-web";
  private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);

  private final Archive archive;
  private final Clock clock;

  AuditTrail(Archive archive, Clock clock) {
    this.archive = archive;
    this.clock = clock;
  }

  /**
   * Archives one act.
   *
   * @param who the user name (or the name typed at a failed sign-in)
   * @param role the user's role label, or null before sign-in
   * @param address the client's address
   */
  void record(String who, String role, String address, String action, List<String> targets,
      Map<String, String> detail, boolean breakGlass) throws IOException {
    Instant now = clock.instant();
    Map<String, String> d = new LinkedHashMap<>();
    if (detail != null) {
      detail.forEach((k, v) -> {
        if (v != null) {
          d.put(k, v.length() > 2000 ? v.substring(0, 2000) + "…" : v);
        }
      });
    }
    if (role != null) {
      d.put("role", role);
    }
    if (breakGlass) {
      d.put("break_glass", "true");
    }
    d.put("via", "web");
    String id = Ids.derive("coffer/audit", who, now.toString(), action, UUID.randomUUID().toString());
    List<String> t = targets == null ? List.of() : targets.size() > 200 ? targets.subList(0, 200) : targets;
    archive.append(List.of(new Audit(id, "coffer", null, new Party("web:" + who, null), now, null, action, t, d,
        address, new Source(CONNECTOR, null, null, null, null))));
    if (breakGlass) {
      // ids only: never content
      LOG.warn("break-glass access by user {} from {}: {} {}", who, address, action, t);
    }
  }
}
