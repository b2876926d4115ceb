package dev.coffer.model;

import java.util.Objects;

/**
 * The conversation a record belongs to.
 *
 * @param id stable id derived from the channel's natural conversation key (see {@link Ids})
 * @param kind direct (1:1) or group
 * @param title as the source shows it (group subject, contact name, export file name); may be null
 */
public record Conversation(String id, ConversationKind kind, String title) {
  public Conversation {
    Objects.requireNonNull(id, "conversation.id");
    Objects.requireNonNull(kind, "conversation.kind");
  }
}
