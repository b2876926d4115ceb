package dev.coffer.archive.retention;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coffer.archive.StoredRecord;
import dev.coffer.model.Audit;
import dev.coffer.model.Record;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Retention as the archive's audit trail makes it, at one moment: every policy version, every
 * per-record extension, every legal hold (active or released), every restriction, and which records
 * disposition removed. Immutable: an open archive hands out a new ledger after each commit that adds a
 * retention act ({@link dev.coffer.archive.Archive#retention()}), so a reader (the CLI, the web app)
 * always sees one consistent state.
 *
 * <p>Everything here is derived from records in the Merkle tree, so it is as verifiable as they are
 * and rebuilt by reading the archive: nothing else stores it.
 */
public final class RetentionLedger {
  /** Audit actions that make retention state. Records with these actions are never disposed. */
  public static final String POLICY = "retention.policy";
  public static final String EXTEND = "retention.extend";
  public static final String HOLD_CREATE = "hold.create";
  public static final String HOLD_RELEASE = "hold.release";
  public static final String RESTRICT = "restrict";
  public static final String DISPOSITION = "disposition";
  public static final String REFUSED = "worm.refused";
  /** The blobs (attachments, raw originals) a disposition removes once no live record refers to them. */
  public static final String BLOB_DISPOSITION = "disposition.blobs";
  /** The actions above: the retention trail, kept for the archive's life. */
  public static final Set<String> TRAIL = Set.of(POLICY, EXTEND, HOLD_CREATE, HOLD_RELEASE, RESTRICT, DISPOSITION, REFUSED,
      BLOB_DISPOSITION);

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One archived policy version. {@code serial} is its audit record's: it governs larger serials. */
  public record PolicyVersion(RetentionPolicy policy, long serial, Instant at, String by, String reason, String auditRecord) {}

  /** One archived extension of a record's retention. */
  public record Extension(Instant until, String reason, Instant at, String by, String auditRecord) {}

  /**
   * A record's retention: {@code archivedAt} plus the period its policy version gives, or a later
   * extension.
   */
  public record RetainUntil(Instant until, Instant archivedAt, int policyVersion, RetentionPolicy.Decision decision,
      Instant fixedUntil, List<Extension> extensions) {
    /** True if the record is kept for the archive's life (a retention trail record). */
    public boolean forever() {
      return until.equals(Instant.MAX);
    }
  }

  private final long throughSerial;
  private final List<PolicyVersion> policies;
  private final Map<String, List<Extension>> extensions;
  private final Map<String, LegalHold> holds;
  private final Map<String, Restriction> restrictions;
  private final Map<String, String> disposed;
  private final Map<String, Instant> disposedBlobs;

  private RetentionLedger(long throughSerial, List<PolicyVersion> policies, Map<String, List<Extension>> extensions,
      Map<String, LegalHold> holds, Map<String, Restriction> restrictions, Map<String, String> disposed,
      Map<String, Instant> disposedBlobs) {
    this.throughSerial = throughSerial;
    this.policies = policies;
    this.extensions = extensions;
    this.holds = holds;
    this.restrictions = restrictions;
    this.disposed = disposed;
    this.disposedBlobs = disposedBlobs;
  }

  /** The ledger of an archive with no retention acts. */
  public static RetentionLedger empty() {
    return new RetentionLedger(0, List.of(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of());
  }

  /** The highest serial this ledger has seen. */
  public long throughSerial() {
    return throughSerial;
  }

  /** True if {@code record} is part of the retention trail (never disposed). */
  public static boolean isTrail(Record record) {
    return record instanceof Audit a && TRAIL.contains(a.action());
  }

  /**
   * This ledger with {@code records} (in serial order, after {@link #throughSerial()}) applied. Returns
   * this ledger when none of them is a retention act.
   *
   * @throws IllegalArgumentException if a retention act's detail cannot be read (a record written by
   *     something other than {@link Retention} or {@link Disposition})
   */
  public RetentionLedger with(List<StoredRecord> records) {
    if (records.isEmpty()) {
      return this;
    }
    long last = records.get(records.size() - 1).serial();
    Builder b = null;
    for (StoredRecord s : records) {
      if (s.disposed()) {
        continue;
      }
      Record r = s.record();
      if (isTrail(r)) {
        if (b == null) {
          b = new Builder(this);
        }
        b.apply(s.serial(), (Audit) r);
      }
    }
    return b == null ? new RetentionLedger(last, policies, extensions, holds, restrictions, disposed, disposedBlobs)
        : b.build(last);
  }

  /**
   * Checks that a retention act is valid against this state (a policy is the next version and lowers
   * no floor; a hold release names an active hold; the detail is complete), without applying it.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public void check(Audit act) {
    if (!TRAIL.contains(act.action())) {
      throw new IllegalArgumentException(act.action() + " is not a retention act");
    }
    new Builder(this).apply(Long.MAX_VALUE, act);
  }

  /** Every policy version archived, oldest first (version 0, the defaults, is implicit). */
  public List<PolicyVersion> policies() {
    return policies;
  }

  /** The policy in force now: the latest version, or the defaults. */
  public RetentionPolicy currentPolicy() {
    return policies.isEmpty() ? RetentionPolicy.defaults() : policies.get(policies.size() - 1).policy();
  }

  /** The policy version governing the record with {@code serial}: the latest archived before it. */
  public RetentionPolicy policyFor(long serial) {
    RetentionPolicy p = RetentionPolicy.defaults();
    for (PolicyVersion v : policies) {
      if (v.serial() < serial) {
        p = v.policy();
      } else {
        break;
      }
    }
    return p;
  }

  /** The retention of a stored record (not disposed). */
  public RetainUntil retainUntil(StoredRecord stored) {
    return retainUntil(stored.serial(), stored.record(), stored.archivedAt(), extensions(stored.record().id()));
  }

  RetainUntil retainUntil(long serial, Record record, long archivedAtMillis, List<Extension> ext) {
    Instant archivedAt = Instant.ofEpochMilli(archivedAtMillis);
    RetentionPolicy p = policyFor(serial);
    RetentionPolicy.Decision d = p.decide(record);
    if (isTrail(record)) {
      return new RetainUntil(Instant.MAX, archivedAt, p.version(),
          new RetentionPolicy.Decision(RetentionClass.BOOKS, d.period(), "retention trail: kept for the archive's life"),
          Instant.MAX, List.of());
    }
    Instant fixed = archivedAt.atZone(ZoneOffset.UTC).plus(d.period()).toInstant();
    Instant until = fixed;
    for (Extension e : ext) {
      if (e.until().isAfter(until)) {
        until = e.until(); // extend-only: an earlier "extension" can never shorten
      }
    }
    return new RetainUntil(until, archivedAt, p.version(), d, fixed, ext);
  }

  /** The latest retain-until an extension may set for a record archived at {@code archivedAt} under {@code serial}'s policy. */
  public Instant maximumUntil(long serial, long archivedAtMillis) {
    return Instant.ofEpochMilli(archivedAtMillis).atZone(ZoneOffset.UTC).plus(policyFor(serial).maximum()).toInstant();
  }

  /** Extensions of one record, oldest first. */
  public List<Extension> extensions(String recordId) {
    return extensions.getOrDefault(recordId, List.of());
  }

  /** Every hold, active or released, in creation order. */
  public List<LegalHold> holds() {
    return List.copyOf(holds.values());
  }

  /** Holds not released. */
  public List<LegalHold> activeHolds() {
    return holds.values().stream().filter(LegalHold::active).toList();
  }

  public Optional<LegalHold> hold(String id) {
    return Optional.ofNullable(holds.get(id));
  }

  /**
   * The active holds covering a stored record.
   *
   * @param queryMatches ids the holds' queries match now (from a search index), or an empty set
   */
  public List<LegalHold> holdsCovering(StoredRecord stored, Set<String> queryMatches) {
    Record r = stored.record();
    Instant at = r.sentAt() != null ? r.sentAt() : Instant.ofEpochMilli(stored.archivedAt());
    List<LegalHold> out = new ArrayList<>();
    for (LegalHold h : holds.values()) {
      if (h.active() && h.covers(r.id(), r, at, queryMatches)) {
        out.add(h);
      }
    }
    return out;
  }

  /** True if the record is restricted (hidden from everyone but compliance). */
  public boolean restricted(String recordId) {
    return restrictions.containsKey(recordId);
  }

  /** Every restriction, by record id. */
  public Map<String, Restriction> restrictions() {
    return restrictions;
  }

  /** Record id -> digest, for every record a disposition record names (removed, or about to be). */
  public Map<String, String> disposed() {
    return disposed;
  }

  /**
   * Blob digest -> the latest retain-until of the disposed records that referred to it, for every blob
   * a disposition record names: the candidates for removal. A candidate goes only when no live record
   * refers to it (a blob shared with a record still in retention, held or restricted stays), and never
   * before this time ({@link dev.coffer.archive.Archive#disposeBlobs}).
   */
  public Map<String, Instant> disposedBlobs() {
    return disposedBlobs;
  }

  // ------------------------------------------------------------ building

  private static final class Builder {
    final List<PolicyVersion> policies;
    final Map<String, List<Extension>> extensions;
    final LinkedHashMap<String, LegalHold> holds;
    final Map<String, Restriction> restrictions;
    final Map<String, String> disposed;
    final Map<String, Instant> disposedBlobs;

    Builder(RetentionLedger l) {
      policies = new ArrayList<>(l.policies);
      extensions = new HashMap<>(l.extensions);
      holds = new LinkedHashMap<>(l.holds);
      restrictions = new LinkedHashMap<>(l.restrictions);
      disposed = new HashMap<>(l.disposed);
      disposedBlobs = new HashMap<>(l.disposedBlobs);
    }

    void apply(long serial, Audit a) {
      Map<String, String> d = a.detail() == null ? Map.of() : a.detail();
      String by = a.sender().handle() != null ? a.sender().handle() : a.sender().name();
      switch (a.action()) {
        case POLICY -> {
          RetentionPolicy p = RetentionPolicy.fromJson(require(d, "policy", a));
          RetentionPolicy previous = policies.isEmpty() ? RetentionPolicy.defaults() : policies.get(policies.size() - 1).policy();
          if (p.version() != previous.version() + 1) {
            throw new IllegalArgumentException("policy version " + p.version() + " does not follow version " + previous.version());
          }
          for (RetentionClass c : RetentionClass.values()) {
            if (p.floors().get(c).toTotalMonths() < previous.floors().get(c).toTotalMonths()) {
              throw new IllegalArgumentException("policy version " + p.version() + " lowers the " + c.jsonName() + " floor from "
                  + previous.floors().get(c) + " to " + p.floors().get(c) + "; floors are only raised");
            }
          }
          policies.add(new PolicyVersion(p, serial, a.sentAt(), by, d.get("reason"), a.id()));
        }
        case EXTEND -> {
          Instant until = Instant.parse(require(d, "until", a));
          for (String id : targets(a)) {
            List<Extension> l = new ArrayList<>(extensions.getOrDefault(id, List.of()));
            l.add(new Extension(until, d.get("reason"), a.sentAt(), by, a.id()));
            extensions.put(id, List.copyOf(l));
          }
        }
        case HOLD_CREATE -> {
          String id = require(d, "hold", a);
          if (holds.containsKey(id)) {
            throw new IllegalArgumentException("legal hold " + id + " already exists");
          }
          holds.put(id, new LegalHold(id, require(d, "matter", a), d.get("reason"), scopes(require(d, "scopes", a)),
              Set.copyOf(targets(a)), a.sentAt(), by, a.id(), null, null, null));
        }
        case HOLD_RELEASE -> {
          String id = require(d, "hold", a);
          LegalHold h = holds.get(id);
          if (h == null || !h.active()) {
            throw new IllegalArgumentException("no active legal hold " + id + " to release");
          }
          holds.put(id, h.release(a.sentAt(), by, d.get("reason")));
        }
        case RESTRICT -> {
          for (String id : targets(a)) {
            restrictions.putIfAbsent(id, new Restriction(id, d.get("reason"), a.sentAt(), by, a.id()));
          }
        }
        case DISPOSITION -> {
          try {
            JsonNode digests = JSON.readTree(require(d, "digests", a));
            digests.fields().forEachRemaining(e -> disposed.put(e.getKey(), e.getValue().asText()));
          } catch (IOException e) {
            throw new IllegalArgumentException("disposition record " + a.id() + ": digests are not JSON");
          }
          String blobs = d.get("blobs"); // absent in dispositions before blobs were removed: those blobs stay
          if (blobs != null) {
            try {
              JSON.readTree(blobs).fields().forEachRemaining(e -> disposedBlobs.merge(e.getKey(),
                  Instant.parse(e.getValue().asText()), (x, y) -> x.isAfter(y) ? x : y));
            } catch (IOException | java.time.format.DateTimeParseException e) {
              throw new IllegalArgumentException("disposition record " + a.id() + ": blobs are not JSON of digest -> time");
            }
          }
        }
        case BLOB_DISPOSITION -> {
          // evidence of which blobs went; the blobs themselves say whether they are still there
        }
        case REFUSED -> {
          // evidence of a refused attempt; no state
        }
        default -> throw new IllegalStateException("not a retention action: " + a.action());
      }
    }

    RetentionLedger build(long last) {
      return new RetentionLedger(last, List.copyOf(policies), Collections.unmodifiableMap(extensions),
          Collections.unmodifiableMap(holds), Collections.unmodifiableMap(restrictions), Collections.unmodifiableMap(disposed),
          Collections.unmodifiableMap(disposedBlobs));
    }

    static List<String> targets(Audit a) {
      return a.targets() == null ? List.of() : a.targets();
    }

    static String require(Map<String, String> d, String key, Audit a) {
      String v = d.get(key);
      if (v == null) {
        throw new IllegalArgumentException(a.action() + " record " + a.id() + " has no '" + key + "' detail");
      }
      return v;
    }

    static List<HoldScope> scopes(String json) {
      List<HoldScope> out = new ArrayList<>();
      try {
        for (JsonNode n : JSON.readTree(json)) {
          if (n.has("custodian")) {
            out.add(new HoldScope.Custodian(n.get("custodian").asText()));
          } else if (n.has("conversation")) {
            out.add(new HoldScope.Conversation(n.get("conversation").asText()));
          } else if (n.has("query")) {
            out.add(new HoldScope.Query(n.get("query").asText()));
          } else {
            out.add(new HoldScope.DateRange(n.has("from") ? Instant.parse(n.get("from").asText()) : null,
                n.has("to") ? Instant.parse(n.get("to").asText()) : null));
          }
        }
      } catch (IOException e) {
        throw new IllegalArgumentException("hold scopes are not JSON");
      }
      return out;
    }
  }
}
