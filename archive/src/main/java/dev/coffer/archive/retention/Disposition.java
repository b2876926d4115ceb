package dev.coffer.archive.retention;

import dev.coffer.archive.Archive;
import dev.coffer.archive.StoredRecord;
import dev.coffer.archive.blob.BlobReferences;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds records whose retention has ended and that no legal hold covers, and removes them through
 * {@link Archive#dispose} (which checks every one again, writes the disposition audit records and
 * leaves tombstones). {@link #plan} is the dry run: it changes nothing.
 *
 * <pre>{@code
 * DispositionReport preview = Disposition.plan(archive, queries);           // nothing changes
 * DispositionReport done = Disposition.run(archive, actor, "quarterly disposition", queries);
 * Disposition.runScheduled(archive, actor, executor, Duration.ofDays(1), queries, report -> log(report));
 * }</pre>
 */
public final class Disposition {
  private static final Logger LOG = LoggerFactory.getLogger(Disposition.class);
  /** Records handed to one {@link Archive#dispose} call. */
  private static final int BATCH = 10_000;

  private Disposition() {}

  /** Runs a legal hold's query through a search index: the ids it matches now. */
  @FunctionalInterface
  public interface HoldQueries {
    /** No search index: holds are honoured through the ids their queries matched when created. */
    HoldQueries NONE = q -> Set.of();

    Set<String> matching(String query) throws IOException;
  }

  /** The dry run: what would be disposed now, and what holds keep. Writes nothing. */
  public static DispositionReport plan(Archive archive, HoldQueries queries) throws IOException {
    return plan(archive, queries, true);
  }

  private static DispositionReport plan(Archive archive, HoldQueries queries, boolean dryRun) throws IOException {
    RetentionLedger l = archive.retention();
    Instant now = archive.clock().instant();
    Set<String> queryHeld = queryMatches(l, queries);
    List<Disposal.Item> disposable = new ArrayList<>();
    List<DispositionReport.Held> held = new ArrayList<>();
    // Dry run only: the blobs the disposable records refer to (latest retain-until) and the blobs the
    // records that stay refer to (the first such serial), to say which blobs the run would remove.
    Map<String, Instant> goingRefs = new HashMap<>();
    Map<String, Long> stayingRefs = new HashMap<>();
    long[] counts = new long[2]; // examined, retained
    long through = archive.size();
    archive.scan(1, (StoredRecord sr) -> {
      if (sr.serial() > through) {
        return false;
      }
      counts[0]++;
      RetentionLedger.RetainUntil ru = l.retainUntil(sr);
      if (ru.forever() || ru.until().isAfter(now)) {
        counts[1]++;
        if (dryRun) {
          stays(sr, stayingRefs);
        }
        return true;
      }
      List<LegalHold> holds = l.holdsCovering(sr, queryHeld);
      String id = sr.record().id();
      if (dryRun) {
        if (holds.isEmpty() && !(sr.record() instanceof dev.coffer.model.Audit)) { // as Archive.dispose: audit blobs stay
          for (String b : BlobReferences.in(sr.canonical())) {
            goingRefs.merge(b, ru.until(), (x, y) -> x.isAfter(y) ? x : y);
          }
        } else {
          stays(sr, stayingRefs);
        }
      }
      if (!holds.isEmpty()) {
        held.add(new DispositionReport.Held(id, sr.serial(), ru.until(), holds.stream().map(h -> h.id() + " (" + h.matter() + ")").toList()));
      } else {
        disposable.add(new Disposal.Item(id, sr.serial(), sr.digest(), ru.archivedAt(), ru.until(), ru.policyVersion(),
            ru.decision().retentionClass().jsonName(), ru.decision().rule()));
      }
      return true;
    });
    BlobDisposal blobs = dryRun ? wouldRemove(archive, l, goingRefs, stayingRefs) : BlobDisposal.NONE;
    return new DispositionReport(now, dryRun, l.currentPolicy().version(), counts[0], counts[1], disposable, held, List.of(), 0,
        0, blobs);
  }

  private static void stays(StoredRecord sr, Map<String, Long> stayingRefs) {
    for (String b : BlobReferences.in(sr.canonical())) {
      stayingRefs.putIfAbsent(b, sr.serial());
    }
  }

  /**
   * The blobs a run would remove now: those the disposable records, or records disposed before, refer
   * to, that are still stored and that no record that stays refers to. (The run itself also keeps blobs
   * the running process stored since its previous run; a dry run in another process cannot know those.)
   */
  private static BlobDisposal wouldRemove(Archive archive, RetentionLedger l, Map<String, Instant> goingRefs,
      Map<String, Long> stayingRefs) throws IOException {
    java.util.TreeMap<String, Instant> candidates = new java.util.TreeMap<>(l.disposedBlobs());
    goingRefs.forEach((k, v) -> candidates.merge(k, v, (x, y) -> x.isAfter(y) ? x : y));
    List<BlobDisposal.Blob> removed = new ArrayList<>();
    List<BlobDisposal.Blob> kept = new ArrayList<>();
    for (Map.Entry<String, Instant> c : candidates.entrySet()) {
      long size;
      try {
        size = archive.blobSize(c.getKey());
      } catch (java.nio.file.NoSuchFileException gone) {
        continue; // removed before (or never stored)
      }
      Long by = stayingRefs.get(c.getKey());
      if (by != null) {
        kept.add(new BlobDisposal.Blob(c.getKey(), size, c.getValue(),
            "the record with serial " + by + " stays and refers to it (in retention, under a legal hold or restricted)"));
      } else {
        removed.add(new BlobDisposal.Blob(c.getKey(), size, c.getValue(),
            "every record that refers to it is disposed or would be; its retention ends " + c.getValue()));
      }
    }
    return wholePacks(archive, removed, kept);
  }

  /**
   * A packed blob goes only with its whole pack: the packs all of whose blobs would go are listed (their
   * blobs stay in {@code removed}); the would-be-removed blobs of any other pack are kept instead.
   */
  private static BlobDisposal wholePacks(Archive archive, List<BlobDisposal.Blob> removed, List<BlobDisposal.Blob> kept)
      throws IOException {
    Map<String, BlobDisposal.Blob> going = new java.util.LinkedHashMap<>();
    removed.forEach(b -> going.put(b.sha256(), b));
    Map<String, Archive.StoredPack> packs = new java.util.TreeMap<>();
    Map<String, String> packOf = new HashMap<>();
    for (BlobDisposal.Blob b : removed) {
      if (packOf.containsKey(b.sha256())) {
        continue; // in a pack already read (each pack is read once)
      }
      var p = archive.blobPack(b.sha256());
      if (p.isPresent()) {
        packs.putIfAbsent(p.get().name(), p.get());
        for (String member : p.get().blobs().keySet()) {
          if (going.containsKey(member)) {
            packOf.put(member, p.get().name());
          }
        }
      }
    }
    List<BlobDisposal.Blob> outRemoved = new ArrayList<>();
    List<BlobDisposal.Blob> outKept = new ArrayList<>(kept);
    List<BlobDisposal.Pack> outPacks = new ArrayList<>();
    for (Archive.StoredPack p : packs.values()) {
      String stays = p.blobs().keySet().stream().filter(d -> !going.containsKey(d)).findFirst().orElse(null);
      List<BlobDisposal.Blob> members = new ArrayList<>();
      Instant until = Instant.MIN;
      for (var e : p.blobs().entrySet()) {
        BlobDisposal.Blob b = going.get(e.getKey());
        if (b == null) {
          continue;
        }
        until = until.isAfter(b.retainUntil()) ? until : b.retainUntil();
        if (stays == null) {
          members.add(new BlobDisposal.Blob(b.sha256(), e.getValue(), b.retainUntil(), "in blob pack " + p.name()
              + ", which would be removed whole: " + b.why()));
        } else {
          outKept.add(new BlobDisposal.Blob(b.sha256(), e.getValue(), b.retainUntil(), "kept in blob pack " + p.name()
              + ", which goes only as a whole: blob " + stays + " in the same pack stays"));
        }
      }
      if (stays == null) {
        outPacks.add(new BlobDisposal.Pack(p.name(), p.size(), until, members));
        outRemoved.addAll(members);
      }
    }
    for (BlobDisposal.Blob b : removed) {
      if (!packOf.containsKey(b.sha256())) {
        outRemoved.add(b);
      }
    }
    return new BlobDisposal(outRemoved, outKept, List.of(), null, outPacks);
  }

  /**
   * Disposes of every record whose retention has ended and that no hold covers, and reports it.
   *
   * @throws RetentionViolationException if the archive refused (a hold or policy changed between the
   *     plan and the act): nothing of that batch was removed, and the refusal is archived
   */
  public static DispositionReport run(Archive archive, Actor actor, String reason, HoldQueries queries) throws IOException {
    DispositionReport plan = plan(archive, queries, false);
    Set<String> queryHeld = queryMatches(archive.retention(), queries);
    List<Disposal.Item> done = new ArrayList<>();
    List<String> audits = new ArrayList<>();
    int segments = 0;
    long copied = 0;
    List<Disposal.Item> items = plan.disposable();
    for (int from = 0; from < items.size(); from += BATCH) {
      List<String> ids = items.subList(from, Math.min(items.size(), from + BATCH)).stream().map(Disposal.Item::id).toList();
      Disposal d = archive.dispose(ids, actor, reason, queryHeld);
      done.addAll(d.records());
      audits.addAll(d.auditRecords());
      segments += d.segmentsRewritten();
      copied += d.liveRecordsCopied();
    }
    // After every tombstone of this run (and of an earlier run a crash interrupted): the blobs that
    // only disposed records referred to.
    BlobDisposal blobs = archive.disposeBlobs(actor, reason);
    return new DispositionReport(plan.at(), false, plan.policyVersion(), plan.examined(), plan.retained(), done, plan.held(),
        audits, segments, copied, blobs);
  }

  /**
   * Runs {@link #run} every {@code period} on {@code executor} (first run after one period) and hands
   * each report to {@code reports}. A failed run is logged and retried at the next period. Cancel the
   * returned future to stop.
   */
  public static ScheduledFuture<?> runScheduled(Archive archive, Actor actor, ScheduledExecutorService executor,
      Duration period, HoldQueries queries, Consumer<DispositionReport> reports) {
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("disposition period must be positive, got " + period);
    }
    long ms = period.toMillis();
    return executor.scheduleWithFixedDelay(() -> {
      try {
        reports.accept(run(archive, actor, "scheduled disposition", queries));
      } catch (IOException | RuntimeException e) {
        LOG.error("scheduled disposition failed (retried next period): {}", e.toString());
      }
    }, ms, ms, TimeUnit.MILLISECONDS);
  }

  private static Set<String> queryMatches(RetentionLedger l, HoldQueries queries) throws IOException {
    Set<String> out = new HashSet<>();
    for (LegalHold h : l.activeHolds()) {
      for (HoldScope s : h.scopes()) {
        if (s instanceof HoldScope.Query q) {
          out.addAll(queries.matching(q.query()));
        }
      }
    }
    return out;
  }
}
