package dev.coffer.connectors.whatsapp.cloud;

import java.time.Instant;
import java.util.Objects;

/**
 * One contact-book change from the WhatsApp Business app on a coexistence number
 * ({@code smb_app_state_sync}), for the directory to consume. The same change is also archived as a
 * {@code system} record ({@link #recordId}), so the evidence does not depend on the directory.
 *
 * @param businessPhoneNumberId the business number's phone number id; null when read back from an
 *     archived record ({@link #of}), which names the business number only
 * @param businessNumber the business number as E.164 when it reads as one, else as given
 * @param phone the contact's number as E.164 when it reads as one, else as given; may be null
 * @param fullName the name the employee saved, may be null
 * @param firstName may be null
 * @param action whether the contact was added (or changed) or removed
 * @param at when the app recorded the change, or when Coffer received it if the payload has no time
 * @param recordId id of the archived record for this change
 */
public record ContactSync(
    String businessPhoneNumberId,
    String businessNumber,
    String phone,
    String fullName,
    String firstName,
    Action action,
    Instant at,
    String recordId) {
  public ContactSync {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(recordId, "recordId");
  }

  /** The summary text of the archived record of a contact-book change: this, then the action word. */
  static final String TEXT_PREFIX = "contact book: ";

  /**
   * The contact-book change an archived record holds, if it is one: a {@code system} record of this
   * connector made from an {@code smb_app_state_sync} contact item (see {@code ChangeMapper}). This is
   * how the directory rebuilds its contacts from the archive alone (they are derived state).
   */
  public static java.util.Optional<ContactSync> of(dev.coffer.model.Record record) {
    if (!(record instanceof dev.coffer.model.SystemEvent s) || s.source() == null
        || !CloudApiWebhook.CONNECTOR.equals(s.source().connector()) || s.text() == null
        || !s.text().startsWith(TEXT_PREFIX) || s.detail() == null || !s.detail().containsKey("action")) {
      return java.util.Optional.empty();
    }
    String word = s.detail().get("action");
    String business = s.actor() == null ? null : s.actor().handle();
    return java.util.Optional.of(new ContactSync(null, business, s.detail().get("phone"),
        s.detail().get("full_name"), s.detail().get("first_name"), Action.of(word), s.sentAt(), s.id()));
  }

  /** What happened to the contact. */
  public enum Action {
    ADD,
    REMOVE,
    /** Any other action word; the archived record keeps the word. */
    OTHER;

    /** The action a sync item's {@code action} word means. */
    static Action of(String word) {
      return switch (word == null ? "" : word) {
        case "add", "edit", "update" -> ADD;
        case "remove", "delete" -> REMOVE;
        default -> OTHER;
      };
    }
  }
}
