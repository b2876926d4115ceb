package dev.coffer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coffer.archive.Archive;
import dev.coffer.archive.StoredRecord;
import dev.coffer.model.Audit;
import dev.coffer.model.Record;
import dev.coffer.server.directory.Directory;
import dev.coffer.server.directory.DirectoryStore;
import dev.coffer.server.directory.Employee;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The custodian of each exported record, as the directory resolves it: at export time (the latest
 * directory) and at capture time (the directory version in force when the record was archived: the
 * last {@code directory-import} audit record before it in serial order). Archived records are never
 * changed; the resolution goes beside them in the export's envelope, marked as a directory reading.
 * Feed every scanned record to {@link #observe} in serial order, before writing it.
 */
final class CustodianResolution {
  static final String WHAT = "directory resolution at export time; not part of the archived record";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Archive archive;
  private final String version;
  private final Directory latest;
  private final Instant asOf = Instant.now();
  private final Map<String, Directory> versions = new HashMap<>();
  private String atCaptureVersion;
  private Directory atCapture = Directory.empty();

  private CustodianResolution(Archive archive, String version, Directory latest) {
    this.archive = archive;
    this.version = version;
    this.latest = latest;
    if (version != null) {
      versions.put(version, latest);
    }
  }

  static CustodianResolution open(Archive archive, Path dataDir) throws IOException {
    return new CustodianResolution(archive, DirectoryStore.latestDigest(dataDir), DirectoryStore.load(archive, dataDir));
  }

  /** The directory version (blob digest) the export resolves against; null when none was imported. */
  String version() {
    return version;
  }

  /** Follows directory imports in serial order, so later records resolve against the version then in force. */
  void observe(Record r) throws IOException {
    if (r instanceof Audit a && DirectoryStore.IMPORT_ACTION.equals(a.action()) && a.detail() != null) {
      String digest = a.detail().get("directory");
      if (digest == null || !archive.hasBlob(digest)) {
        return;
      }
      Directory d = versions.get(digest);
      if (d == null) {
        byte[] json;
        try (InputStream in = archive.openBlob(digest)) {
          json = in.readAllBytes();
        }
        d = Directory.fromStored(json);
        versions.put(digest, d);
      }
      atCaptureVersion = digest;
      atCapture = d;
    }
  }

  /** {"record":<archived bytes>,"serial":…,"digest":…,"resolution":{…}} (no line break). */
  void writeEnvelope(OutputStream out, StoredRecord sr) throws IOException {
    Map<String, Object> resolution = new LinkedHashMap<>();
    resolution.put("what", WHAT);
    resolution.put("as_of", asOf.toString());
    resolution.put("directory", version);
    resolution.put("custodian", custodian(latest, sr.record()));
    Map<String, Object> then = new LinkedHashMap<>();
    then.put("directory", atCaptureVersion);
    then.put("custodian", custodian(atCapture, sr.record()));
    resolution.put("at_capture", then);
    out.write("{\"record\":".getBytes(StandardCharsets.US_ASCII));
    out.write(sr.canonical());
    out.write((",\"serial\":" + sr.serial() + ",\"digest\":\"" + sr.digest() + "\",\"resolution\":")
        .getBytes(StandardCharsets.US_ASCII));
    out.write(JSON.writeValueAsBytes(resolution));
    out.write('}');
  }

  private static Map<String, Object> custodian(Directory d, Record r) {
    for (String h : Directory.handlesOf(r)) {
      Employee e = d.lookup(h).orElse(null);
      if (e != null) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("employee_id", e.id());
        m.put("name", e.name());
        m.put("handle", h);
        return m;
      }
    }
    return null;
  }
}
