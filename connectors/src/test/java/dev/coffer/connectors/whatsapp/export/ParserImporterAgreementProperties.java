package dev.coffer.connectors.whatsapp.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.model.Attachment;
import dev.coffer.model.Audit;
import dev.coffer.model.Call;
import dev.coffer.model.Message;
import dev.coffer.model.Record;
import dev.coffer.model.SystemEvent;
import dev.coffer.model.Unparsed;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The public parse-only API ({@link WhatsAppExportParser}) and the importer read a file the same
 * way: one entry per record, in order, with the same kind, line range, source time, author, text,
 * event and attachments (the in-memory parse keeps pass 1's lines; the importer streams them twice).
 */
class ParserImporterAgreementProperties {

  /** What an entry and a record must agree on. */
  record Seen(String kind, String range, String sourceTime, String author, String text,
      SystemEvent.Event event, List<String> attachments) {}

  @Property(tries = 40)
  void generatedExportsParseAsTheImporterImportsThem(@ForAll long seed,
      @ForAll ExportGenerator.Platform platform, @ForAll("locales") String locale,
      @ForAll @IntRange(min = 2, max = 200) int people,
      @ForAll @IntRange(min = 1, max = 300) int messages) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new ExportGenerator(new ExportGenerator.Options(messages, seed, platform, locale, people, false))
        .writeText(out);
    agree(out.toByteArray());
  }

  @Property(tries = 150)
  void hostileChatTextsParseAsTheImporterImportsThem(@ForAll("chatLike") String text)
      throws Exception {
    agree(text.getBytes(StandardCharsets.UTF_8));
  }

  private static void agree(byte[] chat) throws Exception {
    WhatsAppExportParser.Result parsed = WhatsAppExportParser.parse(chat);
    Path dir = Files.createTempDirectory("agree");
    Path file = dir.resolve("WhatsApp Chat with Desk.txt");
    Files.write(file, chat);
    List<Seen> imported = new ArrayList<>();
    try (Archive archive = Archives.inMemory(ArchiveOptions.defaults())) {
      ExportImportReport report;
      try {
        report = new WhatsAppExportImporter(archive)
            .importExport(file, ImportOptions.of(ZoneOffset.UTC), null);
      } catch (ExportRefusedException e) {
        // Refusals of the file as a whole (empty, binary) are the importer's, not the parser's;
        // "not an export" is exactly a text without a header of any format.
        if (e.status() == ExitStatus.NOT_AN_EXPORT) {
          assertThat(parsed.headerFormat()).isNull();
        }
        return;
      } finally {
        Files.delete(file);
        Files.delete(dir);
      }
      assertThat(parsed.lines()).isEqualTo(report.linesTotal());
      assertThat(parsed.headerFormat()).isEqualTo(report.headerFormat());
      assertThat(parsed.dateOrder()).isEqualTo(report.dateOrder());
      archive.scan(1, stored -> {
        Record r = stored.record();
        if (!(r instanceof Audit)) {
          imported.add(seen(r));
        }
        return true;
      });
    }
    List<Seen> fromParser = parsed.entries().stream().map(ParserImporterAgreementProperties::seen)
        .toList();
    assertThat(fromParser).containsExactlyElementsOf(imported);
  }

  private static Seen seen(ChatEntry e) {
    String author = e.author() == null || e.kind() == ChatEntry.Kind.SYSTEM ? null
        : Text.clean(e.author()).strip();
    return new Seen(e.kind().name().toLowerCase(java.util.Locale.ROOT),
        "lines " + e.firstLine() + "-" + e.lastLine(), e.sourceTime(), author, e.text(), e.event(),
        e.attachments().stream().map(a -> a.name() + "|" + a.caption()).toList());
  }

  private static Seen seen(Record r) {
    String author = r.sender() == null ? null : r.sender().name();
    String range = r.source().range();
    return switch (r) {
      case Message m -> new Seen("message", range, m.sourceTime(), author, m.text(), null,
          m.attachmentList().stream().map(a -> name(a) + "|" + a.caption()).toList());
      case SystemEvent s -> new Seen("system", range, s.sourceTime(), null, s.text(), s.event(),
          List.of());
      case Call c -> new Seen("call", range, c.sourceTime(), author, c.text(), null, List.of());
      case Unparsed u -> new Seen("unparsed", range, u.sourceTime(), null, u.text(), null,
          List.of());
      default -> throw new AssertionError("the importer wrote an unexpected record: " + r.kind());
    };
  }

  private static String name(Attachment a) {
    return a.name();
  }

  @Provide
  Arbitrary<String> locales() {
    return Arbitraries.of("en", "de", "fr", "es", "it", "pt", "nl", "ru", "zh");
  }

  @Provide
  Arbitrary<String> chatLike() {
    Arbitrary<String> header = Arbitraries.of("1/2/24, 10:00 - ", "[3/4/24, 1:05:00\u202fPM] ",
        "13.06.18 21.25.15: ", "\u200e[1/2/24 10:00:00] ", "31/12/2024, 23:59 - ", "2024-01-02 ",
        "99/99/99, 99:99 - ", "10:00, 1/2/24 - ", "1/2/24, 10:00 am - ", "");
    Arbitrary<String> body = Arbitraries.strings().withCharRange(' ', '\u2100')
        .withChars(':', ' ', '\u200e', '\u202f', '<', '>', '\n', '\r').ofMaxLength(40);
    return Combinators.combine(header, body).as((h, b) -> h + b)
        .list().ofMaxSize(12).map(l -> String.join("\n", l));
  }
}
