package dev.coffer.archive.retention;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;

/**
 * What a legal hold covers. A hold's scopes of the same kind are alternatives (custodian A or B);
 * scopes of different kinds all apply (custodian A, within these dates). See {@link LegalHold#covers}.
 */
public sealed interface HoldScope {

  /** Records sent by this handle (E.164 phone number or platform id, as records carry it). */
  record Custodian(String handle) implements HoldScope {
    public Custodian {
      requireText(handle, "custodian");
    }
  }

  /** Records in this conversation. */
  record Conversation(String id) implements HoldScope {
    public Conversation {
      requireText(id, "conversation");
    }
  }

  /**
   * Records a search query matches. The ids it matched when the hold was created are kept in the
   * hold's audit record (so the archive itself honours them); disposition also re-runs the query
   * through the search index when one is given, so records archived later are held too.
   */
  record Query(String query) implements HoldScope {
    public Query {
      requireText(query, "query");
    }
  }

  /** Records sent (or, without a sent time, archived) in {@code [from, to)}; either end may be null. */
  record DateRange(Instant from, Instant to) implements HoldScope {
    public DateRange {
      if (from == null && to == null) {
        throw new IllegalArgumentException("a date range needs --from or --to");
      }
      if (from != null && to != null && !from.isBefore(to)) {
        throw new IllegalArgumentException("date range: from " + from + " is not before to " + to);
      }
    }
  }

  /** A short human form, e.g. {@code custodian=+447700900123}. */
  default String describe() {
    return switch (this) {
      case Custodian c -> "custodian=" + c.handle();
      case Conversation c -> "conversation=" + c.id();
      case Query q -> "query=" + q.query();
      case DateRange d -> "dates=" + (d.from() == null ? "" : d.from()) + ".." + (d.to() == null ? "" : d.to());
    };
  }

  /** The scope's JSON object inside a hold's audit record. */
  default void writeTo(ObjectNode n) {
    switch (this) {
      case Custodian c -> n.put("custodian", c.handle());
      case Conversation c -> n.put("conversation", c.id());
      case Query q -> n.put("query", q.query());
      case DateRange d -> {
        if (d.from() != null) {
          n.put("from", d.from().toString());
        }
        if (d.to() != null) {
          n.put("to", d.to().toString());
        }
      }
    }
  }

  private static void requireText(String s, String what) {
    Objects.requireNonNull(s, what);
    if (s.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
  }
}
