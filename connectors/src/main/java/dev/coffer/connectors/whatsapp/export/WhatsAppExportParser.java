package dev.coffer.connectors.whatsapp.export;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Parses the chat text of a WhatsApp "Export chat" file into {@link ChatEntry entries}, and does
 * nothing else: no records, no ids, no digests, no archive. This is the same parser the
 * {@link WhatsAppExportImporter} runs (the importer turns each entry into one record), exposed on
 * its own for tools and for measuring the parse step.
 *
 * <p>Two passes over the text, as in the importer: the first decides the header format and date
 * order from every header of the file, the second reads the entries. Input is UTF-8 chat text (the
 * {@code .txt}, not the {@code .zip}); bad bytes and lines that are not headers of the file's format
 * become {@link ChatEntry.Kind#UNPARSED} entries with a diagnostic, never exceptions, and every line
 * belongs to exactly one entry. Thread-safe: each call has its own state.
 */
public final class WhatsAppExportParser {
  private WhatsAppExportParser() {}

  /**
   * What parsing a chat text gave.
   *
   * @param entries the entries in file order
   * @param headerFormat the file's header format (a template text such as
   *     {@code "dash date/ yy time: 12h"}), or null when no line starts with a message header (the
   *     importer refuses such a file; here every line is then one unparsed entry)
   * @param dateOrder the date order used for that format, or null with no format
   * @param lines lines read
   * @param group true if the chat looks like a group (group system events, or more than two authors)
   */
  public record Result(List<ChatEntry> entries, String headerFormat, DateOrder dateOrder,
      long lines, boolean group) {
    public Result {
      entries = List.copyOf(entries);
    }
  }

  /** Parses UTF-8 chat text held in memory, deciding the date order from the file. */
  public static Result parse(byte[] chatText) {
    return parse(chatText, null);
  }

  /**
   * Parses UTF-8 chat text held in memory.
   *
   * @param dateOrder the date order to use, or null to decide it from the file (as the importer does)
   */
  public static Result parse(byte[] chatText, DateOrder dateOrder) {
    Objects.requireNonNull(chatText, "chatText");
    ExportParser.Limits limits = ExportParser.Limits.DEFAULT;
    // The text is in memory: lines and headers are found once, on the bytes, for both passes.
    ChatBytes text = ChatBytes.read(chatText, limits.maxLineBytes());
    if (text == null) { // a line over the limit: the stream parser cuts it and reports the rest
      List<ChatEntry> out = new ArrayList<>();
      try {
        Summary s = parse(() -> new ByteArrayInputStream(chatText), dateOrder, out::add);
        return new Result(out, s.headerFormat, s.dateOrder, s.lines, s.group);
      } catch (IOException e) {
        throw new UncheckedIOException("reading a byte array cannot fail", e);
      }
    }
    BodyClassifier classifier = new BodyClassifier(); // both passes: pass 2 reuses what it read
    ExportParser.Scan scan = ExportParser.scan(text, dateOrder, classifier);
    FormatDecision d = scan.decision();
    List<ChatEntry> out = new ArrayList<>(text.count);
    long lines = new ExportParser(d, limits, classifier).parse(text, e -> out.add(ChatEntry.of(e)));
    return new Result(out, d.template(), d.template() == null ? null : d.order(), lines,
        scan.group());
  }

  /** Parses a chat text file (UTF-8), deciding the date order from the file. */
  public static Result parse(Path chatText) throws IOException {
    List<ChatEntry> out = new ArrayList<>();
    Summary s = parse(() -> Files.newInputStream(chatText), null, out::add);
    return new Result(out, s.headerFormat, s.dateOrder, s.lines, s.group);
  }

  /**
   * Parses a chat text file, streaming: entries go to {@code sink} in file order as they are read,
   * so memory stays bounded by one entry whatever the file's size.
   *
   * @param dateOrder the date order to use, or null to decide it from the file
   * @return the file's format, date order, line count and group flag ({@link Result#entries} empty)
   */
  public static Result parse(Path chatText, DateOrder dateOrder, Consumer<ChatEntry> sink)
      throws IOException {
    Objects.requireNonNull(sink, "sink");
    Summary s = parse(() -> Files.newInputStream(chatText), dateOrder, sink);
    return new Result(List.of(), s.headerFormat, s.dateOrder, s.lines, s.group);
  }

  @FunctionalInterface
  private interface Opener {
    InputStream open() throws IOException;
  }

  private record Summary(String headerFormat, DateOrder dateOrder, long lines, boolean group) {}

  private static Summary parse(Opener opener, DateOrder override, Consumer<ChatEntry> sink)
      throws IOException {
    ExportParser.Limits limits = ExportParser.Limits.DEFAULT;
    ExportParser.Scan scan;
    try (InputStream in = opener.open()) {
      scan = ExportParser.scan(in, override, limits);
    }
    FormatDecision d = scan.decision();
    long lines;
    try (InputStream in = opener.open()) {
      lines = new ExportParser(d, limits).parse(in, e -> sink.accept(ChatEntry.of(e)));
    }
    return new Summary(d.template(), d.template() == null ? null : d.order(), lines, scan.group());
  }
}
