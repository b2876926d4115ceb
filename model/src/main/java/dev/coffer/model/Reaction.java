package dev.coffer.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A reaction to a message.
 *
 * @param target id of the record reacted to (or the source's native id when the target is not yet known)
 * @param emoji the reaction; the empty string means the reaction was removed
 */
public record Reaction(
    String id,
    String channel,
    Conversation conversation,
    Party sender,
    Instant sentAt,
    String sourceTime,
    String target,
    String emoji,
    Source source)
    implements Record {

  public Reaction {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(emoji, "emoji");
    Objects.requireNonNull(source, "source");
  }
}
