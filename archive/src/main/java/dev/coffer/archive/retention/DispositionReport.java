package dev.coffer.archive.retention;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a disposition found and did: every record whose retention has ended, which of them legal holds
 * keep (and which holds), and which were removed, each with its digest, retain-until and the policy
 * version and rule that fixed it. {@link #toJson()} for machines, {@link #toText()} for people.
 *
 * @param at the archive time the decision was taken at
 * @param dryRun true if nothing was changed
 * @param policyVersion the policy version in force at {@code at}
 * @param examined records looked at (tombstones excluded)
 * @param retained records still in retention (or retention-trail records)
 * @param disposable records past retention with no hold: removed unless {@code dryRun}
 * @param held records past retention kept by a legal hold
 * @param auditRecords the disposition audit records written (empty on a dry run)
 * @param segmentsRewritten segment objects rewritten with tombstones
 * @param liveRecordsCopied records that stay but whose bytes a rewrite copied into the new segment (they
 *     shared a segment with disposed records): the rewrite cost that segment layout by retention avoids
 * @param blobs the blobs (attachments, raw originals) removed, or that would be, and those kept
 */
public record DispositionReport(Instant at, boolean dryRun, int policyVersion, long examined, long retained,
    List<Disposal.Item> disposable, List<Held> held, List<String> auditRecords, int segmentsRewritten,
    long liveRecordsCopied, BlobDisposal blobs) {

  public DispositionReport {
    disposable = List.copyOf(disposable);
    held = List.copyOf(held);
    auditRecords = List.copyOf(auditRecords);
    java.util.Objects.requireNonNull(blobs, "blobs");
  }

  /** A record past its retention that holds keep. */
  public record Held(String id, long serial, Instant retainUntil, List<String> holds) {}

  public String toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("at", at.toString());
    o.put("dry_run", dryRun);
    o.put("policy_version", policyVersion);
    o.put("examined", examined);
    o.put("retained", retained);
    o.put("disposable", disposable.size());
    o.put("held", held.size());
    o.put("segments_rewritten", segmentsRewritten);
    o.put("live_records_copied", liveRecordsCopied);
    ArrayNode audits = o.putArray("audit_records");
    auditRecords.forEach(audits::add);
    ArrayNode items = o.putArray(dryRun ? "would_dispose" : "disposed");
    for (Disposal.Item i : disposable) {
      ObjectNode n = items.addObject();
      n.put("id", i.id());
      n.put("serial", i.serial());
      n.put("digest", i.digest());
      n.put("archived_at", i.archivedAt().toString());
      n.put("retain_until", i.retainUntil().toString());
      n.put("policy_version", i.policyVersion());
      n.put("class", i.retentionClass());
      n.put("rule", i.rule());
      n.put("why", "retention ended " + i.retainUntil() + " and no legal hold covers it");
    }
    blobs(o.putArray(dryRun ? "blobs_would_remove" : "blobs_removed"), blobs.removed());
    blobs(o.putArray("blobs_kept"), blobs.kept());
    blobs(o.putArray("blobs_refused"), blobs.refused());
    ArrayNode ps = o.putArray(dryRun ? "packs_would_remove" : "packs_removed");
    for (BlobDisposal.Pack k : blobs.packs()) {
      ObjectNode n = ps.addObject();
      n.put("pack", k.name());
      n.put("size", k.size());
      n.put("retain_until", k.retainUntil().toString());
      blobs(n.putArray("blobs"), k.blobs());
    }
    if (blobs.auditRecord() != null) {
      o.put("blob_audit_record", blobs.auditRecord());
    }
    ArrayNode hs = o.putArray("kept_by_hold");
    for (Held h : held) {
      ObjectNode n = hs.addObject();
      n.put("id", h.id());
      n.put("serial", h.serial());
      n.put("retain_until", h.retainUntil().toString());
      ArrayNode ids = n.putArray("holds");
      h.holds().forEach(ids::add);
    }
    return o.toPrettyString();
  }

  private static void blobs(ArrayNode into, List<BlobDisposal.Blob> list) {
    for (BlobDisposal.Blob b : list) {
      ObjectNode n = into.addObject();
      n.put("sha256", b.sha256());
      n.put("size", b.size());
      n.put("retain_until", b.retainUntil().toString());
      n.put("why", b.why());
    }
  }

  public String toText() {
    List<String> out = new ArrayList<>();
    out.add((dryRun ? "Disposition dry run" : "Disposition") + " at " + at + " (policy version " + policyVersion + " in force)");
    out.add("  examined " + examined + " records: " + retained + " still in retention, " + held.size()
        + " past retention but under legal hold, " + disposable.size() + (dryRun ? " would be disposed" : " disposed"));
    if (!dryRun && !disposable.isEmpty()) {
      out.add("  " + segmentsRewritten + " segment(s) rewritten with tombstones (" + liveRecordsCopied
          + " live record(s) copied with them); audit record(s): " + String.join(", ", auditRecords));
    }
    out.add("  blobs: " + blobs.removed().size() + (dryRun ? " would be removed" : " removed") + " (" + blobs.removedBytes()
        + " bytes), " + blobs.kept().size() + " kept" + (blobs.refused().isEmpty() ? "" : ", " + blobs.refused().size()
        + " refused by the WORM store") + (blobs.auditRecord() == null ? "" : "; audit record " + blobs.auditRecord()));
    for (BlobDisposal.Pack k : blobs.packs()) {
      out.add("  " + (dryRun ? "would remove blob pack " : "removed blob pack ") + k.name() + "  " + k.size() + " bytes, "
          + k.blobs().size() + " blob(s), retention ended " + k.retainUntil());
    }
    for (BlobDisposal.Blob b : blobs.removed()) {
      out.add("  " + (dryRun ? "would remove blob " : "removed blob ") + b.sha256() + "  " + b.size() + " bytes: " + b.why());
    }
    for (BlobDisposal.Blob b : blobs.kept()) {
      out.add("  kept blob " + b.sha256() + "  " + b.size() + " bytes: " + b.why());
    }
    for (BlobDisposal.Blob b : blobs.refused()) {
      out.add("  refused blob " + b.sha256() + "  " + b.size() + " bytes: " + b.why());
    }
    for (Disposal.Item i : disposable) {
      out.add("  " + (dryRun ? "would dispose " : "disposed ") + i.id() + "  serial " + i.serial() + "  sha256 " + i.digest());
      out.add("      archived " + i.archivedAt() + ", retain until " + i.retainUntil() + " under policy v" + i.policyVersion()
          + " (" + i.rule() + "); no hold covers it");
    }
    for (Held h : held) {
      out.add("  kept " + h.id() + "  serial " + h.serial() + "  (retention ended " + h.retainUntil() + ") by hold "
          + String.join(", ", h.holds()));
    }
    return String.join("\n", out);
  }
}
