package dev.coffer.archive.retention;

import dev.coffer.model.Record;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A legal hold as the audit trail makes it: created by one {@code hold.create} record and, if
 * released, ended by one {@code hold.release} record. A held record is never disposed, whatever its
 * retention.
 *
 * @param id the hold's id (from its creation record)
 * @param matter the matter's name
 * @param reason why it was created
 * @param scopes what it covers (at least one)
 * @param snapshot ids its query scopes matched when it was created
 * @param created when, by whom ({@code createdBy}), and the id of the creating audit record ({@code createdRecord})
 * @param released when it was released, or null while active
 */
public record LegalHold(String id, String matter, String reason, List<HoldScope> scopes, Set<String> snapshot,
    Instant created, String createdBy, String createdRecord, Instant released, String releasedBy, String releaseReason) {

  public LegalHold {
    scopes = List.copyOf(scopes);
    snapshot = Set.copyOf(snapshot);
  }

  /** True until released. */
  public boolean active() {
    return released == null;
  }

  /**
   * True if this hold's scopes cover the record (ignoring whether the hold is active). Query scopes
   * match by the creation snapshot or by {@code queryMatches} (ids a search returns now; may be empty).
   *
   * @param at the record's time: sent time, or archive time when it has none
   */
  public boolean covers(String recordId, Record record, Instant at, Set<String> queryMatches) {
    boolean anyCustodian = false, custodian = false;
    boolean anyConversation = false, conversation = false;
    boolean anyQuery = false, query = false;
    boolean anyDates = false, dates = false;
    for (HoldScope s : scopes) {
      switch (s) {
        case HoldScope.Custodian c -> {
          anyCustodian = true;
          custodian |= record != null && record.sender() != null && c.handle().equals(record.sender().handle());
        }
        case HoldScope.Conversation c -> {
          anyConversation = true;
          conversation |= record != null && record.conversation() != null && c.id().equals(record.conversation().id());
        }
        case HoldScope.Query q -> {
          anyQuery = true;
          query |= snapshot.contains(recordId) || queryMatches.contains(recordId);
        }
        case HoldScope.DateRange d -> {
          anyDates = true;
          dates |= (d.from() == null || !at.isBefore(d.from())) && (d.to() == null || at.isBefore(d.to()));
        }
      }
    }
    return (!anyCustodian || custodian) && (!anyConversation || conversation) && (!anyQuery || query)
        && (!anyDates || dates);
  }

  LegalHold release(Instant at, String by, String why) {
    return new LegalHold(id, matter, reason, scopes, snapshot, created, createdBy, createdRecord, at, by, why);
  }
}
