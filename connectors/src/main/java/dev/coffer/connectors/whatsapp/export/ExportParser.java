package dev.coffer.connectors.whatsapp.export;

import dev.coffer.connectors.whatsapp.export.Entry.UnparsedEntry;
import java.io.IOException;
import java.io.InputStream;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Pass 2: turns the chat text into entries, streaming, with the format decided in pass 1.
 *
 * <p>Every line ends up in exactly one entry (and a cut-off line also in one overflow entry), so
 * "lines covered" always equals "lines read". Memory is bounded by {@code maxLineBytes} per line and
 * {@code maxEntryChars} per entry: continuation beyond that starts a new unparsed entry.
 */
final class ExportParser {

  /** Limits; the defaults are generous for real chats (WhatsApp caps a message at 65,536 chars). */
  record Limits(int maxLineBytes, int maxEntryChars) {
    static final Limits DEFAULT = new Limits(1 << 20, 4 << 20);
  }

  /** What pass 1 learned about a file. */
  record Scan(FormatDecision decision, long lines, long bytes, boolean group,
      int distinctAuthors) {}

  private final FormatDecision decision;
  private final java.util.Map<String, DateOrder> orders;
  private final Limits limits;
  private final BodyClassifier classifier;
  private final java.util.Map<String, long[]> readAsHeaders = new java.util.HashMap<>();
  private LocalDateTime lastTime;
  private int lastTimeLine;
  /** The last header template pass 2 looked up, and what it found for it. */
  private String lastTemplate;
  private DateOrder lastOrder;
  private boolean lastPrimary;
  private long[] lastCount;

  ExportParser(FormatDecision decision, Limits limits) {
    this(decision, limits, new BodyClassifier());
  }

  /** With the classifier pass 1 used, which remembers the system lines it read. */
  ExportParser(FormatDecision decision, Limits limits, BodyClassifier classifier) {
    this.classifier = classifier;
    this.decision = decision;
    this.orders = decision.usedOrders();
    this.limits = limits;
  }

  /**
   * Pass 1: headers only; decides shape and date order, counts lines, and notes whether the chat is
   * a group (group system events, or more than two distinct authors).
   */
  static Scan scan(InputStream in, DateOrder override, Limits limits) throws IOException {
    FormatScan formats = new FormatScan();
    BodyClassifier classifier = new BodyClassifier();
    java.util.Set<String> authors = new java.util.HashSet<>();
    boolean group = false;
    long lines = 0;
    try (LineSource src = new LineSource(in, limits.maxLineBytes())) {
      LineSource.Line line;
      while ((line = src.next()) != null) {
        lines++;
        Header h = Header.parse(line.text());
        if (h == null) {
          continue;
        }
        formats.add(h, line.number(), fullShape(h, line.text(), classifier));
        // Once a third author is seen the chat is a group whatever else follows.
        if (authors.size() <= 2) {
          Entry e = classifier.classify(line.number(), line.number(), null, null, h.family(),
              h.rest(line.text()), List.of());
          if (e instanceof Entry.SystemEntry s) {
            group |= isGroupEvent(s.event());
          } else if (e.author() != null && authors.size() <= 2) {
            authors.add(e.author());
          }
        }
      }
      return new Scan(formats.decide(override), lines, src.bytesRead(),
          group || authors.size() > 2, authors.size());
    }
  }

  /**
   * {@link #scan(InputStream, DateOrder, Limits)} over the lines and headers {@code text} found on
   * its bytes: the same decision, without decoding a line whose author shows on its bytes.
   */
  static Scan scan(ChatBytes text, DateOrder override, BodyClassifier classifier) {
    FormatScan formats = new FormatScan();
    java.util.Set<String> authors = new java.util.HashSet<>();
    boolean group = false;
    int[] bad = {-1};
    List<int[]> seenAuthors = new ArrayList<>();
    for (int i = 0; i < text.count; i++) {
      Header h = text.header[i];
      if (h == null) {
        continue;
      }
      int number = i + 1;
      String rest = null;
      boolean full;
      int author = authorBytes(text.bytes, text.restByte[i], text.end[i]);
      if (author > 0) {
        full = true;
      } else {
        rest = text.rest(i, bad);
        full = fullShapeRest(h.family(), rest, classifier);
      }
      formats.add(h, number, full);
      // Once a third author is seen the chat is a group whatever else follows.
      if (authors.size() <= 2) {
        if (author > 0 && h.family() == Header.Family.DASH) {
          int from = text.restByte[i];
          if (plainAscii(text.bytes, from, from + author)) {
            // An Android line with an ASCII author: a message by that author (classify reads it
            // so too; a quotation mark, which could make it a subject change, is not plain).
            if (!seenAuthor(text.bytes, from, author, seenAuthors)) {
              seenAuthors.add(new int[] {from, author});
              authors.add(BodyClassifier.cleanAuthor(
                  new String(text.bytes, from, author, java.nio.charset.StandardCharsets.US_ASCII)));
            }
            continue;
          }
        }
        if (rest == null) {
          rest = text.rest(i, bad);
        }
        Entry e = classifier.classify(number, number, null, null, h.family(), rest, List.of());
        if (e instanceof Entry.SystemEntry s) {
          group |= isGroupEvent(s.event());
        } else if (e.author() != null && authors.size() <= 2) {
          authors.add(e.author());
        }
      }
    }
    return new Scan(formats.decide(override), text.count, text.bytes.length,
        group || authors.size() > 2, authors.size());
  }

