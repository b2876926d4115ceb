package dev.coffer.connectors.whatsapp.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.connectors.whatsapp.export.Entry.MessageEntry;
import dev.coffer.connectors.whatsapp.export.Entry.SystemEntry;
import dev.coffer.connectors.whatsapp.export.Entry.UnparsedEntry;
import dev.coffer.model.Audit;
import dev.coffer.model.Record;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several header formats in one file: each read with its own date order. */
class MixedFormatsTest {
  @TempDir Path dir;

  /** A phone whose date setting changed from M/D/YY to D/M/YYYY in the middle of the chat. */
  static final String SWITCHED = """
      3/28/24, 10:00 - Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them. Tap to learn more.
      3/28/24, 10:01 - Ann: first
      3/28/24, 10:02 - Bob: second
      29/3/2024, 09:00 - Ann: third
      29/3/2024, 09:05 - Bob: fourth
      2/4/2024, 09:06 - Bob: fifth
      """;

  @Test
  void eachFormatGetsItsOwnDateOrderWithEvidence() {
    Parsing.Result r = Parsing.parse(SWITCHED);
    FormatDecision d = r.scan().decision();
    assertThat(d.templates()).extracting(HeaderTemplate::template, HeaderTemplate::dateOrder,
            HeaderTemplate::used)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("dash date/ yy time: 24h", DateOrder.MDY, true),
            org.assertj.core.groups.Tuple.tuple("dash date/ yyyy@3 time: 24h", DateOrder.DMY,
                true));
    assertThat(d.templates().get(0).evidence())
        .isEqualTo("month-first: component 2 reached 28 on line 1");
    assertThat(d.templates().get(1).evidence())
        .isEqualTo("day-first: component 1 reached 29 on line 4");
    assertThat(r.entries()).extracting(Entry::time).containsExactly(
        LocalDateTime.of(2024, 3, 28, 10, 0), LocalDateTime.of(2024, 3, 28, 10, 1),
        LocalDateTime.of(2024, 3, 28, 10, 2), LocalDateTime.of(2024, 3, 29, 9, 0),
        LocalDateTime.of(2024, 3, 29, 9, 5), LocalDateTime.of(2024, 4, 2, 9, 6));
    assertThat(r.entries().get(0)).isInstanceOf(SystemEntry.class);
    assertThat(r.entries().subList(1, 6)).allMatch(e -> e instanceof MessageEntry);
    assertThat(d.otherShapeLines()).isZero();
  }

  @Test
  void theOperatorsDateOrderAppliesToEveryFormat() {
    Parsing.Result r = Parsing.parse(SWITCHED.getBytes(StandardCharsets.UTF_8), DateOrder.DMY);
    assertThat(r.scan().decision().templates()).allSatisfy(t -> {
      assertThat(t.dateOrder()).isEqualTo(DateOrder.DMY);
      assertThat(t.evidence()).isEqualTo("set by the operator");
    });
    // 3/28/24 read day-first is no date: kept as unparsed, never lost.
    assertThat(r.entries().get(0)).isInstanceOf(UnparsedEntry.class);
    assertThat(r.entries().get(5).time()).isEqualTo(LocalDateTime.of(2024, 4, 2, 9, 6));
  }

  @Test
  void aSingleLineIsReadOnlyWhenItsDateNeedsNoGuess() {
    Parsing.Result r = Parsing.parse("""
        1/2/24, 10:00 - Ann: one
        1/2/24, 10:01 - Ann: two
        [13/2/24, 10:02:00] Bob: day 13 decides the order
        [3/4/24, 10:03:00 PM] Bob: ambiguous, and the only line in its format
        """);
    List<HeaderTemplate> t = r.scan().decision().templates();
    assertThat(t).hasSize(3);
    assertThat(t.get(1).used()).isTrue();
    assertThat(t.get(1).reason()).contains("one line");
    assertThat(t.get(2).used()).isFalse();
    assertThat(t.get(2).reason()).isEqualTo("one line only, and its date order would be a guess");
    assertThat(r.entries().get(2)).isInstanceOf(MessageEntry.class);
    assertThat(r.entries().get(2).time()).isEqualTo(LocalDateTime.of(2024, 2, 13, 10, 2));
    assertThat(r.entries().get(3)).isInstanceOf(UnparsedEntry.class);
  }

  @Test
  void aSingleQuotedLineOlderThanTheHeaderBeforeItIsNotAFormat() {
    Parsing.Result r = Parsing.parse("""
        14/2/24, 10:00 - Ann: you wrote:
        [13/1/24, 09:00:00] Bob: the quoted words
        14/2/24, 10:01 - Ann: right
        """);
    HeaderTemplate quoted = r.scan().decision().templates().get(1);
    assertThat(quoted.used()).isFalse();
    assertThat(quoted.reason()).contains("earlier than the header on line 1");
    assertThat(r.entries()).hasSize(3);
    assertThat(r.entries().get(1)).isInstanceOf(UnparsedEntry.class);
  }

  @Test
  void aSecondFormatsLineThatGoesBackInTimeIsKeptAsText() {
    Parsing.Result r = Parsing.parse("""
        14/2/24, 10:00 - Ann: here
        [14/2/24, 10:05:00] Bob: a second format, later: read
        14/2/24, 10:06 - Ann: you wrote:
        [13/1/24, 09:00:00] Bob: a quote in the second format, older: kept as text
        14/2/24, 10:07 - Ann: right
        """);
    assertThat(r.entries()).hasSize(5);
    assertThat(r.entries().get(1)).isInstanceOf(MessageEntry.class);
    assertThat(r.entries().get(3)).isInstanceOf(UnparsedEntry.class);
    assertThat(((UnparsedEntry) r.entries().get(3)).diagnostic())
        .contains("earlier than the header on line 3");
  }

  @Test
  void aSecondFormatsLineWithoutAuthorOrSystemPhraseIsNotAMessage() {
    Parsing.Result r = Parsing.parse("""
        14/2/24, 10:00 - Ann: here
        14/2/24, 10:00 - Ann: the first format has the most lines
        14/2/24, 10:00 - Ann: so it is the primary
        14/2/24, 10:00 - Ann: and its lines without author are system lines
        14.02.24, 10:01 - Bob: second format
        14.02.24, 10:02 - Bob: second format again
        14.02.24, 10:03 - something that is neither
        """);
    assertThat(r.entries().get(6)).isInstanceOf(UnparsedEntry.class);
    assertThat(((UnparsedEntry) r.entries().get(6)).diagnostic())
        .contains("no author or known system phrase");
  }

  @Test
  void reportAndAuditListEveryFormatWithItsDecision() throws Exception {
    Path txt = dir.resolve("WhatsApp Chat with Bob.txt");
    Files.writeString(txt, SWITCHED + "[3/4/24, 10:03:00 PM] Bob: lone line in a third format\n");
    try (Archive archive = Archives.inMemory(ArchiveOptions.defaults())) {
      ExportImportReport r = new WhatsAppExportImporter(archive).importExport(txt,
          ImportOptions.of(ZoneId.of("UTC")).withActor("tester", null), null);
      assertThat(r.headerFormat()).isEqualTo("dash date/ yy time: 24h");
      assertThat(r.dateOrder()).isEqualTo(DateOrder.MDY);
      assertThat(r.headerTemplates()).extracting(HeaderTemplate::template,
              HeaderTemplate::lines, HeaderTemplate::linesReadAsHeaders, HeaderTemplate::used)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("dash date/ yy time: 24h", 3L, 3L, true),
              org.assertj.core.groups.Tuple.tuple("dash date/ yyyy@3 time: 24h", 3L, 3L, true),
              org.assertj.core.groups.Tuple.tuple("bracket date/ yy time:ss 12h", 1L, 0L, false));
      assertThat(r.unparsed()).isEqualTo(1);
      assertThat(r.warnings()).anyMatch(w -> w.contains("second header format is read too"));
      List<Record> all = new ArrayList<>();
      archive.scan(1, s -> all.add(s.record()));
      Audit audit = (Audit) all.get(all.size() - 1);
      assertThat(audit.detail()).containsEntry("header_formats", "3")
          .containsEntry("header_format_2", "dash date/ yyyy@3 time: 24h | DMY | day-first:"
              + " component 1 reached 29 on line 4 | 3 line(s), 3 read as headers | used: 3 lines"
              + " with an author or a known system phrase");
      assertThat(audit.detail().get("header_format_3")).startsWith("bracket date/ yy time:ss 12h")
          .contains("not used: one line only");
    }
  }
}
