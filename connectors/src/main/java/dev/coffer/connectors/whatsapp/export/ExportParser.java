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
  private final BodyClassifier classifier = new BodyClassifier();
  private final java.util.Map<String, Long> readAsHeaders = new java.util.HashMap<>();
  private LocalDateTime lastTime;
  private int lastTimeLine;

  ExportParser(FormatDecision decision, Limits limits) {
    this.decision = decision;
    this.orders = decision.usedOrders();
    this.limits = limits;
  }

  /**
   * Pass 1: headers only; decides shape and date order, counts lines, and notes whether the chat is
   * a group (group system events, or more than two distinct authors).
   */
  static Scan scan(InputStream in, DateOrder override, Limits limits) throws IOException {
    return scan(in, override, limits, null);
  }

  /**
   * The lines of a chat text and the header read at the start of each (null where none), kept by
   * pass 1 when the whole text is in memory anyway, so that pass 2 neither decodes nor matches a
   * line again. The streaming importer does not keep them (its memory stays bounded by one entry).
   */
  static final class Recorded {
    final List<LineSource.Line> lines = new ArrayList<>();
    final List<Header> headers = new ArrayList<>();
  }

  /** Pass 1, keeping every line and header in {@code recorded} when it is not null. */
  static Scan scan(InputStream in, DateOrder override, Limits limits, Recorded recorded)
      throws IOException {
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
        if (recorded != null) {
          recorded.lines.add(line);
          recorded.headers.add(h);
        }
        if (h == null) {
          continue;
        }
        formats.add(h, line.number(), fullShape(h, line.text(), classifier));
        if (authors.size() <= 2 || !group) {
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

  /** Longest author (chars before the first ": ") that counts as the full header shape. */
  static final int MAX_AUTHOR_CHARS = 100;

  /**
   * True if what follows the header has the full shape of a message line: an author (1 to
   * {@value #MAX_AUTHOR_CHARS} characters, not blank) before the first ": ", or a known system
   * phrase. Secondary header shapes are read as headers only on such lines, so a date and time that
   * starts a line of ordinary text does not turn it into a message.
   */
  static boolean fullShape(Header h, String line, BodyClassifier classifier) {
    String rest = h.rest(line);
    int colon = rest.indexOf(": ");
    if (colon > 0 && colon <= MAX_AUTHOR_CHARS && visibleBefore(rest, colon)) {
      return true;
    }
    Entry e = classifier.classify(0, 0, null, null, h.family(), rest, List.of());
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
  private String secondaryRefusal(Header h, String text, LocalDateTime time, int number) {
    if (!fullShape(h, text, classifier)) {
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
    return java.util.Map.copyOf(readAsHeaders);
  }

  /** Pass 2: emits entries in file order; returns the number of lines read. */
  long parse(InputStream in, Consumer<Entry> sink) throws IOException {
    try (LineSource src = new LineSource(in, limits.maxLineBytes())) {
      return parse(src::next, (line, index) -> Header.parse(line.text()), sink);
    }
  }

  /** Pass 2 over the lines and headers pass 1 kept. */
  long parse(Recorded recorded, Consumer<Entry> sink) {
    int[] next = {0};
    try {
      return parse(() -> next[0] < recorded.lines.size() ? recorded.lines.get(next[0]++) : null,
          (line, index) -> recorded.headers.get(index), sink);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("replaying kept lines does no I/O", e);
    }
  }

  @FunctionalInterface
  private interface Lines {
    LineSource.Line next() throws IOException;
  }

  @FunctionalInterface
  private interface Headers {
    Header of(LineSource.Line line, int index);
  }

  private long parse(Lines lines, Headers headers, Consumer<Entry> sink) throws IOException {
    Builder current = null;
    List<Entry> overflow = new ArrayList<>();
    long count = 0;
    LineSource.Line line;
    while ((line = lines.next()) != null) {
      String text = line.text();
      Header h = headers.of(line, (int) count);
      count++;
      DateOrder order = h == null ? null : orders.get(h.template());
      boolean primary = order != null && h.template().equals(decision.template());
      LocalDateTime time = order == null ? null : resolve(h, order);
      String refusal = null;
      if (order != null && !primary) {
        refusal = secondaryRefusal(h, text, time, line.number());
      }
      if (order != null && refusal == null) {
        flush(current, sink, overflow);
        current = new Builder(line.number(), h, time, order, text, null);
        readAsHeaders.merge(h.template(), 1L, Long::sum);
        if (time != null) {
          lastTime = time;
          lastTimeLine = line.number();
        }
      } else if (order != null) {
        flush(current, sink, overflow);
        current = new Builder(line.number(), null, null, null, text, refusal);
      } else if (h != null) {
        flush(current, sink, overflow);
        current = new Builder(line.number(), null, null, null, text, "line " + line.number()
            + " starts like a message header in another format (" + h.template()
            + ") than this file's (" + decision.template() + "); kept as text");
      } else if (current == null) {
        current = new Builder(line.number(), null, null, null, text,
            "text before the first message header");
      } else if (current.chars + text.length() > limits.maxEntryChars()) {
        flush(current, sink, overflow);
        current = new Builder(line.number(), null, null, null, text, "the message that ends on line "
            + (line.number() - 1) + " continues beyond " + limits.maxEntryChars()
            + " characters; the rest is kept here");
      } else {
        current.add(line.number(), text);
      }
      if (line.malformed() && current.malformed == null) {
        current.malformed = "line " + line.number() + " holds bytes that are not UTF-8, from byte "
            + line.malformedAt() + " of the line (offset " + (line.byteOffset()
            + line.malformedAt()) + " in the file); they are shown as U+FFFD here and kept in the"
            + " raw original";
      }
      if (line.overflowed()) {
        long kept = limits.maxLineBytes();
        overflow.add(new UnparsedEntry(line.number(), line.number(), null, null, null,
            line.overflowSample() == null ? "" : line.overflowSample(),
            "line " + line.number() + " is " + (kept + line.overflowBytes()) + " bytes long; only"
                + " the first " + kept + " bytes were read into the record for it; the other "
                + line.overflowBytes() + " bytes (file offsets " + (line.byteOffset() + kept)
                + " to " + (line.byteOffset() + kept + line.overflowBytes() - 1) + ") are kept"
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
    for (Entry e : overflow) {
      sink.accept(e);
    }
    overflow.clear();
  }

  /** Accumulates one entry's lines. */
  private final class Builder {
    final int first;
    int last;
    final Header header;
    final LocalDateTime time;
    final DateOrder order;
    final String headerLine;
    final String diagnostic;
    final List<String> continuation = new ArrayList<>();
    long chars;
    String malformed;

    Builder(int first, Header header, LocalDateTime time, DateOrder order, String line,
        String diagnostic) {
      this.first = first;
      this.last = first;
      this.header = header;
      this.time = time;
      this.order = order;
      this.headerLine = line;
      this.diagnostic = diagnostic;
      this.chars = line.length();
    }

    void add(int number, String text) {
      continuation.add(text);
      last = number;
      chars += text.length() + 1;
    }

    Entry build() {
      String all = continuation.isEmpty() ? headerLine
          : headerLine + "\n" + String.join("\n", continuation);
      if (header == null) {
        return new UnparsedEntry(first, last, null, null, null, all, diagnostic);
      }
      String sourceTime = header.sourceTime(headerLine);
      if (malformed != null) {
        return new UnparsedEntry(first, last, time, sourceTime, null, all, malformed);
      }
      if (time == null) {
        return new UnparsedEntry(first, last, null, sourceTime, null, all, "line " + first
            + ": '" + sourceTime + "' is not a valid date and time when read "
            + order + " (the order decided for its header format " + header.template() + ")");
      }
      return classifier.classify(first, last, time, sourceTime, header.family(),
          header.rest(headerLine), continuation);
    }
  }

  /** The header's local date-time under {@code order}; null if it is not a valid one. */
  static LocalDateTime resolve(Header h, DateOrder order) {
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
      return LocalDate.of(year, month, day).atTime(hour, h.minute(), Math.max(0, h.second()));
    } catch (DateTimeException e) {
      return null;
    }
  }
}
