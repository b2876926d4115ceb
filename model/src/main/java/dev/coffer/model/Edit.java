package dev.coffer.model;

import java.time.Instant;
import java.util.Objects;

/**
 * An edit of an earlier message; the earlier record stays as it was.
 *
 * @param target id of the edited record
 * @param text the new text
 */
public record Edit(
    String id,
    String channel,
    Conversation conversation,
    Party sender,
    Instant sentAt,
    String sourceTime,
    String target,
    String text,
    Source source)
    implements Record {

  public Edit {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(source, "source");
  }
}
