package dev.coffer.archive.retention;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coffer.archive.Archive;
import dev.coffer.archive.StoredRecord;
import dev.coffer.model.Audit;
import dev.coffer.model.Ids;
import dev.coffer.model.Party;
import dev.coffer.model.Source;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * The retention acts, each archived as one audit record by one actor: set a policy version, extend
 * records' retention, create and release legal holds, restrict records. Checks happen here (with a
 * clear message naming what is wrong) and again in the archive, which refuses an invalid act from any
 * caller; the current state is {@link Archive#retention()}.
 *
 * <pre>{@code
 * Retention r = Retention.of(archive, new Actor("os:alice", "host", Actor.COMPLIANCE));
 * r.setPolicy(RetentionPolicy.fromJson(json), "board minute 2026-11");
 * LegalHold h = r.createHold("Acme v. Us", "litigation notice", List.of(new HoldScope.Custodian("+447700900123")), Set.of());
 * r.releaseHold(h.id(), "settled");
 * }</pre>
 */
public final class Retention {
  private final Archive archive;
  private final Actor actor;

  private Retention(Archive archive, Actor actor) {
    this.archive = Objects.requireNonNull(archive, "archive");
    this.actor = Objects.requireNonNull(actor, "actor");
  }

  public static Retention of(Archive archive, Actor actor) {
    return new Retention(archive, actor);
  }

  /**
   * Archives {@code policy} as the next version (its own version number is ignored). Records archived
   * from now on get their retain-until from it; records archived before keep theirs.
   *
   * @throws IllegalArgumentException if it lowers a floor of the version in force
   */
  public RetentionLedger.PolicyVersion setPolicy(RetentionPolicy policy, String reason) throws IOException {
    requireText(reason, "reason");
    RetentionPolicy next = policy.asVersion(archive.retention().currentPolicy().version() + 1);
    Map<String, String> d = new LinkedHashMap<>();
    d.put("policy", next.toJson());
    d.put("version", Integer.toString(next.version()));
    d.put("reason", reason);
    append(RetentionLedger.POLICY, List.of(), d);
    List<RetentionLedger.PolicyVersion> all = archive.retention().policies();
    return all.get(all.size() - 1);
  }

  /**
   * Extends the retention of records to {@code until}. Refused (and audited as {@code worm.refused})
   * if it would shorten any record's retention; refused with {@link IllegalArgumentException} if it
   * goes past the policy's maximum or a record is unknown.
   */
  public void extend(List<String> recordIds, Instant until, String reason) throws IOException {
    requireText(reason, "reason");
    Objects.requireNonNull(until, "until");
    if (recordIds.isEmpty()) {
      throw new IllegalArgumentException("name at least one record to extend");
    }
    RetentionLedger l = archive.retention();
    Map<String, String> shorter = new LinkedHashMap<>();
    for (String id : recordIds) {
      java.util.Optional<StoredRecord> found = archive.get(id);
      if (found.isEmpty()) {
        throw new IllegalArgumentException("no record " + id + (archive.contains(id) ? " (it was disposed)" : ""));
      }
      StoredRecord sr = found.get();
      RetentionLedger.RetainUntil ru = l.retainUntil(sr);
      if (ru.forever()) {
        throw new IllegalArgumentException("record " + id + " is part of the retention trail and kept for the archive's life");
      }
      if (!until.isAfter(ru.until())) {
        shorter.put(id, "retained until " + ru.until() + "; " + until + " would not extend it");
        continue;
      }
      Instant max = l.maximumUntil(sr.serial(), sr.archivedAt());
      if (until.isAfter(max)) {
        throw new IllegalArgumentException("record " + id + ": " + until + " is past the policy maximum ("
            + l.policyFor(sr.serial()).maximum() + " after " + Instant.ofEpochMilli(sr.archivedAt()) + " = " + max + ")");
      }
    }
    if (!shorter.isEmpty()) {
      Map<String, String> d = new LinkedHashMap<>();
      d.put("attempt", "retention.shorten");
      d.put("until", until.toString());
      d.put("reason", reason);
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      shorter.forEach(o::put);
      d.put("refused", o.toString());
      refusal(List.copyOf(shorter.keySet()), d);
      throw new RetentionViolationException("refused: retention is only ever extended; " + shorter, List.copyOf(shorter.keySet()));
    }
    Map<String, String> d = new LinkedHashMap<>();
    d.put("until", until.toString());
    d.put("reason", reason);
    append(RetentionLedger.EXTEND, recordIds, d);
  }

  /**
   * Creates a legal hold. {@code queryMatches}: the ids its query scopes match now (the caller runs the
   * queries through the search index); kept in the hold's record so the archive honours them even
   * without a search index.
   */
  public LegalHold createHold(String matter, String reason, List<HoldScope> scopes, Set<String> queryMatches)
      throws IOException {
    requireText(matter, "matter");
    requireText(reason, "reason");
    if (scopes.isEmpty()) {
      throw new IllegalArgumentException("a hold needs at least one scope: --custodian, --conversation, --query, --from/--to");
    }
    Instant now = archive.clock().instant();
    String id = "hold-" + Ids.derive("coffer/hold", matter, now.toString(), UUID.randomUUID().toString()).substring(0, 16);
    ArrayNode arr = JsonNodeFactory.instance.arrayNode();
    for (HoldScope s : scopes) {
      s.writeTo(arr.addObject());
    }
    Map<String, String> d = new LinkedHashMap<>();
    d.put("hold", id);
    d.put("matter", matter);
    d.put("reason", reason);
    d.put("scopes", arr.toString());
    append(RetentionLedger.HOLD_CREATE, new ArrayList<>(new java.util.TreeSet<>(queryMatches)), d);
    return archive.retention().hold(id).orElseThrow();
  }

  /** Releases an active hold; its records become disposable again once their retention has ended. */
  public LegalHold releaseHold(String holdId, String reason) throws IOException {
    requireText(reason, "reason");
    LegalHold h = archive.retention().hold(holdId).orElseThrow(() -> new IllegalArgumentException("no legal hold " + holdId
        + " (list them: coffer hold list)"));
    if (!h.active()) {
      throw new IllegalArgumentException("legal hold " + holdId + " was already released on " + h.released());
    }
    Map<String, String> d = new LinkedHashMap<>();
    d.put("hold", holdId);
    d.put("reason", reason);
    append(RetentionLedger.HOLD_RELEASE, List.of(holdId), d);
    return archive.retention().hold(holdId).orElseThrow();
  }

  /**
   * Restricts a record (erasure requested during retention): kept, hidden from everyone but the
   * compliance role. Only the compliance role may restrict.
   *
   * @throws IllegalStateException if the actor is not in the compliance role
   */
  public Restriction restrict(String recordId, String reason) throws IOException {
    requireText(reason, "reason");
    if (!actor.compliance()) {
      throw new IllegalStateException("restricting a record needs the compliance role; " + actor.name() + " acts as " + actor.role());
    }
    if (!archive.contains(recordId)) {
      throw new IllegalArgumentException("no record " + recordId);
    }
    RetentionLedger l = archive.retention();
    if (l.restricted(recordId)) {
      return l.restrictions().get(recordId);
    }
    Map<String, String> d = new LinkedHashMap<>();
    d.put("reason", reason);
    append(RetentionLedger.RESTRICT, List.of(recordId), d);
    return archive.retention().restrictions().get(recordId);
  }

  private void append(String action, List<String> targets, Map<String, String> detail) throws IOException {
    Instant now = archive.clock().instant();
    Map<String, String> d = new LinkedHashMap<>(detail);
    d.put("role", actor.role());
    String id = Ids.derive("coffer/audit", actor.name(), now.toString(), action, UUID.randomUUID().toString());
    archive.append(List.of(new Audit(id, "coffer", null, new Party(actor.name(), null), now, null, action, targets, d,
        actor.address(), new Source("coffer-retention", null, null, null, null))));
  }

  /** Archives a refused attempt as a {@code worm.refused} audit record, as the archive does for its own refusals. */
  private void refusal(List<String> ids, Map<String, String> detail) throws IOException {
    append(RetentionLedger.REFUSED, ids, detail);
  }

  private static void requireText(String s, String what) {
    if (s == null || s.isBlank()) {
      throw new IllegalArgumentException("a " + what + " is required");
    }
  }
}