  /** True if {@code b[from, to)} is ASCII without a straight quotation mark. */
  private static boolean plainAscii(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] < 0 || b[i] == '"') {
        return false;
      }
    }
    return true;
  }

  /** True if the author {@code b[from, from + len)} has the bytes of one in {@code seen}. */
  private static boolean seenAuthor(byte[] b, int from, int len, List<int[]> seen) {
    for (int[] a : seen) {
      if (a[1] == len
          && java.util.Arrays.equals(b, a[0], a[0] + len, b, from, from + len)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The bytes of an author before the first ": " in {@code b[from, to)} when that alone proves the
   * full shape ({@link #fullShape}): 1 to {@value #MAX_AUTHOR_CHARS} bytes (so as many chars at
   * most) holding a visible ASCII character; else 0, and the decoded text must decide.
   */
  private static int authorBytes(byte[] b, int from, int to) {
    int limit = Math.min(to - 1, from + MAX_AUTHOR_CHARS + 1);
    boolean visible = false;
    for (int i = from; i < limit; i++) {
      byte c = b[i];
      if (c == ':' && b[i + 1] == ' ') {
        return i > from && visible ? i - from : 0;
      }
      if (c > ' ' && c < 0x7F) {
        visible = true;
      }
    }
    return 0;
  }

  /** Longest author (chars before the first ": ") that counts as the full header shape. */
  static final int MAX_AUTHOR_CHARS = 100;

  /**
   * True if what follows the header has the full shape of a message line: an author (1 to
   * {@value #MAX_AUTHOR_CHARS} characters, not blank) before the first ": ", or a known system
   * phrase. Secondary header shapes are read as headers only on such lines, so a date and time that
   * starts a line of ordinary text does not turn it into a message.
   */
  static boolean fullShape(Header h, String line, BodyClassifier classifier) {
    return fullShapeRest(h.family(), h.rest(line), classifier);
  }

  /** {@link #fullShape} on what follows the header. */
  static boolean fullShapeRest(Header.Family family, String rest, BodyClassifier classifier) {
    int colon = rest.indexOf(": ");
    if (colon > 0 && colon <= MAX_AUTHOR_CHARS && visibleBefore(rest, colon)) {
      return true;
    }
    Entry e = classifier.classify(0, 0, null, null, family, rest, List.of());
    return e instanceof Entry.SystemEntry s && s.event() != dev.coffer.model.SystemEvent.Event.OTHER;
  }

  /** True if {@code s[0, end)} holds a character other than spaces and invisible marks. */
  private static boolean visibleBefore(String s, int end) {
    for (int i = 0; i < end; i++) {
      char c = s.charAt(i);
      if (!Text.isInvisible(c) && !Text.isOddSpace(c) && !Character.isWhitespace(c)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isGroupEvent(dev.coffer.model.SystemEvent.Event e) {
    return switch (e) {
      case GROUP_CREATED, MEMBER_ADDED, MEMBER_LEFT, MEMBER_REMOVED, JOINED_BY_LINK,
          SUBJECT_CHANGED, ICON_CHANGED, DESCRIPTION_CHANGED, ADMIN_CHANGED, SETTINGS_CHANGED -> true;
      case ENCRYPTION_NOTICE, SECURITY_CODE_CHANGED, DISAPPEARING_TIMER, NUMBER_CHANGED,
          CONTACT_NOTICE, OTHER -> false;
    };
  }

  /**
   * Why a line in a secondary header format is not read as a header, or null if it is: it needs the
   * full shape (an author or a known system phrase), and a time not earlier than the header read
   * before it, since a format change happens going forward while a quoted or pasted message is
   * older than the message it sits in.
   */
  private String secondaryRefusal(Header h, String rest, LocalDateTime time, int number) {
    if (!fullShapeRest(h.family(), rest, classifier)) {
      return "line " + number + " starts like a message header in format " + h.template()
          + " but no author or known system phrase follows it; kept as text";
    }
    if (time != null && lastTime != null && time.isBefore(lastTime)) {
      return "line " + number + " starts like a message header in format " + h.template()
          + " (a second format of this file) but its time is earlier than the header on line "
          + lastTimeLine + " (a quoted message?); kept as text";
    }
    return null;
  }

  /** Lines read as headers in pass 2, by header format. */
  java.util.Map<String, Long> readAsHeaders() {
    java.util.Map<String, Long> out = new java.util.HashMap<>();
    readAsHeaders.forEach((k, v) -> out.put(k, v[0]));
    return java.util.Map.copyOf(out);
  }

  /** Pass 2: emits entries in file order; returns the number of lines read. */
  long parse(InputStream in, Consumer<Entry> sink) throws IOException {
    try (LineSource src = new LineSource(in, limits.maxLineBytes())) {
      return parse(new StreamCursor(src), sink);
    }
  }

  /** Pass 2 over the lines and headers pass 1 found on the bytes of an in-memory text. */
  long parse(ChatBytes text, Consumer<Entry> sink) {
    try {
      return parse(new BytesCursor(text), sink);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("reading lines held in memory does no I/O", e);
    }
  }

  /**
   * The current line of pass 2. The stream gives each line decoded; the in-memory text decodes a
   * header line's text after the header only ({@link #rest}), and a line's whole text only when
   * an entry needs it.
   */
  private interface Cursor {
    /** Moves to the next line; false at the end. */
    boolean next() throws IOException;

    int number();

    long byteOffset();

    /** The header at the start of the line, or null. */
    Header header();

    /** The line's text. */
    String text();

    /** The line's length in chars. */
    int length();

    /** With a header: a string whose first {@link Header#restStart} chars are the line's. */
    String head();

    /** With a header: the text after it ({@code header().rest(text())}). */
    String rest();

    int malformedAt();

    long overflowBytes();

    String overflowSample();
  }

  private static final class StreamCursor implements Cursor {
    private final LineSource src;
    private LineSource.Line line;
    private Header header;
    private String rest;

    StreamCursor(LineSource src) {
      this.src = src;
    }

    @Override
    public boolean next() throws IOException {
      line = src.next();
      if (line == null) {
        return false;
      }
      header = Header.parse(line.text());
      rest = null;
      return true;
    }

    @Override
    public int number() {
      return line.number();
    }

    @Override
    public long byteOffset() {
      return line.byteOffset();
    }

    @Override
    public Header header() {
      return header;
    }

    @Override
    public String text() {
      return line.text();
    }

    @Override
    public int length() {
      return line.text().length();
    }

    @Override
    public String head() {
      return line.text();
    }

    @Override
    public String rest() {
      if (rest == null) {
        rest = header.rest(line.text());
      }
      return rest;
    }

    @Override
    public int malformedAt() {
      return line.malformedAt();
    }

    @Override
    public long overflowBytes() {
      return line.overflowBytes();
    }

    @Override
    public String overflowSample() {
      return line.overflowSample();
    }
  }

  private static final class BytesCursor implements Cursor {
    private final ChatBytes text;
    private final int[] bad = {-1};
    private int i = -1;
    private String line;
    private String rest;
    private boolean restRead;

    BytesCursor(ChatBytes text) {
      this.text = text;
    }

    @Override
    public boolean next() {
      if (i + 1 >= text.count) {
        return false;
      }
      i++;
      line = null;
      rest = null;
      restRead = false;
      bad[0] = -1;
      return true;
    }

    @Override
    public int number() {
      return i + 1;
    }

    @Override
    public long byteOffset() {
      return text.offset[i];
    }

    @Override
    public Header header() {
      return text.header[i];
    }

    @Override
    public String text() {
      if (line == null) {
        Header h = text.header[i];
        if (h != null) {
          line = text.head[i].substring(0, h.restStart()) + rest();
        } else {
          line = text.text(i, bad);
        }
      }
      return line;
    }

    @Override
    public int length() {
      Header h = text.header[i];
      return h == null ? text().length() : h.restStart() + rest().length();
    }

    @Override
    public String head() {
      return text.head[i];
    }

    @Override
    public String rest() {
      if (!restRead) {
        rest = text.rest(i, bad);
        restRead = true;
      }
      return rest;
    }

    @Override
    public int malformedAt() {
      if (text.header[i] != null) {
        rest(); // the line's bad bytes are found when its text is decoded
      } else {
        text();
      }
      return bad[0];
    }

    @Override
    public long overflowBytes() {
      return 0; // ChatBytes.read refuses texts with lines over the limit
    }

    @Override
    public String overflowSample() {
      return null;
    }
  }

  private long parse(Cursor line, Consumer<Entry> sink) throws IOException {
    Builder current = null;
    List<Entry> overflow = new ArrayList<>();
    long count = 0;
    while (line.next()) {
      Header h = line.header();
      count++;
      int number = line.number();
      DateOrder order;
      boolean primary;
      long[] headerCount;
      if (h == null) {
        order = null;
        primary = false;
        headerCount = null;
      } else if (h.template() == lastTemplate) { // templates are shared strings: most lines hit
        order = lastOrder;
        primary = lastPrimary;
        headerCount = lastCount;
      } else {
        order = orders.get(h.template());
        primary = order != null && h.template().equals(decision.template());
        headerCount = order == null ? null
            : readAsHeaders.computeIfAbsent(h.template(), k -> new long[1]);
        lastTemplate = h.template();
        lastOrder = order;
        lastPrimary = primary;
        lastCount = headerCount;
      }
      LocalDateTime time = order == null ? null : resolve(h, order, lastDate);
      String refusal = null;
      if (order != null && !primary) {
        refusal = secondaryRefusal(h, line.rest(), time, number);
      }
      if (order != null && refusal == null) {
        flush(current, sink, overflow);
        current = new Builder(number, h, time, order, line.head(), line.rest(), line.length(),
            null);
        headerCount[0]++;
        if (time != null) {
          lastTime = time;
          lastTimeLine = number;
        }
      } else if (order != null) {
        flush(current, sink, overflow);
        current = new Builder(number, line.text(), refusal);
      } else if (h != null) {
        flush(current, sink, overflow);
        current = new Builder(number, line.text(), "line " + number
            + " starts like a message header in another format (" + h.template()
            + ") than this file's (" + decision.template() + "); kept as text");
      } else if (current == null) {
        current = new Builder(number, line.text(), "text before the first message header");
      } else if (current.chars + line.length() > limits.maxEntryChars()) {
        flush(current, sink, overflow);
        current = new Builder(number, line.text(), "the message that ends on line "
            + (number - 1) + " continues beyond " + limits.maxEntryChars()
            + " characters; the rest is kept here");
      } else {
        current.add(number, line.text());
      }
      int malformedAt = line.malformedAt();
      if (malformedAt >= 0 && current.malformed == null) {
        current.malformed = "line " + number + " holds bytes that are not UTF-8, from byte "
            + malformedAt + " of the line (offset " + (line.byteOffset()
            + malformedAt) + " in the file); they are shown as U+FFFD here and kept in the"
            + " raw original";
      }
      long overflowBytes = line.overflowBytes();
      if (overflowBytes > 0) {
        long kept = limits.maxLineBytes();
        overflow.add(new UnparsedEntry(number, number, null, null, null,
            line.overflowSample() == null ? "" : line.overflowSample(),
            "line " + number + " is " + (kept + overflowBytes) + " bytes long; only"
                + " the first " + kept + " bytes were read into the record for it; the other "
                + overflowBytes + " bytes (file offsets " + (line.byteOffset() + kept)
                + " to " + (line.byteOffset() + kept + overflowBytes - 1) + ") are kept"
                + " only in the raw original; the first of them follow as text"));
      }
    }
    flush(current, sink, overflow);
    return count;
  }

  private void flush(Builder b, Consumer<Entry> sink, List<Entry> overflow) {
    if (b != null) {
      sink.accept(b.build());
    }
    if (!overflow.isEmpty()) {
      for (Entry e : overflow) {
        sink.accept(e);
      }
      overflow.clear();
    }
  }

  /** Accumulates one entry's lines. */
  private final class Builder {
    final int first;
    int last;
    final Header header;
    final LocalDateTime time;
    final DateOrder order;
    /** With a header: its first {@link Header#restStart} chars are the header line's. */
    final String head;
    /** With a header: the header line's text after the header; else the whole first line. */
    final String rest;
    final String diagnostic;
    List<String> continuation = List.of();
    long chars;
    String malformed;

    /** An entry that starts with a header of the file's format. */
    Builder(int first, Header header, LocalDateTime time, DateOrder order, String head,
        String rest, int length, String diagnostic) {
      this.first = first;
      this.last = first;
      this.header = header;
      this.time = time;
      this.order = order;
      this.head = head;
      this.rest = rest;
      this.diagnostic = diagnostic;
      this.chars = length;
    }

    /** Lines kept as text: an unparsed entry. */
    Builder(int first, String line, String diagnostic) {
      this(first, null, null, null, null, line, line.length(), diagnostic);
    }

    void add(int number, String text) {
      if (continuation.isEmpty()) {
        continuation = new ArrayList<>(4);
      }
      continuation.add(text);
      last = number;
      chars += text.length() + 1;
    }

    Entry build() {
      if (header == null) {
        return new UnparsedEntry(first, last, null, null, null, joined(rest), diagnostic);
      }
      String sourceTime = header.sourceTime(head);
      if (malformed != null || time == null) {
        String all = joined(head.substring(0, header.restStart()) + rest);
        if (malformed != null) {
          return new UnparsedEntry(first, last, time, sourceTime, null, all, malformed);
        }
        return new UnparsedEntry(first, last, null, sourceTime, null, all, "line " + first
            + ": '" + sourceTime + "' is not a valid date and time when read "
            + order + " (the order decided for its header format " + header.template() + ")");
      }
      return classifier.classify(first, last, time, sourceTime, header.family(), rest,
          continuation);
    }

    private String joined(String firstLine) {
      return continuation.isEmpty() ? firstLine
          : firstLine + "\n" + String.join("\n", continuation);
    }
  }

  /** The header's local date-time under {@code order}; null if it is not a valid one. */
  static LocalDateTime resolve(Header h, DateOrder order) {
    return resolve(h, order, null);
  }

  /**
   * The last date {@link #resolve} built (consecutive messages mostly share their date), and the
   * times of day it built, by minute: every entry keeps its time, and a chat's entries share a few
   * thousand times of day at most (the same objects, equal values).
   */
  private static final class LastDate {
    int year = -1;
    int month;
    int day;
    LocalDate date;
    /** Times of day with no seconds (or zero seconds), by minute of the day; built when first used. */
    final java.time.LocalTime[] minutes = new java.time.LocalTime[24 * 60];
    /** The last date-time built, returned again for an equal one. */
    LocalDateTime dateTime;
  }

  private final LastDate lastDate = new LastDate();

  private static LocalDateTime resolve(Header h, DateOrder order, LastDate last) {
    int[] n = h.n();
    int yi = h.yearIndex() >= 0 ? h.yearIndex() : (order.yearFirst() ? 0 : 2);
    int x = -1;
    int y = -1;
    for (int i = 0; i < 3; i++) {
      if (i != yi) {
        if (x < 0) {
          x = n[i];
        } else {
          y = n[i];
        }
      }
    }
    int year = n[yi];
    if (year < 100 && h.yearIndex() < 0) {
      year += 2000;
    }
    int day = order.dayBeforeMonth() ? x : y;
    int month = order.dayBeforeMonth() ? y : x;
    int hour = h.hour();
    if (h.ampm() == Header.AM) {
      if (hour > 12) {
        return null;
      }
      hour = hour == 12 ? 0 : hour;
    } else if (h.ampm() == Header.PM && hour < 12) {
      hour += 12;
    }
    try {
      LocalDate date;
      if (last != null && last.year == year && last.month == month && last.day == day) {
        date = last.date;
      } else {
        date = LocalDate.of(year, month, day);
        if (last != null) {
          last.year = year;
          last.month = month;
          last.day = day;
          last.date = date;
        }
      }
      int second = Math.max(0, h.second());
      if (last == null) {
        return date.atTime(hour, h.minute(), second);
      }
      java.time.LocalTime timeOfDay;
      if (second == 0 && hour >= 0 && hour < 24 && h.minute() >= 0 && h.minute() < 60) {
        int m = hour * 60 + h.minute();
        timeOfDay = last.minutes[m];
        if (timeOfDay == null) {
          timeOfDay = java.time.LocalTime.of(hour, h.minute());
          last.minutes[m] = timeOfDay;
        }
      } else {
        timeOfDay = java.time.LocalTime.of(hour, h.minute(), second);
      }
      LocalDateTime previous = last.dateTime;
      if (previous != null && previous.toLocalDate() == date && previous.toLocalTime().equals(timeOfDay)) {
        return previous;
      }
      LocalDateTime t = LocalDateTime.of(date, timeOfDay);
      last.dateTime = t;
      return t;
    } catch (DateTimeException e) {
      return null;
    }
  }
}
