package dev.coffer.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A deletion ("revoke") of an earlier message; the earlier record and its content stay archived.
 *
 * @param target id of the deleted record
 * @param by who deleted it (the sender, or a group admin)
 */
public record Delete(
    String id,
    String channel,
    Conversation conversation,
    Party sender,
    Instant sentAt,
    String sourceTime,
    String target,
    Party by,
    Source source)
    implements Record {

  public Delete {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(source, "source");
  }
}
