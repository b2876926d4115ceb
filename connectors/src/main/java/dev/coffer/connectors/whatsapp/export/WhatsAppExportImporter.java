package dev.coffer.connectors.whatsapp.export;

import dev.coffer.archive.AppendResult;
import dev.coffer.archive.Archive;
import dev.coffer.archive.StoredRecord;
import dev.coffer.model.Attachment;
import dev.coffer.model.Audit;
import dev.coffer.model.Conversation;
import dev.coffer.model.ConversationKind;
import dev.coffer.model.Ids;
import dev.coffer.model.Party;
import dev.coffer.model.Record;
import dev.coffer.model.Source;
import dev.coffer.model.Unparsed;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.tika.Tika;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports one WhatsApp "Export chat" file (.txt, or .zip with media; Android or iOS) into an
 * {@link Archive}.
 *
 * <p>Order of work: refuse hostile or unusable input before writing anything (zip paths, zip
 * bombs, empty, binary, no chat text, no header); pass 1 over the chat text decides the header
 * format and date order; the original file (and for a zip its chat text) are archived as blobs;
 * pass 2 streams entries into records, appended in batches of {@value #BATCH} (each one on a
 * committing thread while this one parses and maps the next, in order) — a record counts as
 * imported only once {@link Archive#append} has returned; media named in the chat are stored from
 * the zip as they are met; last, one {@link Audit} record holds the decisions and counts.
 *
 * <p>Idempotent: record ids derive from natural keys (see {@code docs/whatsapp-export.md}), so
 * re-importing the same file, or an overlapping later export of the same chat, appends nothing
 * twice. Never logs message content or phone numbers.
 */
public final class WhatsAppExportImporter {
  private static final Logger LOG = LoggerFactory.getLogger(WhatsAppExportImporter.class);
  static final int BATCH = 5000;
  private static final int PROBE_BYTES = 8192;
  /**
   * Tika, loaded on the first media type it must detect (its type registry takes a noticeable part of
   * a short import's start): an export without named media never loads it.
   */
  private static final class Detection {
    static final Tika TIKA = new Tika();
  }

  /**
   * The types Tika's registry gives the file-name extensions WhatsApp media carry (lower case, as
   * WhatsApp writes them), so a media line named in a chat without its bytes needs no Tika (loading
   * its registry took 1.1–1.8 s of a short import's start). {@code WhatsAppExportImporterTest} checks
   * every entry against Tika; any other name is still asked of Tika.
   */
  static final java.util.Map<String, String> TYPES_BY_EXTENSION = java.util.Map.ofEntries(
      java.util.Map.entry("jpg", "image/jpeg"), java.util.Map.entry("jpeg", "image/jpeg"),
      java.util.Map.entry("png", "image/png"), java.util.Map.entry("webp", "image/webp"),
      java.util.Map.entry("gif", "image/gif"), java.util.Map.entry("mp4", "video/mp4"),
      java.util.Map.entry("3gp", "video/3gpp"), java.util.Map.entry("opus", "audio/opus"),
      java.util.Map.entry("ogg", "audio/vorbis"), java.util.Map.entry("m4a", "audio/mp4"),
      java.util.Map.entry("aac", "audio/x-aac"), java.util.Map.entry("mp3", "audio/mpeg"),
      java.util.Map.entry("pdf", "application/pdf"), java.util.Map.entry("vcf", "text/x-vcard"),
      java.util.Map.entry("txt", "text/plain"), java.util.Map.entry("zip", "application/zip"),
      java.util.Map.entry("doc", "application/msword"),
      java.util.Map.entry("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
      java.util.Map.entry("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
      java.util.Map.entry("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"));

  /** The media type Tika gives a file name, from the table above when the extension is in it. */
  static String typeOfName(String name) {
    int dot = name.lastIndexOf('.');
    String known = dot < 0 ? null : TYPES_BY_EXTENSION.get(name.substring(dot + 1));
    return known != null ? known : Detection.TIKA.detect(name);
  }

  private final Archive archive;
  private final Clock clock;

  public WhatsAppExportImporter(Archive archive) {
    this(archive, Clock.systemUTC());
  }

  /** With a clock for the audit record's time (tests). */
  public WhatsAppExportImporter(Archive archive, Clock clock) {
    this.archive = java.util.Objects.requireNonNull(archive, "archive");
    this.clock = java.util.Objects.requireNonNull(clock, "clock");
  }

  /**
   * Imports {@code input}.
   *
   * @throws ExportRefusedException if the input as a whole cannot be imported; nothing was written
   * @throws IOException if reading the input or writing the archive failed; records acknowledged by
   *     then are archived, and re-running the import completes it without duplicates
   */
  public ExportImportReport importExport(Path input, ImportOptions options,
      ProgressListener progress) throws ExportRefusedException, IOException {
    java.util.Objects.requireNonNull(options, "options");
    ProgressListener listener = progress == null ? ProgressListener.NONE : progress;
    if (!Files.isRegularFile(input) || !Files.isReadable(input)) {
      throw new ExportRefusedException(ExitStatus.INPUT_UNREADABLE,
          "cannot read " + input + ": not a readable file");
    }
    ImportLimits limits = options.limits();
    ExportParser.Limits parserLimits =
        new ExportParser.Limits(limits.maxLineBytes(), limits.maxEntryChars());
    ZipInput zip = ZipInput.looksLikeZip(input) ? ZipInput.open(input, limits) : null;
    try {
      ChatText chat = zip == null ? new ChatText.File(input) : new ChatText.InZip(zip);
      probe(chat);
      long chatBytes = chat.size();
      long total = chatBytes * 2;
      ExportParser.Scan scan;
      try (InputStream in = new Counting(chat.open(), total, 0, listener)) {
        scan = ExportParser.scan(in, options.dateOrder(), parserLimits);
      }
      if (scan.decision().template() == null) {
        throw new ExportRefusedException(ExitStatus.NOT_AN_EXPORT, "no line of " + chat.name()
            + " starts with a WhatsApp message header (date, time, author); is it an export?");
      }
      String title = options.chatTitle() != null ? options.chatTitle()
          : ChatTitles.fromFileName(input.getFileName().toString());
      Conversation conversation = new Conversation(
          RecordMapper.conversationId(options.ownerPhone(), title),
          scan.group() ? ConversationKind.GROUP : ConversationKind.DIRECT, title);

      // Writing starts here: everything above only read.
      String fileSha = archive.putBlob(input);
      String rawSha;
      if (zip == null) {
        rawSha = fileSha;
      } else {
        try (InputStream in = zip.openChat()) {
          rawSha = archive.putBlob(in);
        }
      }
      LOG.info("importing WhatsApp export {} (chat text {}), conversation {}", fileSha, rawSha,
          conversation.id());
      ExportParser parser = new ExportParser(scan.decision(), parserLimits);
      long lines;
      Run run = new Run(options, conversation, rawSha, zip);
      try (run) {
        try (InputStream in = new Counting(chat.open(), total, chatBytes, listener)) {
          lines = parser.parse(in, entry -> {
            try {
              run.accept(entry);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
        } catch (UncheckedIOException e) {
          throw e.getCause();
        }
        run.finish();
      }
      List<String> warnings = new ArrayList<>(run.warnings);
      FormatDecision d = scan.decision().withReadCounts(parser.readAsHeaders());
      if (FormatScan.isGuess(d)) {
        warnings.add("date order " + d.order() + " is uncertain: " + d.evidence());
      }
      for (HeaderTemplate t : d.templates()) {
        if (t.used() && !t.template().equals(d.template())) {
          warnings.add("a second header format is read too: " + t.template() + " ("
              + t.linesReadAsHeaders() + " line(s), date order " + t.dateOrder() + ")");
          if (!d.operatorChosen() && FormatScan.isGuess(t.evidence())) {
            warnings.add("date order " + t.dateOrder() + " of header format " + t.template()
                + " is uncertain: " + t.evidence());
          }
        }
      }
      if (d.otherShapeLines() > 0) {
        warnings.add(d.otherShapeLines() + " line(s) look like headers but are not read as headers"
            + " (another format without support, or no author after the header); they are kept as"
            + " unparsed records");
      }
      if (run.unparsed > 0) {
        warnings.add(run.unparsed + " unparsed record(s): see their diagnostics");
      }
      ExitStatus status = run.unparsed > 0 ? ExitStatus.IMPORTED_WITH_UNPARSED : ExitStatus.OK;
      Audit audit = audit(options, input, fileSha, rawSha, conversation, d, lines, run, status);
      AppendResult ar = archive.append(List.of(audit));
      long appended = run.appended + ar.appended();
      listener.progress(total, total);
      LOG.info("imported {}: {} records appended, {} duplicates, {} unparsed", fileSha, appended,
          run.duplicates, run.unparsed);
      return new ExportImportReport(input.getFileName().toString(), fileSha, rawSha,
          conversation.id(), title, conversation.kind().json(), appended, run.duplicates,
          run.unparsed, run.byKind, lines, run.covered, run.stored, run.missing, d.template(),
          d.order(), d.evidence(), d.templates(), options.zone().getId(), audit.id(), warnings,
          status);
    } finally {
      if (zip != null) {
        zip.close();
      }
    }
  }

  /** Refuses empty and binary chat texts before anything is written. */
  private static void probe(ChatText chat) throws IOException, ExportRefusedException {
    byte[] head;
    try (InputStream in = chat.open()) {
      head = in.readNBytes(PROBE_BYTES);
    }
    int start = head.length >= 3 && (head[0] & 0xFF) == 0xEF && (head[1] & 0xFF) == 0xBB
        && (head[2] & 0xFF) == 0xBF ? 3 : 0;
    if (head.length - start == 0) {
      throw new ExportRefusedException(ExitStatus.EMPTY, chat.name() + " is empty");
    }
    int control = 0;
    for (int i = start; i < head.length; i++) {
      int b = head[i] & 0xFF;
      if (b == 0) {
        throw new ExportRefusedException(ExitStatus.BINARY, chat.name()
            + " is binary data (a NUL byte at offset " + i + "), not a chat text");
      }
      if (b < 0x20 && b != '\n' && b != '\r' && b != '\t' && b != '\f' && b != 0x1B) {
        control++;
      }
    }
    if (control * 10 > head.length - start) {
      throw new ExportRefusedException(ExitStatus.BINARY, chat.name()
          + " is binary data (" + control + " control bytes in its first " + head.length
          + "), not a chat text");
    }
  }

  private Audit audit(ImportOptions options, Path input, String fileSha, String rawSha,
      Conversation conversation, FormatDecision d, long lines, Run run, ExitStatus status) {
    Instant now = clock.instant();
    String actor = options.actorName() != null ? options.actorName() : "unknown";
    Map<String, String> detail = new LinkedHashMap<>();
    detail.put("file", input.getFileName().toString());
    detail.put("file_sha256", fileSha);
    detail.put("chat_text_sha256", rawSha);
    detail.put("zone", options.zone().getId());
    detail.put("header_format", d.template());
    detail.put("date_order", d.order().name());
    detail.put("date_order_evidence", d.evidence());
    detail.put("date_order_set_by_operator", Boolean.toString(d.operatorChosen()));
    // Every header format seen, with its own date order and evidence, as "header_format_N".
    detail.put("header_formats", Integer.toString(d.templates().size()));
    for (int i = 0; i < d.templates().size(); i++) {
      detail.put("header_format_" + (i + 1), d.templates().get(i).describe());
    }
    detail.put("lines_total", Long.toString(lines));
    detail.put("lines_covered", Long.toString(run.covered));
    detail.put("records_appended", Long.toString(run.appended));
    detail.put("duplicates", Long.toString(run.duplicates));
    detail.put("unparsed", Long.toString(run.unparsed));
    detail.put("attachments_stored", Long.toString(run.stored));
    detail.put("attachments_missing", Long.toString(run.missing));
    detail.put("conversation_kind", conversation.kind().json());
    detail.put("status", status.name());
    if (options.ownerName() != null || options.ownerPhone() != null) {
      detail.put("owner_given", "true");
    }
    String id = Ids.derive("whatsapp-export/audit", fileSha, conversation.id(), now.toString(),
        actor);
    // The audit record is about the conversation (targets, detail), not part of it: reviewers reading
    // the conversation see what was said, and audit records are searched as their own kind.
    detail.put("conversation_title", conversation.title() == null ? "" : conversation.title());
    return new Audit(id, "coffer", null, new Party(actor, null), now, null, "import",
        List.of(conversation.id()), detail, options.actorHost(),
        new Source(RecordMapper.CONNECTOR, null, rawSha, "lines 1-" + lines,
            options.zone().getId()));
  }

  /** One batch of records with the entries and occurrence indexes they were mapped from. */
  private record Batch(List<Record> records, List<Entry> entries, List<Integer> occurrences) {
    Batch() {
      this(new ArrayList<>(BATCH), new ArrayList<>(BATCH), new ArrayList<>(BATCH));
    }
  }

  /**
   * The state of one import: batching, counting, the duplicate check.
   *
   * <p>Pipelined: a full batch is appended on a committing thread (canonical JSON, digests, the
   * group commit and its syncs) while this thread parses and maps the next one; at most one batch is
   * in flight. Before the next batch is handed over, the previous append's outcomes are read here,
   * in order, and its duplicates resolved (which may append again), so records reach the archive in
   * the same order, with the same serials, as appending each batch in turn on this thread. Nothing
   * counts as appended before its append returned; {@link #finish} waits for the last one.
   */
  private final class Run implements RecordMapper.Media, AutoCloseable {
    final RecordMapper mapper;
    final String raw;
    final ZipInput zip;
    Batch batch = new Batch();
    /** The batch being appended on {@link #committer}, and that append; null when none is. */
    Batch inFlight;
    java.util.concurrent.Future<AppendResult> pending;
    final java.util.concurrent.ExecutorService committer =
        java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
          Thread t = new Thread(r, "coffer-import-commit");
          t.setDaemon(true);
          return t;
        });
    final Map<String, Long> byKind = new TreeMap<>();
    final List<String> warnings = new ArrayList<>();
    long appended;
    long duplicates;
    long unparsed;
    long covered;
    long maxCovered;
    long stored;
    long missing;

    Run(ImportOptions options, Conversation conversation, String raw, ZipInput zip) {
      this.raw = raw;
      this.zip = zip;
      this.mapper = new RecordMapper(conversation, raw, new LocalTimes(options.zone()),
          new Parties(options.ownerPhone(), options.ownerName()), this);
    }

    void accept(Entry e) throws IOException {
      long first = Math.max(e.firstLine() - 1, maxCovered);
      if (e.lastLine() > first) {
        covered += e.lastLine() - first;
      }
      maxCovered = Math.max(maxCovered, e.lastLine());
      int occurrence = mapper.occurrence(e);
      Record r = mapper.map(e, occurrence);
      byKind.merge(r.kind(), 1L, Long::sum);
      if (r instanceof Unparsed) {
        unparsed++;
      }
      batch.records().add(r);
      batch.entries().add(e);
      batch.occurrences().add(occurrence);
      if (batch.records().size() >= BATCH) {
        handOver();
      }
    }

    /** Waits for the batch in flight, then starts appending the current one. */
    private void handOver() throws IOException {
      settle();
      Batch next = batch;
      batch = new Batch();
      inFlight = next;
      pending = committer.submit(() -> archive.append(next.records()));
    }

    /** Waits for the append in flight, if any, and accounts for its outcomes (resolving duplicates). */
    private void settle() throws IOException {
      if (pending == null) {
        return;
      }
      AppendResult result;
      try {
        result = pending.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while a batch was being appended");
      } catch (java.util.concurrent.ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof IOException io) {
          throw io;
        }
        if (cause instanceof RuntimeException re) {
          throw re;
        }
        if (cause instanceof Error err) {
          throw err;
        }
        throw new IOException(cause);
      } finally {
        pending = null;
      }
      Batch done = inFlight;
      inFlight = null;
      for (int i = 0; i < result.outcomes().size(); i++) {
        AppendResult.Outcome o = result.outcomes().get(i);
        if (!o.duplicate()) {
          appended++;
          continue;
        }
        resolveDuplicate(done.records().get(i), done.entries().get(i), done.occurrences().get(i));
      }
    }

    /** Appends what is left and waits until every batch's append has returned. */
    void finish() throws IOException {
      if (!batch.records().isEmpty()) {
        handOver();
      }
      settle();
    }

    /**
     * Waits for an append still in flight (after a failure elsewhere: nobody may close the archive
     * under it; its outcome no longer matters, the import is failing) and stops the committing thread.
     */
    @Override
    public void close() {
      java.util.concurrent.Future<AppendResult> left = pending;
      if (left != null) {
        boolean interrupted = false;
        while (true) {
          try {
            left.get();
            break;
          } catch (InterruptedException e) {
            interrupted = true;
          } catch (java.util.concurrent.ExecutionException e) {
            break;
          }
        }
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
      committer.shutdown();
    }

    /**
     * A duplicate is expected from a re-import or an overlapping export. It must never merge two
     * distinct lines of the same file: if the archived record has this file's raw but another line
     * range, the entry takes the next occurrence index until it is new or its own duplicate.
     */
    private void resolveDuplicate(Record record, Entry entry, int occurrence) throws IOException {
      Record current = record;
      int occ = occurrence;
      while (true) {
        StoredRecord existing = archive.get(current.id()).orElse(null);
        if (existing == null) {
          throw new IOException("the archive reported record " + current.id()
              + " as a duplicate but cannot return it");
        }
        Source s = existing.record().source();
        boolean sameFileOtherLines = s != null && raw.equals(s.raw())
            && !current.source().range().equals(s.range());
        if (!sameFileOtherLines) {
          duplicates++;
          return;
        }
        occ++;
        current = mapper.map(entry, occ);
        AppendResult again = archive.append(List.of(current));
        if (!again.outcomes().get(0).duplicate()) {
          appended++;
          return;
        }
      }
    }

    @Override
    public Attachment attachment(Entry.MediaRef ref) throws IOException {
      InputStream in = ref.omitted() || zip == null ? null : zip.openMedia(ref.name());
      if (in == null) {
        missing++;
        return withoutBytes(ref);
      }
      try (InputStream media = in) {
        byte[] head = media.readNBytes(64 * 1024);
        String type = Detection.TIKA.detect(head, ref.name());
        long[] size = {0};
        InputStream all = new FilterInputStream(
            new SequenceInputStream(new ByteArrayInputStream(head), media)) {
          @Override
          public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
              size[0]++;
            }
            return b;
          }

          @Override
          public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n > 0) {
              size[0] += n;
            }
            return n;
          }
        };
        String sha = archive.putBlob(all);
        stored++;
        return new Attachment(ref.name(), type, size[0], sha, ref.caption(), false, false);
      }
    }

    @Override
    public List<String> vcardPhones(String sha256) throws IOException {
      byte[] bytes;
      try (InputStream in = archive.openBlob(sha256)) {
        bytes = in.readNBytes(64 * 1024);
      }
      List<String> phones = new ArrayList<>();
      for (String line : new String(bytes, StandardCharsets.UTF_8).split("\r?\n")) {
        if (line.toUpperCase(Locale.ROOT).startsWith("TEL") && line.indexOf(':') > 0) {
          String value = line.substring(line.lastIndexOf(':') + 1).strip();
          String e164 = Parties.e164(value);
          phones.add(e164 != null ? e164 : value);
        }
      }
      return phones;
    }
  }

  /**
   * The attachment for media whose bytes are not delivered: omitted in the export, or named but not
   * in the zip. The media type is the placeholder's coarse type, or guessed from the file name.
   */
  static Attachment withoutBytes(Entry.MediaRef ref) {
    String type = ref.omitted() ? hintType(ref.typeHint())
        : (ref.name() == null ? null : typeOfName(ref.name()));
    return Attachment.missing(ref.name(), type, ref.caption());
  }

  private static String hintType(String hint) {
    if (hint == null) {
      return null;
    }
    return switch (hint) {
      case "image" -> "image/*";
      case "video", "gif" -> "video/*";
      case "audio" -> "audio/*";
      case "sticker" -> "image/webp";
      case "contact" -> "text/vcard";
      default -> null;
    };
  }

  /** Reports progress as bytes are read. */
  private static final class Counting extends FilterInputStream {
    private final long total;
    private long done;
    private final ProgressListener listener;
    private long lastReported;

    Counting(InputStream in, long total, long start, ProgressListener listener) {
      super(in);
      this.total = total;
      this.done = start;
      this.listener = listener;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        advance(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        advance(n);
      }
      return n;
    }

    private void advance(long n) {
      done += n;
      if (done - lastReported >= 1 << 20) {
        lastReported = done;
        listener.progress(total, done);
      }
    }
  }
}
