package dev.coffer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coffer.archive.Archive;
import dev.coffer.archive.StoredRecord;
import dev.coffer.model.Audit;
import dev.coffer.model.Record;
import dev.coffer.server.directory.ContactBook;
import dev.coffer.server.directory.Directory;
import dev.coffer.server.directory.DirectoryStore;
import dev.coffer.server.directory.Employee;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The custodian of each exported record, and who its handles are (employees, external contacts), as
 * the directory resolves them: at export time (the latest directory, with the contacts synced so far)
 * and, for the custodian, at capture time (the directory version in force when the record was archived: the
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
  private final Set<String> books = new HashSet<>();
  private final Instant asOf = Instant.now();
  private final Map<String, Directory> versions = new HashMap<>();
  private String atCaptureVersion;
  private Directory atCapture = Directory.empty();

  private CustodianResolution(Archive archive, String version, Directory latest) {
    this.archive = archive;
    this.version = version;
    this.latest = latest;
    latest.contacts().forEach(c -> books.add(c.businessNumber()));
    if (version != null) {
      versions.put(version, latest);
    }
  }

  /**
   * Reads the directory in force and, in one pass over the archive, the external contacts synced so
   * far (so every record's handles can be named, whatever its place in the archive).
   */
  static CustodianResolution open(Archive archive, Path dataDir) throws IOException {
    ContactBook book = new ContactBook();
    archive.scan(1, (StoredRecord sr) -> {
      book.accept(sr.record());
      return true;
    });
    return new CustodianResolution(archive, DirectoryStore.latestDigest(dataDir),
        DirectoryStore.load(archive, dataDir).withContacts(book.contacts()));
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
    resolution.put("parties", parties(latest, books, sr.record()));
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

  /** Who each handle of the record is: employee or external contact (with whose book), when known. */
  private static List<Map<String, Object>> parties(Directory d, Set<String> books, Record r) {
    List<Map<String, Object>> out = new ArrayList<>();
    Set<String> handles = new LinkedHashSet<>(Directory.handlesOf(r));
    // the record's business number, whose contact book names its other handles first
    String business = handles.stream().filter(books::contains).findFirst().orElse(null);
    for (String h : handles) {
      Directory.Resolution who = d.resolve(h, business).orElse(null);
      if (who == null) {
        continue;
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("handle", h);
      m.put("kind", who.kind() == Directory.Kind.EMPLOYEE ? "employee" : "external_contact");
      m.put("name", who.name());
      if (who.kind() == Directory.Kind.EMPLOYEE) {
        m.put("employee_id", who.employeeId());
      } else {
        m.put("contact_book_of", who.businessNumber());
        m.put("removed_from_book", !who.current());
      }
      out.add(m);
    }
    return out;
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
