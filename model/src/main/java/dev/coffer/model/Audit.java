package dev.coffer.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A human act on the archive, kept as evidence: an import, a search, a view, an export, an admin change.
 * {@link #sender()} is who acted; {@link #sentAt()} is when.
 *
 * @param action what was done, e.g. {@code import}, {@code search}, {@code view}, {@code export}
 * @param targets ids of the records or conversations acted on, when there are few enough to list
 * @param detail facts by name (query, file digest, counts, decisions taken and their evidence)
 * @param address where the actor acted from (host, IP address), when known
 */
public record Audit(
    String id,
    String channel,
    Conversation conversation,
    Party sender,
    Instant sentAt,
    String sourceTime,
    String action,
    List<String> targets,
    Map<String, String> detail,
    String address,
    Source source)
    implements Record {

  public Audit {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(sentAt, "sentAt");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(source, "source");
    targets = targets == null || targets.isEmpty() ? null : List.copyOf(targets);
    detail = detail == null || detail.isEmpty() ? null : Map.copyOf(detail);
  }
}
