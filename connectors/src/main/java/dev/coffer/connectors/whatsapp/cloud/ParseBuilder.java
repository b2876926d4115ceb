package dev.coffer.connectors.whatsapp.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.model.Conversation;
import dev.coffer.model.Party;
import dev.coffer.model.Record;
import dev.coffer.model.Source;
import dev.coffer.model.Unparsed;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Collects what one webhook body becomes; one instance per {@link CloudApiWebhook#parse} call. */
final class ParseBuilder {
  static final String CONNECTOR = "whatsapp-cloud-api";
  static final String CHANNEL = "whatsapp";

  final String raw;
  final Instant receivedAt;
  final List<Record> records = new ArrayList<>();
  final List<MediaRef> media = new ArrayList<>();
  final List<String> diagnostics = new ArrayList<>();
  final List<HistoryChunk> history = new ArrayList<>();
  final List<ContactSync> contacts = new ArrayList<>();

  ParseBuilder(String raw, Instant receivedAt) {
    this.raw = raw;
    this.receivedAt = receivedAt;
  }

  /**
   * Handles already worked out in this body: a history chunk names the same two parties in every
   * message, and reading a phone number (libphonenumber) is most of a message's parsing cost. Kept
   * for one body only, so no phone numbers linger in memory past the parse.
   */
  private final java.util.Map<String, String> handles = new java.util.HashMap<>();

  String handle(String id) {
    if (id == null) {
      return null;
    }
    return handles.computeIfAbsent(id, Handles::handle);
  }

  /** A party for an id with an optional display name; null when both are null. */
  Party party(String id, String name) {
    if (id == null && name == null) {
      return null;
    }
    return new Party(handle(id), name);
  }

  Source source(String nativeId, String pointer) {
    return new Source(CONNECTOR, nativeId, raw, pointer, null);
  }

  void add(Record r) {
    records.add(r);
  }

  void diagnostic(String pointer, String what) {
    diagnostics.add(pointer + ": " + what);
  }

  /**
   * Keeps {@code item} verbatim as an {@link Unparsed} record. The id is derived from the item's
   * text, so a re-delivery of the same item does not add a second one.
   */
  void unparsed(JsonNode item, String field, String pointer, String diagnostic,
      Conversation conversation, Party sender, Instant sentAt, String nativeId) {
    String text = Json.text(item);
    add(new Unparsed(CloudIds.content("unparsed", field, text), CHANNEL, conversation, sender,
        sentAt != null ? sentAt : receivedAt, null, text, diagnostic, source(nativeId, pointer)));
    diagnostic(pointer, "kept as unparsed: " + diagnostic);
  }

  WebhookParse build() {
    return new WebhookParse(records, media, diagnostics, history, contacts);
  }
}
