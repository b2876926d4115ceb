package dev.coffer.server.directory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import dev.coffer.model.CanonicalJson;
import dev.coffer.model.Party;
import dev.coffer.model.Record;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who is who: employees and their handles, so a record's handle names the employee (custodian)
 * behind it. Immutable. Read from CSV or JSON with {@link #parse}; stored as canonical JSON
 * ({@link #toJson}, format {@code coffer-directory/1}) in the archive by {@link DirectoryStore}.
 *
 * <p>Records are never rewritten when the directory changes: the custodian is resolved when a record
 * is read, against the directory in force (every imported version stays in the archive, named by an
 * audit record, so the directory of any past day can be shown).
 *
 * <p>Input formats. CSV (UTF-8, RFC 4180 quoting) with a header row naming these columns in any order:
 * {@code id,name,email,phones,whatsapp,wechat_openid,wecom_userid}; several values in one cell are
 * separated by {@code ;}. JSON: {@code {"employees":[{"id":…,"name":…,"email":…,"phones":[…],
 * "whatsapp":[…],"wechat_openid":[…],"wecom_userid":[…]}]}} (or the array alone). Phone numbers must
 * be international ({@code +44 7700 900123}) unless a default region is given; they are stored as
 * E.164. A file with any invalid row is refused whole, naming the rows (never their values).
 */
public final class Directory {
  /** The stored format's name. */
  public static final String FORMAT = "coffer-directory/1";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();
  private static final List<String> COLUMNS =
      List.of("id", "name", "email", "phones", "whatsapp", "wechat_openid", "wecom_userid");

  private final List<Employee> employees;
  private final Map<String, Employee> byHandle;
  private final List<Contact> contacts;
  private final Map<String, List<Contact>> contactsByHandle;

  private Directory(List<Employee> employees) {
    this(employees, List.of());
  }

  private Directory(List<Employee> employees, List<Contact> contacts) {
    this.employees = List.copyOf(employees);
    this.contacts = List.copyOf(contacts);
    Map<String, List<Contact>> c = new HashMap<>();
    for (Contact k : this.contacts) {
      c.computeIfAbsent(k.handle(), x -> new ArrayList<>()).add(k);
    }
    this.contactsByHandle = Collections.unmodifiableMap(c);
    Map<String, Employee> m = new HashMap<>();
    for (Employee e : employees) {
      for (String h : e.handles()) {
        m.put(h, e);
      }
    }
    this.byHandle = Collections.unmodifiableMap(m);
  }

  /** The empty directory (before any import). */
  public static Directory empty() {
    return new Directory(List.of());
  }

  /** The input was refused; nothing was imported. The message names rows and fields, never values. */
  public static final class RefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    public RefusedException(String message) {
      super(message);
    }
  }

  /** Input formats. */
  public enum Format { CSV, JSON }

  public List<Employee> employees() {
    return employees;
  }

  /**
   * This directory's employees with these external contacts (from a {@link ContactBook}); the
   * stored form ({@link #toJson}) holds employees only, contacts being derived from the archive.
   */
  public Directory withContacts(List<Contact> synced) {
    return new Directory(employees, synced);
  }

  /** External contacts, removed ones included (see {@link Contact}). */
  public List<Contact> contacts() {
    return contacts;
  }

  /** Who a handle is, as the directory knows it. */
  public enum Kind {
    /** An employee: imported by an admin, a custodian. */
    EMPLOYEE,
    /** An external contact named in a business number's contact book; never a custodian. */
    CONTACT
  }

  /**
   * What the directory says a handle is.
   *
   * @param handle the handle
   * @param kind employee or external contact
   * @param name the employee's name, or the name the contact book gave (may be null)
   * @param employeeId the employee's id; null for a contact
   * @param businessNumber for a contact, the business number whose book named it; else null
   * @param current false for a contact removed from its book (the name is what it said before)
   */
  public record Resolution(String handle, Kind kind, String name, String employeeId, String businessNumber,
      boolean current) {
    /** Not the handle or name: {@code toString} may reach a log. */
    @Override
    public String toString() {
      return "Resolution[kind=" + kind + ", current=" + current + "]";
    }
  }

  /**
   * Who a handle is: an employee when one maps it; else a contact, preferring the book of
   * {@code businessNumber} (the number the record was exchanged with, may be null), then any book
   * that still holds it, then a book that removed it.
   */
  public Optional<Resolution> resolve(String handle, String businessNumber) {
    if (handle == null) {
      return Optional.empty();
    }
    Employee e = byHandle.get(handle);
    if (e != null) {
      return Optional.of(new Resolution(handle, Kind.EMPLOYEE, e.name(), e.id(), null, true));
    }
    List<Contact> cs = contactsByHandle.getOrDefault(handle, List.of());
    Contact best = null;
    for (Contact c : cs) {
      if (best == null || rank(c, businessNumber) > rank(best, businessNumber)) {
        best = c;
      }
    }
    return best == null ? Optional.empty() : Optional.of(new Resolution(handle, Kind.CONTACT, best.name(), null,
        best.businessNumber(), best.current()));
  }

  private static int rank(Contact c, String businessNumber) {
    return (c.current() ? 2 : 0) + (c.businessNumber().equals(businessNumber) ? 1 : 0);
  }

  /** The employee with this handle (E.164 phone number, OpenID, WeCom user id), if any. */
  public Optional<Employee> lookup(String handle) {
    return handle == null ? Optional.empty() : Optional.ofNullable(byHandle.get(handle));
  }

  /** True if some employee has this handle. */
  public boolean maps(String handle) {
    return handle != null && byHandle.containsKey(handle);
  }

  /**
   * The employee a record belongs to: its sender if an employee, else the first recipient who is one
   * (an inbound message to a business number names the employee answering for that number).
   */
  public Optional<Employee> custodianOf(Record record) {
    for (String h : handlesOf(record)) {
      Optional<Employee> e = lookup(h);
      if (e.isPresent()) {
        return e;
      }
    }
    return Optional.empty();
  }

  /** The handles a record names: sender, then recipients. */
  public static List<String> handlesOf(Record record) {
    List<String> out = new ArrayList<>(2);
    add(out, record.sender());
    switch (record) {
      case dev.coffer.model.Message m -> {
        if (m.recipients() != null) {
          m.recipients().forEach(p -> add(out, p));
        }
      }
      case dev.coffer.model.Receipt r -> add(out, r.recipient());
      case dev.coffer.model.SystemEvent s -> add(out, s.actor());
      case dev.coffer.model.Call c -> { }
      case dev.coffer.model.Reaction r -> { }
      case dev.coffer.model.Edit e -> { }
      case dev.coffer.model.Delete d -> { }
      case dev.coffer.model.Consent c -> { }
      case dev.coffer.model.Unparsed u -> { }
      case dev.coffer.model.Completion c -> { }
      case dev.coffer.model.Audit a -> out.clear(); // Coffer users, not handles on a channel
    }
    return out;
  }

  private static void add(List<String> out, Party p) {
    if (p != null && p.handle() != null) {
      out.add(p.handle());
    }
  }

  /** The directory as canonical JSON ({@value #FORMAT}), the bytes that are archived. */
  public byte[] toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    ArrayNode arr = root.putArray("employees");
    for (Employee e : employees) {
      ObjectNode o = arr.addObject();
      o.put("id", e.id());
      o.put("name", e.name());
      if (e.email() != null) {
        o.put("email", e.email());
      }
      list(o, "phones", e.phones());
      list(o, "whatsapp", e.whatsAppNumbers());
      list(o, "wechat_openid", e.weChatOpenIds());
      list(o, "wecom_userid", e.weComUserIds());
    }
    return CanonicalJson.serialize(root);
  }

  private static void list(ObjectNode o, String name, List<String> values) {
    ArrayNode a = o.putArray(name);
    values.forEach(a::add);
  }

  /**
   * Reads a directory file.
   *
   * @param defaultRegion ISO 3166 region for phone numbers written without a country code (e.g.
   *     {@code GB}), or null to require international numbers
   * @throws RefusedException naming every invalid row (by number) and field; nothing is imported
   */
  public static Directory parse(byte[] bytes, Format format, String defaultRegion) throws RefusedException {
    List<Map<String, List<String>>> rows = switch (format) {
      case CSV -> csvRows(bytes);
      case JSON -> jsonRows(bytes);
    };
    List<String> problems = new ArrayList<>();
    List<Employee> out = new ArrayList<>();
    Map<String, Integer> ids = new HashMap<>();
    Map<String, Integer> handles = new HashMap<>();
    for (int i = 0; i < rows.size(); i++) {
      int rowNo = i + 1;
      Map<String, List<String>> r = rows.get(i);
      String id = single(r, "id");
      String name = single(r, "name");
      if (id == null) {
        problems.add("employee " + rowNo + ": id is missing");
        continue;
      }
      if (name == null) {
        problems.add("employee " + rowNo + ": name is missing");
        continue;
      }
      Integer seen = ids.putIfAbsent(id, rowNo);
      if (seen != null) {
        problems.add("employee " + rowNo + ": id repeats employee " + seen);
        continue;
      }
      List<String> phones = phones(r.get("phones"), defaultRegion, rowNo, "phones", problems);
      List<String> wa = phones(r.get("whatsapp"), defaultRegion, rowNo, "whatsapp", problems);
      List<String> openIds = plain(r.get("wechat_openid"));
      List<String> weCom = plain(r.get("wecom_userid"));
      Employee e = new Employee(id, name, single(r, "email"), phones, wa, openIds, weCom);
      for (String h : new java.util.LinkedHashSet<>(e.handles())) {
        Integer other = handles.putIfAbsent(h, rowNo);
        if (other != null && other != rowNo) {
          problems.add("employee " + rowNo + ": a handle also belongs to employee " + other);
        }
      }
      out.add(e);
    }
    if (!problems.isEmpty()) {
      throw new RefusedException("directory refused, nothing imported: " + String.join("; ", problems));
    }
    return new Directory(out);
  }

  /** Reads the stored form ({@link #toJson}) back. */
  public static Directory fromStored(byte[] json) throws IOException {
    JsonNode root = JSON.readTree(json);
    if (!FORMAT.equals(root.path("format").asText())) {
      throw new IOException("not a " + FORMAT + " document");
    }
    try {
      return parse(json, Format.JSON, null);
    } catch (RefusedException e) {
      throw new IOException("stored directory does not read back: " + e.getMessage(), e);
    }
  }

  private static String single(Map<String, List<String>> r, String key) {
    List<String> v = r.get(key);
    if (v == null || v.isEmpty()) {
      return null;
    }
    String s = v.get(0).strip();
    return s.isEmpty() ? null : s;
  }

  private static List<String> plain(List<String> values) {
    List<String> out = new ArrayList<>();
    if (values != null) {
      for (String v : values) {
        String s = v.strip();
        if (!s.isEmpty() && !out.contains(s)) {
          out.add(s);
        }
      }
    }
    return out;
  }

  private static List<String> phones(List<String> values, String region, int row, String field, List<String> problems) {
    List<String> out = new ArrayList<>();
    for (String v : plain(values)) {
      try {
        var n = PHONES.parse(v, region == null ? "ZZ" : region);
        if (!PHONES.isPossibleNumber(n)) {
          problems.add("employee " + row + ": a value in " + field + " is not a possible phone number");
          continue;
        }
        String e164 = PHONES.format(n, PhoneNumberUtil.PhoneNumberFormat.E164);
        if (!out.contains(e164)) {
          out.add(e164);
        }
      } catch (NumberParseException e) {
        problems.add("employee " + row + ": a value in " + field + " is not a phone number"
            + (region == null ? " in international form (+country code), and no default region was given" : ""));
      }
    }
    return out;
  }

  private static List<Map<String, List<String>>> jsonRows(byte[] bytes) throws RefusedException {
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (IOException e) {
      throw new RefusedException("directory refused, nothing imported: not valid JSON");
    }
    JsonNode arr = root != null && root.isObject() ? root.get("employees") : root;
    if (arr == null || !arr.isArray()) {
      throw new RefusedException("directory refused, nothing imported: expected {\"employees\":[…]} or an array");
    }
    List<Map<String, List<String>>> rows = new ArrayList<>();
    int i = 0;
    for (JsonNode e : arr) {
      i++;
      if (!e.isObject()) {
        throw new RefusedException("directory refused, nothing imported: employee " + i + " is not an object");
      }
      Map<String, List<String>> row = new LinkedHashMap<>();
      var fields = e.properties().iterator();
      while (fields.hasNext()) {
        var f = fields.next();
        if (!COLUMNS.contains(f.getKey()) && !f.getKey().equals("format")) {
          throw new RefusedException("directory refused, nothing imported: employee " + i + " has an unknown field '"
              + f.getKey() + "' (known: " + String.join(", ", COLUMNS) + ")");
        }
        List<String> values = new ArrayList<>();
        if (f.getValue().isArray()) {
          f.getValue().forEach(v -> values.add(v.asText()));
        } else if (!f.getValue().isNull()) {
          values.add(f.getValue().asText());
        }
        row.put(f.getKey(), values);
      }
      rows.add(row);
    }
    return rows;
  }

  private static List<Map<String, List<String>>> csvRows(byte[] bytes) throws RefusedException {
    String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    List<List<String>> lines = Csv.read(text);
    if (lines.isEmpty()) {
      throw new RefusedException("directory refused, nothing imported: the file is empty");
    }
    List<String> header = lines.get(0).stream().map(s -> s.strip().toLowerCase(java.util.Locale.ROOT)).toList();
    for (String h : header) {
      if (!COLUMNS.contains(h)) {
        throw new RefusedException("directory refused, nothing imported: unknown column '" + h + "' (known: "
            + String.join(", ", COLUMNS) + ")");
      }
    }
    if (!header.contains("id") || !header.contains("name")) {
      throw new RefusedException("directory refused, nothing imported: the header needs the columns id and name");
    }
    List<Map<String, List<String>>> rows = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      List<String> cells = lines.get(i);
      if (cells.size() == 1 && cells.get(0).isBlank()) {
        continue;
      }
      if (cells.size() != header.size()) {
        throw new RefusedException("directory refused, nothing imported: line " + (i + 1) + " has " + cells.size()
            + " cells, the header " + header.size());
      }
      Map<String, List<String>> row = new LinkedHashMap<>();
      for (int c = 0; c < header.size(); c++) {
        row.put(header.get(c), List.of(cells.get(c).split(";", -1)));
      }
      rows.add(row);
    }
    return rows;
  }
}
