package dev.coffer.model;

import java.time.Instant;
import java.util.Objects;

/**
 * Input that could not be read as anything else, kept verbatim with the reason: nothing is lost.
 *
 * @param text the input as text (undecodable bytes replaced by U+FFFD; the raw original keeps the bytes)
 * @param diagnostic why it could not be read, in words an operator understands
 */
public record Unparsed(
    String id,
    String channel,
    Conversation conversation,
    Party sender,
    Instant sentAt,
    String sourceTime,
    String text,
    String diagnostic,
    Source source)
    implements Record {

  public Unparsed {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(diagnostic, "diagnostic");
    Objects.requireNonNull(source, "source");
  }
}
