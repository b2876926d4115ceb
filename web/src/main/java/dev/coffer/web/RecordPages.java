package dev.coffer.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coffer.archive.StoredRecord;
import dev.coffer.archive.checkpoint.Checkpoint;
import dev.coffer.archive.proof.InclusionProof;
import dev.coffer.archive.proof.ProofJson;
import dev.coffer.model.Attachment;
import dev.coffer.model.Completion;
import dev.coffer.model.Message;
import dev.coffer.model.Record;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The record page (canonical JSON, provenance, digest, serial, checkpoint), its inclusion proof as a
 * download, and attachments. Each checks the user's access to the record itself before anything is
 * read out; a record the user may not see and a record that does not exist get the same answer.
 */
final class RecordPages {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final WebApp app;

  RecordPages(WebApp app) {
    this.app = app;
  }

  void routes(RoutesConfig r) {
    r.get("/r/{id}", this::show);
    r.get("/r/{id}/proof", this::proof);
    r.get("/r/{id}/a/{n}", this::attachment);
  }

  /** The record, if it exists and this user may read it; otherwise the refusal every such request gets. */
  private StoredRecord readable(Context ctx) throws IOException {
    String id = ctx.pathParam("id");
    if (id.length() > 200) {
      throw Refusal.notFound();
    }
    StoredRecord sr = app.web.archive().get(id).orElseThrow(Refusal::notFound);
    if (!app.access(ctx).mayRead(sr.record())) {
      throw Refusal.notFound();
    }
    return sr;
  }

  private void show(Context ctx) throws IOException {
    StoredRecord sr = readable(ctx);
    Record r = sr.record();
    ZoneId zone = WebApp.zone(ctx);
    Checkpoint cp = app.web.archive().latestCheckpoint();
    String pretty = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(sr.canonical()));
    List<Views.FileLink> files = new ArrayList<>();
    if (r instanceof Message m) {
      for (int i = 0; i < m.attachmentList().size(); i++) {
        Attachment a = m.attachmentList().get(i);
        files.add(new Views.FileLink("/r/" + r.id() + "/a/" + i + "?download=1", a.name() == null ? "file" : a.name(),
            a.mediaType(), Formats.size(a.size()), a.sha256()));
      }
    }
    Views.RecordView v = new Views.RecordView(r.id(), sr.serial(), sr.digest(), r.kind(), r.channel(),
        r.conversation() == null ? null : "/c/" + r.conversation().id() + "?at=" + sr.serial() + "#r-" + r.id(),
        r.conversation() == null ? null : r.conversation().title(),
        r.sentAt() == null ? "" : Formats.dateTime(r.sentAt(), zone) + " (" + Formats.utc(r.sentAt()) + ")",
        Formats.dateTime(Instant.ofEpochMilli(sr.archivedAt()), zone) + " (" + Formats.utc(Instant.ofEpochMilli(sr.archivedAt())) + ")",
        pretty, r.source().connector(), r.source().nativeId(), r.source().raw(), r.source().range(), r.source().zone(),
        cp.size(), cp.rootHex(), Formats.utc(Instant.ofEpochMilli(cp.time())), "/r/" + r.id() + "/proof", files,
        cp.size() >= sr.serial());
    app.audit(ctx, "view-record", List.of(r.id()), Map.of("serial", Long.toString(sr.serial())));
    Templates.page(ctx, "record.jte", Map.of("frame", app.frame(ctx, "Record " + sr.serial(), ""), "v", v));
  }

  private void proof(Context ctx) throws IOException {
    StoredRecord sr = readable(ctx);
    Checkpoint cp = app.web.archive().latestCheckpoint();
    if (cp.size() < sr.serial()) {
      throw new Refusal(409, "This record is not under a signed checkpoint yet; try again in a moment.");
    }
    InclusionProof proof = app.web.archive().proveInclusion(sr.serial(), cp.size());
    byte[] bytes = ProofJson.write(proof);
    Map<String, String> detail = new LinkedHashMap<>();
    detail.put("kind", "inclusion");
    detail.put("serial", Long.toString(sr.serial()));
    detail.put("treeSize", Long.toString(cp.size()));
    app.audit(ctx, "proof", List.of(sr.record().id()), detail);
    ctx.header("Cache-Control", "no-store");
    ctx.header("Content-Disposition", Attachments.disposition("attachment", "proof-" + sr.serial() + ".json"));
    ctx.contentType("application/json");
    ctx.result(bytes);
  }

  private void attachment(Context ctx) throws IOException {
    StoredRecord sr = readable(ctx);
    List<Attachment> list = switch (sr.record()) {
      case Message m -> m.attachmentList();
      case Completion c -> List.of(c.attachment());
      case dev.coffer.model.SystemEvent x -> List.<Attachment>of();
      case dev.coffer.model.Call x -> List.<Attachment>of();
      case dev.coffer.model.Reaction x -> List.<Attachment>of();
      case dev.coffer.model.Edit x -> List.<Attachment>of();
      case dev.coffer.model.Delete x -> List.<Attachment>of();
      case dev.coffer.model.Receipt x -> List.<Attachment>of();
      case dev.coffer.model.Consent x -> List.<Attachment>of();
      case dev.coffer.model.Unparsed x -> List.<Attachment>of();
      case dev.coffer.model.Audit x -> List.<Attachment>of();
    };
    String recordId = sr.record().id();
    int n;
    try {
      n = Integer.parseInt(ctx.pathParam("n"));
    } catch (NumberFormatException e) {
      throw Refusal.notFound();
    }
    if (n < 0 || n >= list.size()) {
      throw Refusal.notFound();
    }
    Attachment a = list.get(n);
    if (a.sha256() == null || a.missing() || a.pending()) {
      throw new Refusal(404, "The source did not deliver this file's bytes; the record keeps its name and type.");
    }
    String type = Attachments.contentType(a.mediaType());
    boolean download = "1".equals(ctx.queryParam("download")) || !Attachments.inline(type);
    String range = ctx.header("Range");
    if (range == null || range.startsWith("bytes=0-")) {
      Map<String, String> detail = new LinkedHashMap<>();
      detail.put("attachment", Integer.toString(n));
      detail.put("sha256", a.sha256());
      detail.put("disposition", download ? "download" : "inline");
      app.audit(ctx, "attachment", List.of(recordId), detail);
    }
    InputStream in;
    try {
      in = app.web.archive().openBlob(a.sha256());
    } catch (NoSuchFileException e) {
      throw new Refusal(404, "This file's bytes are not in the archive.");
    }
    ctx.header("Cache-Control", "private, no-store");
    ctx.header("Content-Security-Policy", "default-src 'none'; sandbox");
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Content-Disposition", Attachments.disposition(download ? "attachment" : "inline", a.name()));
    ctx.contentType(type);
    if (a.size() != null && a.size() > 0) {
      ctx.writeSeekableStream(in, type, a.size());
    } else {
      ctx.result(in);
    }
  }
}
