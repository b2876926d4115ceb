package dev.coffer.model;

import java.time.Instant;
import java.util.Objects;

/**
 * The bytes of an attachment that an earlier record archived as {@code pending}, delivered later
 * (a webhook announces media by id; Coffer fetches the file afterwards). The earlier record stays as
 * it was; this record says which of its attachments is now complete and with which blob.
 *
 * <p>It is not an {@link Edit}: nobody changed the message, the archive only received what the
 * message already referred to. {@link #sentAt()} is when the bytes were stored; {@link #sender()} is
 * null (no participant acted).
 *
 * @param target id of the record whose attachment this completes
 * @param index position of the attachment in the target's {@code attachments}
 * @param attachment the attachment as complete: {@code sha256} names the archived blob, never pending
 */
public record Completion(
    String id,
    String channel,
    Conversation conversation,
    Party sender,
    Instant sentAt,
    String sourceTime,
    String target,
    int index,
    Attachment attachment,
    Source source)
    implements Record {

  public Completion {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(attachment, "attachment");
    Objects.requireNonNull(source, "source");
    if (index < 0) {
      throw new IllegalArgumentException("index must be >= 0, not " + index);
    }
  }
}
