package dev.coffer.connectors.whatsapp.cloud;

import dev.coffer.model.Conversation;
import dev.coffer.model.ConversationKind;
import dev.coffer.model.Ids;

/**
 * Natural keys of the Cloud API connector (documented in docs/whatsapp-cloud-api.md). Ids depend on
 * the platform's own ids only, never on the webhook body or its position in it, so a re-delivered,
 * re-batched or out-of-order item gets the id it got the first time.
 */
final class CloudIds {
  static final String NS = "whatsapp-cloud-api/";

  private CloudIds() {}

  /** The message record for a wamid; also what reactions, edits, deletions and receipts target. */
  static String message(String wamid) {
    return Ids.derive(NS + "message", wamid);
  }

  /** A record of another kind carried by its own wamid: reaction, edit, delete, system, referral. */
  static String of(String kind, String wamid) {
    return Ids.derive(NS + kind, wamid);
  }

  /** A status of a message, per recipient (and group participant) and the status's own time. */
  static String receipt(String wamid, String status, String recipient, String participant,
      String timestamp) {
    return Ids.derive(NS + "receipt", wamid, status, recipient, participant, timestamp);
  }

  /** A record without a platform id: its field and the item's JSON text identify it. */
  static String content(String kind, String field, String itemJson) {
    return Ids.derive(NS + kind, field, itemJson);
  }

  /** The completion of attachment {@code index} of record {@code recordId}. */
  static String completion(String recordId, int index) {
    return Ids.derive(NS + "completion", recordId, Integer.toString(index));
  }

  /** A 1:1 conversation: the business number (phone number id) and the customer. */
  static Conversation direct(String phoneNumberId, String customerKey, String title) {
    return new Conversation(Ids.derive(NS + "conversation", phoneNumberId, customerKey),
        ConversationKind.DIRECT, title);
  }

  /** A group conversation: the Groups API's group id (unique across business numbers). */
  static Conversation group(String groupId, String title) {
    return new Conversation(Ids.derive(NS + "group", groupId), ConversationKind.GROUP, title);
  }
}
