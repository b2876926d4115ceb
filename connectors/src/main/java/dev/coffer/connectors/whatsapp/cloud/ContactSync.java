package dev.coffer.connectors.whatsapp.cloud;

import java.time.Instant;
import java.util.Objects;

/**
 * One contact-book change from the WhatsApp Business app on a coexistence number
 * ({@code smb_app_state_sync}), for the directory to consume. The same change is also archived as a
 * {@code system} record ({@link #recordId}), so the evidence does not depend on the directory.
 *
 * @param businessPhoneNumberId the business number's phone number id
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

  /** What happened to the contact. */
  public enum Action {
    ADD,
    REMOVE,
    /** Any other action word; the archived record keeps the word. */
    OTHER
  }
}
