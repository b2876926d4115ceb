package dev.coffer.connectors.wecom;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.coffer.archive.AppendResult;
import dev.coffer.archive.Archive;
import dev.coffer.model.Attachment;
import dev.coffer.model.Audit;
import dev.coffer.model.Ids;
import dev.coffer.model.Party;
import dev.coffer.model.Record;
import dev.coffer.model.Source;
import dev.coffer.model.Unparsed;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.tika.Tika;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports WeCom conversation-archive data (企业微信会话内容存档) into an {@link Archive}.
 *
 * <p>Input, a file or a directory of {@code .json}/{@code .jsonl} files (read in name order):
 * <ul>
 *   <li>the decrypted message stream the Finance SDK produces: one JSON message per line, one
 *       (pretty-printed) message per file, concatenated messages, or an array of them;
 *   <li>raw {@code GetChatData} pages ({@code {"errcode":0,"chatdata":[{seq, msgid, publickey_ver,
 *       encrypt_random_key, encrypt_chat_msg}…]}}): {@code encrypt_random_key} is decrypted with the
 *       firm's RSA key for {@code publickey_ver} ({@link WeComKeys}), and the pair goes to the
 *       {@link WeComDecryptor}; without a key or a decryptor the item is archived still encrypted,
 *       as an {@code unparsed} record that says why — never dropped.
 * </ul>
 *
 * <p>Every input file is archived as a blob first, and every decrypted plaintext too; each record
 * names the blob and its place in it ({@code line 3}, {@code lines 1-20}, {@code … chatdata[4] seq
 * 196}). Records are appended in batches; after each batch is durable the {@code seq} cursor moves
 * to the highest seq in it ({@link WeComImportOptions#cursorFile()}), so a re-run resumes after it,
 * and ids derived from {@code msgid} make anything read twice a duplicate, not a second record:
 * an interrupted import plus a re-run archives every message exactly once. Never logs content,
 * keys or user ids.
 */
public final class WeComImporter {
  private static final Logger LOG = LoggerFactory.getLogger(WeComImporter.class);
  private static final Tika TIKA = new Tika();

  /** The SDK's plaintext may hold raw control characters (seen in the field); big numbers stay exact. */
  static final ObjectMapper JSON = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .build();

  private final Archive archive;
  private final Clock clock;

  public WeComImporter(Archive archive) {
    this(archive, Clock.systemUTC());
  }

  /** With a clock for the audit record's time (tests). */
  public WeComImporter(Archive archive, Clock clock) {
    this.archive = Objects.requireNonNull(archive, "archive");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Imports {@code input} (a file, or a directory of {@code .json}/{@code .jsonl} files).
   *
   * @throws IllegalArgumentException if the input is neither, or a directory holds no such file
   * @throws IOException if reading or archiving failed; what was acknowledged stays archived, the
   *     cursor names only durable records, and a re-run completes the import without duplicates
   */
  public WeComImportReport importPath(Path input, WeComImportOptions options) throws IOException {
    Objects.requireNonNull(options, "options");
    List<Path> files = inputs(input);
    SeqCursor cursor = options.cursorFile() == null ? null : new SeqCursor(options.cursorFile());
    long before = cursor == null ? 0 : cursor.read();
    Run run = new Run(options, cursor, before);
    List<WeComImportReport.FileRead> read = new ArrayList<>();
    for (Path f : files) {
      String sha = archive.putBlob(f);
      read.add(new WeComImportReport.FileRead(f.toString(), sha));
      LOG.info("importing WeCom archive file {}", sha);
      run.file(f, sha);
      run.flush();
    }
    Audit audit = audit(options, read, run);
    AppendResult ar = archive.append(List.of(audit));
    long appended = run.appended + ar.appended();
    int exit = run.unparsed > 0 ? 3 : 0;
    LOG.info("imported WeCom archive data: {} records appended, {} duplicates, {} unparsed, {} kept encrypted",
        appended, run.duplicates, run.unparsed, run.keptEncrypted);
    return new WeComImportReport(read, run.messages, appended, run.duplicates, run.unparsed,
        run.keptEncrypted, run.belowCursor, run.byKind, run.stored, run.pending, before,
        run.cursorValue, run.gaps, audit.id(), run.warnings, exit);
  }

  private static List<Path> inputs(Path input) throws IOException {
    if (Files.isRegularFile(input)) {
      return List.of(input);
    }
    if (!Files.isDirectory(input)) {
      throw new IllegalArgumentException("no such file or directory: " + input);
    }
    List<Path> files;
    try (Stream<Path> s = Files.walk(input)) {
      files = s.filter(Files::isRegularFile).filter(p -> {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".json") || n.endsWith(".jsonl");
      }).sorted().toList();
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no .json or .jsonl file under " + input);
    }
    return files;
  }

  private Audit audit(WeComImportOptions options, List<WeComImportReport.FileRead> files, Run run) {
    Instant now = clock.instant();
    String actor = options.actorName() != null ? options.actorName() : "unknown";
    Map<String, String> detail = new LinkedHashMap<>();
    detail.put("source", "wecom-archive");
    for (int i = 0; i < files.size(); i++) {
      detail.put("file_" + (i + 1) + "_sha256", files.get(i).sha256());
    }
    detail.put("files", Integer.toString(files.size()));
    detail.put("messages", Long.toString(run.messages));
    detail.put("records_appended", Long.toString(run.appended));
    detail.put("duplicates", Long.toString(run.duplicates));
    detail.put("unparsed", Long.toString(run.unparsed));
    detail.put("kept_encrypted", Long.toString(run.keptEncrypted));
    detail.put("below_cursor", Long.toString(run.belowCursor));
    detail.put("attachments_stored", Long.toString(run.stored));
    detail.put("attachments_pending", Long.toString(run.pending));
    detail.put("cursor_before", Long.toString(run.startCursor));
    detail.put("cursor_after", Long.toString(run.cursorValue));
    detail.put("seq_gaps", Integer.toString(run.gaps.size()));
    detail.put("key_versions", options.keys().versions().toString());
    detail.put("decryptor", options.decryptor() == null ? "none" : options.decryptor().getClass().getSimpleName());
    String id = Ids.derive("wecom-archive/audit", String.join(",", files.stream()
        .map(WeComImportReport.FileRead::sha256).toList()), now.toString(), actor);
    return new Audit(id, "coffer", null, new Party(actor, null), now, null, "import",
        files.stream().map(WeComImportReport.FileRead::sha256).toList(), detail, options.actorHost(),
        new Source(WeComRecords.CONNECTOR, null, files.isEmpty() ? null : files.get(0).sha256(), null, null));
  }

  /** The state of one import: batching, the cursor, counts. */
  private final class Run implements WeComRecords.Media {
    final WeComImportOptions options;
    final SeqCursor cursor;
    final long startCursor;
    final long readAbove;
    long cursorValue;
    final List<Record> batch = new ArrayList<>();
    long batchMaxSeq = -1;
    Long lastSeq;
    final Map<String, Long> byKind = new TreeMap<>();
    final List<String> warnings = new ArrayList<>();
    final List<String> gaps = new ArrayList<>();
    long messages;
    long produced;
    long appended;
    long duplicates;
    long unparsed;
    long keptEncrypted;
    long belowCursor;
    long stored;
    long pending;
    String raw;

    Run(WeComImportOptions options, SeqCursor cursor, long startCursor) {
      this.options = options;
      this.cursor = cursor;
      this.startCursor = startCursor;
      this.cursorValue = startCursor;
      this.readAbove = options.fromSeq() != null ? options.fromSeq() : startCursor;
    }

    void file(Path f, String sha) throws IOException {
      raw = sha;
      String first = firstNonBlankLine(f);
      if (first == null) {
        add(WeComRecords.unparsed(Ids.derive("wecom/unparsed", sha, "file"), sha, "file", "",
            "the file is empty", null), null);
        return;
      }
      long before = produced;
      if (isWholeValue(first)) {
        jsonLines(f, sha);
      } else {
        document(f, sha);
      }
      if (produced == before) {
        // Valid JSON holding no message (an empty array, a page without items): still a record.
        String text = Files.size(f) > 1 << 20 ? null
            : new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
        add(WeComRecords.unparsed(Ids.derive("wecom/unparsed", sha, "file"), sha, "file", text,
            "the file holds no WeCom message", null), null);
      }
    }

    /** One JSON value per line: a bad line is one unparsed record, the others still read. */
    private void jsonLines(Path f, String sha) throws IOException {
      try (BufferedReader r = lenient(f)) {
        int n = 0;
        for (String line; (line = r.readLine()) != null; ) {
          n++;
          if (line.isBlank()) {
            continue;
          }
          String range = "line " + n;
          JsonNode node;
          try {
            node = JSON.readTree(line);
          } catch (JsonProcessingException e) {
            add(WeComRecords.unparsed(Ids.derive("wecom/unparsed", sha, range), sha, range, line,
                "not JSON: " + e.getOriginalMessage(), null), null);
            continue;
          }
          value(node, range);
        }
      }
    }

    /** Pretty-printed or concatenated values; after a syntax error the rest is one unparsed record. */
    private void document(Path f, String sha) throws IOException {
      try (JsonParser p = JSON.createParser(f.toFile())) {
        while (true) {
          JsonToken t;
          int start;
          try {
            t = p.nextToken();
            start = p.currentTokenLocation().getLineNr();
            if (t == null) {
              return;
            }
          } catch (JsonProcessingException e) {
            rest(f, sha, Math.max(1, e.getLocation() == null ? 1 : e.getLocation().getLineNr()), e);
            return;
          }
          JsonNode node;
          try {
            node = JSON.readTree(p);
          } catch (JsonProcessingException e) {
            rest(f, sha, start, e);
            return;
          }
          int end = p.currentLocation().getLineNr();
          value(node, start == end ? "line " + start : "lines " + start + "-" + end);
        }
      }
    }

    private void rest(Path f, String sha, int fromLine, JsonProcessingException e) throws IOException {
      List<String> lines = List.of(new String(Files.readAllBytes(f), StandardCharsets.UTF_8).split("\n", -1));
      int from = Math.min(fromLine, Math.max(lines.size(), 1));
      String range = "lines " + from + "-" + Math.max(from, lines.size());
      String text = String.join("\n", lines.subList(Math.min(from - 1, lines.size()), lines.size()));
      add(WeComRecords.unparsed(Ids.derive("wecom/unparsed", sha, range), sha, range, text,
          "not JSON from line " + from + ": " + e.getOriginalMessage(), null), null);
    }

    private void value(JsonNode node, String range) throws IOException {
      if (node.isArray()) {
        int i = 0;
        for (JsonNode element : node) {
          value(element, range + " [" + i++ + "]");
        }
        return;
      }
      if (node.isObject() && node.has("chatdata")) {
        page(node, range);
        return;
      }
      messages++;
      add(WeComRecords.map(node, raw, range, this, warnings), null);
    }

    private void page(JsonNode page, String range) throws IOException {
      int errcode = page.path("errcode").asInt(0);
      JsonNode items = page.get("chatdata");
      if (errcode != 0 || items == null || !items.isArray()) {
        add(WeComRecords.unparsed(Ids.derive("wecom/unparsed", raw, range), raw, range,
            page.toString(), errcode != 0 ? "GetChatData answered errcode " + errcode + " ("
                + page.path("errmsg").asText() + "): the page holds no messages"
                : "a GetChatData page whose chatdata is not a list", null), null);
        return;
      }
      int i = 0;
      for (JsonNode item : items) {
        item(item, range + " chatdata[" + i++ + "]");
      }
    }

    private void item(JsonNode item, String range) throws IOException {
      messages++;
      JsonNode seqNode = item.get("seq");
      Long seq = seqNode != null && seqNode.canConvertToLong() && seqNode.asLong() >= 0 ? seqNode.asLong() : null;
      if (seq != null) {
        if (seq <= readAbove) {
          belowCursor++;
          return;
        }
        if (lastSeq != null && seq > lastSeq + 1) {
          gaps.add(lastSeq + ".." + seq);
        } else if (lastSeq != null && seq <= lastSeq) {
          warnings.add("seq " + seq + " comes after seq " + lastSeq + ": the pages are out of order");
        }
        lastSeq = seq;
        range = range + " seq " + seq;
      }
      String msgid = WeComRecords.str(item, "msgid");
      String erk = WeComRecords.str(item, "encrypt_random_key");
      String ecm = WeComRecords.str(item, "encrypt_chat_msg");
      JsonNode ver = item.get("publickey_ver");
      if (msgid == null || erk == null || ecm == null || ver == null || !ver.canConvertToInt()) {
        add(WeComRecords.unparsed(Ids.derive("wecom/unparsed", raw, range), raw, range,
            item.toString(), "a chatdata item without msgid, publickey_ver, encrypt_random_key"
                + " or encrypt_chat_msg", msgid), seq);
        return;
      }
      String randomKey;
      try {
        randomKey = options.keys().decryptRandomKey(ver.asInt(), erk);
      } catch (WeComKeys.KeyException e) {
        encrypted(item, msgid, range, seq, "kept encrypted: " + e.getMessage()
            + (options.decryptor() == null ? "; and no WeCom decryptor is configured" : ""));
        return;
      }
      if (options.decryptor() == null) {
        encrypted(item, msgid, range, seq, "kept encrypted: no WeCom decryptor is configured (the"
            + " Finance SDK adapter, see docs/wecom-archive.md); re-read this page with one"
            + " (--from-seq) to decrypt it");
        return;
      }
      byte[] plaintext;
      try {
        plaintext = options.decryptor().decrypt(randomKey, ecm);
      } catch (WeComDecryptorException e) {
        encrypted(item, msgid, range, seq, "kept encrypted: the decryptor failed: " + e.getMessage());
        return;
      }
      String plainSha = archive.putBlob(plaintext);
      String plainRange = "decrypted from " + raw + " " + range;
      JsonNode node;
      try {
        node = JSON.readTree(plaintext);
      } catch (JsonProcessingException e) {
        add(WeComRecords.unparsed(Ids.derive("wecom/unparsed", plainSha), plainSha, plainRange,
            new String(plaintext, StandardCharsets.UTF_8), "the decrypted message is not JSON: "
                + e.getOriginalMessage(), msgid), seq);
        return;
      }
      if (!msgid.equals(WeComRecords.str(node, "msgid"))) {
        warnings.add("the decrypted message of " + range + " has another msgid than its page item");
      }
      String saved = raw;
      raw = plainSha;
      try {
        add(WeComRecords.map(node, plainSha, plainRange, this, warnings), seq);
      } finally {
        raw = saved;
      }
    }

    private void encrypted(JsonNode item, String msgid, String range, Long seq, String diagnostic)
        throws IOException {
      keptEncrypted++;
      add(WeComRecords.unparsed(Ids.derive("wecom/encrypted", msgid), raw, range, item.toString(),
          diagnostic, msgid), seq);
    }

    void add(List<Record> records, Long seq) throws IOException {
      for (Record r : records) {
        add(r, null);
      }
      if (seq != null) {
        batchMaxSeq = Math.max(batchMaxSeq, seq);
      }
      if (batch.size() >= options.batchSize()) {
        flush();
      }
    }

    void add(Record r, Long seq) throws IOException {
      produced++;
      byKind.merge(r.kind(), 1L, Long::sum);
      if (r instanceof Unparsed) {
        unparsed++;
      }
      batch.add(r);
      if (seq != null) {
        batchMaxSeq = Math.max(batchMaxSeq, seq);
      }
      if (batch.size() >= options.batchSize()) {
        flush();
      }
    }

    void flush() throws IOException {
      if (!batch.isEmpty()) {
        AppendResult result = archive.append(batch);
        for (AppendResult.Outcome o : result.outcomes()) {
          if (o.duplicate()) {
            duplicates++;
          } else {
            appended++;
          }
        }
        batch.clear();
      }
      // Only now, with every record up to batchMaxSeq durable, may the cursor pass it.
      if (batchMaxSeq > cursorValue) {
        if (cursor != null) {
          cursor.write(batchMaxSeq);
        }
        cursorValue = batchMaxSeq;
      }
      batchMaxSeq = -1;
    }

    @Override
    public Attachment attachment(String sdkFileId, String name, String mediaType, Long size, String md5)
        throws IOException {
      String type = mediaType != null ? mediaType : name != null ? TIKA.detect(name) : null;
      if (sdkFileId == null) {
        return new Attachment(name, type, size, null, null, true, false);
      }
      WeComDecryptor d = options.decryptor();
      if (d == null) {
        pending++;
        return new Attachment(name, type, size, null, null, false, true);
      }
      MessageDigest md5Digest = md5();
      long[] count = {0};
      String sha;
      try (InputStream in = d.openMedia(sdkFileId);
          InputStream counted = new FilterInputStream(new DigestInputStream(in, md5Digest)) {
            @Override
            public int read() throws IOException {
              int b = super.read();
              if (b >= 0) {
                count[0]++;
              }
              return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
              int n = super.read(buf, off, len);
              if (n > 0) {
                count[0] += n;
              }
              return n;
            }
          }) {
        sha = archive.putBlob(counted);
      } catch (WeComDecryptorException e) {
        pending++;
        warnings.add("media " + name + " is pending: " + e.getMessage());
        return new Attachment(name, type, size, null, null, false, true);
      }
      String got = HexFormat.of().formatHex(md5Digest.digest());
      if (md5 != null && !md5.equalsIgnoreCase(got)) {
        warnings.add("media " + name + " does not have the md5sum its message names (archived as received, blob "
            + sha + ")");
      }
      stored++;
      return new Attachment(name, type, count[0], sha, null, false, false);
    }
  }

  private static MessageDigest md5() {
    try {
      // MD5 only to compare with the md5sum WeCom sends; the archive's own digest is SHA-256.
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no MD5", e);
    }
  }

  private static String firstNonBlankLine(Path f) throws IOException {
    try (BufferedReader r = lenient(f)) {
      for (String line; (line = r.readLine()) != null; ) {
        if (!line.isBlank()) {
          return line;
        }
      }
      return null;
    }
  }

  /** Reads UTF-8, replacing undecodable bytes with U+FFFD (the archived file keeps the bytes). */
  private static BufferedReader lenient(Path f) throws IOException {
    return new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(f), StandardCharsets.UTF_8));
  }

  /** True if the line is one complete JSON value (then the file is read line by line). */
  private static boolean isWholeValue(String line) {
    try (JsonParser p = JSON.createParser(line)) {
      JSON.readTree(p);
      return p.nextToken() == null && (line.strip().startsWith("{") || line.strip().startsWith("["));
    } catch (IOException e) {
      return false;
    }
  }
}
