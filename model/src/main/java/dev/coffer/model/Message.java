package dev.coffer.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A message someone sent: text, media, location, contact, poll, sticker.
 *
 * <p>{@code edited} means the source showed the message as edited (an export keeps only the final
 * text); {@code deleted} means the source showed only a deletion placeholder, whose text is kept in
 * {@link #text()}. Edits and deletions that the source delivers as events are {@link Edit} and
 * {@link Delete} records instead, which point here.
 */
public record Message(
    String id,
    String channel,
    Conversation conversation,
    Party sender,
    Instant sentAt,
    String sourceTime,
    String text,
    List<Attachment> attachments,
    String replyTo,
    @JsonInclude(Include.NON_DEFAULT) boolean forwarded,
    @JsonInclude(Include.NON_DEFAULT) boolean edited,
    @JsonInclude(Include.NON_DEFAULT) boolean deleted,
    Location location,
    ContactCard contact,
    Poll poll,
    @JsonInclude(Include.NON_DEFAULT) boolean sticker,
    @JsonInclude(Include.NON_DEFAULT) boolean viewOnce,
    List<Party> recipients,
    Source source)
    implements Record {

  public Message {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(source, "source");
    attachments = attachments == null || attachments.isEmpty() ? null : List.copyOf(attachments);
    recipients = recipients == null || recipients.isEmpty() ? null : List.copyOf(recipients);
  }

  /** Attachments, never null. */
  public List<Attachment> attachmentList() {
    return attachments == null ? List.of() : attachments;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link Message}; {@code id}, {@code channel} and {@code source} are required. */
  public static final class Builder {
    private String id;
    private String channel;
    private Conversation conversation;
    private Party sender;
    private Instant sentAt;
    private String sourceTime;
    private String text;
    private List<Attachment> attachments;
    private String replyTo;
    private boolean forwarded;
    private boolean edited;
    private boolean deleted;
    private Location location;
    private ContactCard contact;
    private Poll poll;
    private boolean sticker;
    private boolean viewOnce;
    private List<Party> recipients;
    private Source source;

    private Builder() {}

    public Builder id(String v) { id = v; return this; }
    public Builder channel(String v) { channel = v; return this; }
    public Builder conversation(Conversation v) { conversation = v; return this; }
    public Builder sender(Party v) { sender = v; return this; }
    public Builder sentAt(Instant v) { sentAt = v; return this; }
    public Builder sourceTime(String v) { sourceTime = v; return this; }
    public Builder text(String v) { text = v; return this; }
    public Builder attachments(List<Attachment> v) { attachments = v; return this; }
    public Builder replyTo(String v) { replyTo = v; return this; }
    public Builder forwarded(boolean v) { forwarded = v; return this; }
    public Builder edited(boolean v) { edited = v; return this; }
    public Builder deleted(boolean v) { deleted = v; return this; }
    public Builder location(Location v) { location = v; return this; }
    public Builder contact(ContactCard v) { contact = v; return this; }
    public Builder poll(Poll v) { poll = v; return this; }
    public Builder sticker(boolean v) { sticker = v; return this; }
    public Builder viewOnce(boolean v) { viewOnce = v; return this; }
    public Builder recipients(List<Party> v) { recipients = v; return this; }
    public Builder source(Source v) { source = v; return this; }

    public Message build() {
      return new Message(id, channel, conversation, sender, sentAt, sourceTime, text, attachments,
          replyTo, forwarded, edited, deleted, location, contact, poll, sticker, viewOnce, recipients,
          source);
    }
  }
}
