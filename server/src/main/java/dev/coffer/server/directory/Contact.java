package dev.coffer.server.directory;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An external contact: a person outside the firm whom an employee named in a business number's
 * contact book (today: the WhatsApp Business app's contact book, synced on coexistence numbers by
 * {@code smb_app_state_sync}). Unlike an {@link Employee}, a contact is never a custodian: it only
 * gives a handle a name, the name an employee typed, valid for that one contact book (the same
 * number may carry different names in two books). Contacts are not imported by an admin: they are
 * derived from archived contact-sync records ({@link ContactBook}), so they can be rebuilt from the
 * archive alone, and a removal keeps the contact with its history (evidence of what the book said
 * when).
 *
 * @param handle the contact's handle as records carry it (E.164 where it reads as a phone number)
 * @param name the name saved in the book at the latest change (full name, else first name); may be
 *     null when the book held the number without a name
 * @param businessNumber the business number whose contact book this is (E.164 where it reads as one)
 * @param channel the channel the book belongs to ({@code whatsapp})
 * @param source where the entry comes from: connector and webhook field, e.g.
 *     {@code whatsapp-cloud-api smb_app_state_sync}
 * @param syncedAt when the latest change was made in the app (or received, when the sync had no time)
 * @param removedAt when the contact was removed from the book, or null while it is in it
 * @param history every change, oldest first: what the book said when, and the record that proves it
 */
public record Contact(String handle, String name, String businessNumber, String channel, String source,
    Instant syncedAt, Instant removedAt, List<Change> history) {
  public Contact {
    Objects.requireNonNull(handle, "handle");
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(source, "source");
    history = List.copyOf(history);
  }

  /** True while the contact is in the book (not removed by its latest change). */
  public boolean current() {
    return removedAt == null;
  }

  /**
   * One change to a contact.
   *
   * @param action {@code add}, {@code remove} or the word the source used
   * @param name the name the change carried, may be null
   * @param at when the change was made
   * @param recordId the archived {@code system} record of the change
   */
  public record Change(String action, String name, Instant at, String recordId) {}

  /** Not the handle or name: {@code toString} may reach a log. */
  @Override
  public String toString() {
    return "Contact[channel=" + channel + ", changes=" + history.size() + ", current=" + current() + "]";
  }
}
