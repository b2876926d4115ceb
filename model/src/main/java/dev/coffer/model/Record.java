package dev.coffer.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;

/**
 * One canonical record in the {@code coffer/1} shape: everything Coffer archives is one of these.
 *
 * <p>The variants are closed on purpose: a new kind breaks every exhaustive {@code switch} until each
 * place that must handle it does. The JSON field {@code kind} names the variant; see
 * {@link RecordJson} for the serialized form and {@code docs/record-format.md} for the field list.
 *
 * <p>Common fields: {@link #id()} derives from the record's natural key ({@link Ids}), so a re-delivered
 * item gets the same id; {@link #sentAt()} is UTC; {@link #sourceTime()} keeps the source's own text for
 * the time when the source gave text; {@link #source()} is the provenance (connector, raw original's
 * digest, line or byte range). Fields that do not apply are {@code null} and are omitted from JSON.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "kind")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Message.class, name = "message"),
    @JsonSubTypes.Type(value = SystemEvent.class, name = "system"),
    @JsonSubTypes.Type(value = Call.class, name = "call"),
    @JsonSubTypes.Type(value = Reaction.class, name = "reaction"),
    @JsonSubTypes.Type(value = Edit.class, name = "edit"),
    @JsonSubTypes.Type(value = Delete.class, name = "delete"),
    @JsonSubTypes.Type(value = Receipt.class, name = "receipt"),
    @JsonSubTypes.Type(value = Consent.class, name = "consent"),
    @JsonSubTypes.Type(value = Unparsed.class, name = "unparsed"),
    @JsonSubTypes.Type(value = Audit.class, name = "audit"),
    @JsonSubTypes.Type(value = Completion.class, name = "completion"),
})
public sealed interface Record
    permits Message, SystemEvent, Call, Reaction, Edit, Delete, Receipt, Consent, Unparsed, Audit,
        Completion {

  /** The schema name every record carries. */
  String SCHEMA = "coffer/1";

  /** Stable id derived from the natural key (see {@link Ids}). */
  String id();

  /** {@code whatsapp}, {@code wechat}, {@code wecom}, or {@code coffer} for Coffer's own audit records. */
  String channel();

  /**
   * The conversation the record belongs to; {@code null} only for audit records, unreadable input
   * and platform events about an account rather than a conversation.
   */
  Conversation conversation();

  /** Who sent it (or, for audit records, who acted); {@code null} when the source does not say. */
  Party sender();

  /** When it was sent, in UTC; {@code null} when the source gave no readable time. */
  Instant sentAt();

  /** The source's own text for the time, when the source gave text. */
  String sourceTime();

  /** Where it came from. */
  Source source();

  /** The JSON {@code kind} of this record. */
  @JsonIgnore
  default String kind() {
    return switch (this) {
      case Message m -> "message";
      case SystemEvent s -> "system";
      case Call c -> "call";
      case Reaction r -> "reaction";
      case Edit e -> "edit";
      case Delete d -> "delete";
      case Receipt r -> "receipt";
      case Consent c -> "consent";
      case Unparsed u -> "unparsed";
      case Audit a -> "audit";
      case Completion c -> "completion";
    };
  }
}
