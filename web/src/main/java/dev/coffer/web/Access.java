package dev.coffer.web;

import dev.coffer.model.Audit;
import dev.coffer.model.Record;
import dev.coffer.search.ConversationSummary;
import dev.coffer.search.SearchIndex;
import dev.coffer.search.SearchRequest;
import dev.coffer.web.auth.Assignments;
import dev.coffer.web.auth.Role;
import dev.coffer.web.auth.User;
import java.io.IOException;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one signed-in user may see, decided on the server for every query and every fetch.
 *
 * <p>A barrier-confined role (reviewer) sees the conversations assigned to it, every conversation of
 * an assigned channel, and every conversation an assigned person took part in; nothing else — no
 * record outside a conversation (Coffer's own audit records included). The set is resolved from the
 * search index on each request, so a new conversation of an assigned person is visible at once and a
 * removed assignment takes effect at once. Break-glass lifts the barrier for a limited time (every
 * access is then audited as break-glass). Audit records are visible only to roles that read audit.
 * Records the archive marks restricted are visible only to compliance roles ({@link
 * dev.coffer.web.auth.Role#seesRestricted()}); break-glass does not lift that.
 */
final class Access {
  final User user;
  final boolean breakGlass;
  /** Restrictions (GDPR: restricted records are hidden from all but compliance roles). */
  private final dev.coffer.archive.retention.RetentionLedger ledger;
  /** Visible conversation ids; null when not confined. */
  private final Set<String> conversations;

  private Access(User user, boolean breakGlass, Set<String> conversations,
      dev.coffer.archive.retention.RetentionLedger ledger) {
    this.user = user;
    this.breakGlass = breakGlass;
    this.conversations = conversations;
    this.ledger = ledger;
  }

  static Access of(User user, boolean breakGlass, SearchIndex index, dev.coffer.archive.Archive archive)
      throws IOException {
    var ledger = user.role().seesRestricted() ? null : archive.retention();
    if (!user.role().confinedByBarrier() || breakGlass) {
      return new Access(user, breakGlass, null, ledger);
    }
    return new Access(user, false, resolve(user.assignments(), index), ledger);
  }

  /** True when the record is restricted and this role may not see restricted records. */
  boolean hiddenByRestriction(String recordId) {
    return ledger != null && ledger.restricted(recordId);
  }

  /**
   * The ids of the records this user may not see because they are restricted (empty for compliance
   * roles). Searches and counts leave them out ({@link dev.coffer.search.SearchIndex#search(SearchRequest,
   * Set)}), so a total never reveals that a restricted record exists.
   */
  Set<String> restricted() {
    return ledger == null ? Set.of() : ledger.restrictions().keySet();
  }

  /** The conversation ids an assignment covers, now. */
  static Set<String> resolve(Assignments a, SearchIndex index) throws IOException {
    Set<String> out = new TreeSet<>(a.conversations());
    if (!a.channels().isEmpty()) {
      for (ConversationSummary c : index.conversations()) {
        if (c.channel() != null && a.channels().contains(c.channel())) {
          out.add(c.id());
        }
      }
    }
    for (String person : a.people()) {
      out.addAll(index.conversationsOf(person));
    }
    return Set.copyOf(out);
  }

  Role role() {
    return user.role();
  }

  /** True when this user sees every conversation. */
  boolean unconfined() {
    return conversations == null;
  }

  /** Confines a search to what this user may see. */
  SearchRequest.Builder confine(SearchRequest.Builder b) {
    return conversations == null ? b : b.within(conversations);
  }

  boolean mayReadConversation(String conversationId) {
    return conversationId != null && (conversations == null || conversations.contains(conversationId));
  }

  /** True when this user may read the record (and so its attachments and proof). */
  boolean mayRead(Record r) {
    if (hiddenByRestriction(r.id())) {
      return false;
    }
    if (r instanceof Audit) {
      return role().readsAudit();
    }
    if (r.conversation() == null) {
      return conversations == null;
    }
    return mayReadConversation(r.conversation().id());
  }
}
