package dev.coffer.connectors.whatsapp.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.connectors.whatsapp.export.Entry.MessageEntry;
import dev.coffer.connectors.whatsapp.export.Entry.UnparsedEntry;
import dev.coffer.model.Record;
import dev.coffer.model.RecordJson;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExportParserTest {

  @Test
  void crlfAndByteOrderMarkGiveTheSameRecordsAsPlainLf() throws Exception {
    byte[] lf = GoldenFixturesTest.resource("golden/android-24h-dmy.txt");
    ByteArrayOutputStream crlf = new ByteArrayOutputStream();
    crlf.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
    crlf.write(new String(lf, StandardCharsets.UTF_8).replace("\n", "\r\n")
        .getBytes(StandardCharsets.UTF_8));
    List<Record> a = Pipeline.records(lf, "t", ZoneId.of("UTC"), null, null, null);
    List<Record> b = Pipeline.records(crlf.toByteArray(), "t", ZoneId.of("UTC"), null, null, null);
    assertThat(b).hasSameSizeAs(a);
    for (int i = 0; i < a.size(); i++) {
      // Same ids and content; only the raw digest (another file) differs.
      assertThat(b.get(i).id()).isEqualTo(a.get(i).id());
      assertThat(RecordJson.tree(b.get(i)).without("source").toString())
          .isEqualTo(RecordJson.tree(a.get(i)).without("source").toString());
    }
  }

  @Test
  void dateOrderIsDecidedPerFileWithEvidence() {
    Parsing.Result r = Parsing.parse("""
        03/04/24, 10:00 - Ann: ambiguous on its own
        25/04/24, 10:01 - Ann: this one decides
        """);
    assertThat(r.scan().decision().order()).isEqualTo(DateOrder.DMY);
    assertThat(r.scan().decision().evidence()).isEqualTo("day-first: component 1 reached 25 on line 2");
    assertThat(r.entries().get(0).time()).isEqualTo(LocalDateTime.of(2024, 4, 3, 10, 0));
  }

  @Test
  void operatorOverrideWins() {
    Parsing.Result r = Parsing.parse("03/04/24, 10:00 - Ann: hi\n".getBytes(StandardCharsets.UTF_8),
        DateOrder.MDY);
    assertThat(r.scan().decision().operatorChosen()).isTrue();
    assertThat(r.entries().get(0).time()).isEqualTo(LocalDateTime.of(2024, 3, 4, 10, 0));
  }

  @Test
  void everyAmPmSpellingAndSpaceIsRead() {
    for (String pm : List.of("PM", "pm", "p.m.", "p. m.", "p.\u00a0m.", "\u202fPM", "\u2009PM")) {
      String sep = pm.startsWith("\u202f") || pm.startsWith("\u2009") ? "" : " ";
      Parsing.Result r = Parsing.parse("1/2/24, 1:55" + sep + pm + " - Ann: hi\n");
      assertThat(r.entries()).as(pm).singleElement()
          .extracting(Entry::time).isEqualTo(LocalDateTime.of(2024, 2, 1, 13, 55));
    }
  }

  @Test
  void twelveAmIsMidnightAndDotTimesAndKloAreRead() {
    assertThat(Parsing.parse("[1/2/24, 12:05:00 AM] Ann: hi\n").entries().get(0).time())
        .isEqualTo(LocalDateTime.of(2024, 2, 1, 0, 5));
    assertThat(Parsing.parse("13.6.2018 klo 21.25.15 - Ann: moi\n").entries().get(0).time())
        .isEqualTo(LocalDateTime.of(2018, 6, 13, 21, 25, 15));
    assertThat(Parsing.parse("13. 6. 2018. 21:25:15 Ann: bok\n").entries().get(0).time())
        .isEqualTo(LocalDateTime.of(2018, 6, 13, 21, 25, 15));
  }

  @Test
  void authorsSplitOnTheFirstColonSpaceAndKeepEmojiAndColons() {
    MessageEntry m = (MessageEntry) Parsing.parse("1/2/24, 10:00 - Dr. No 🎩: Re: your: note\n")
        .entries().get(0);
    assertThat(m.author()).isEqualTo("Dr. No 🎩");
    assertThat(m.text()).isEqualTo("Re: your: note");
  }

  @Test
  void iosPhoneAuthorIsNormalizedToE164AndKeepsItsDisplayName() {
    String line = "[1/2/24, 10:00:00] \u202a+55\u00a061\u00a08589\u20117117\u202c: oi\n";
    List<Record> records = Pipeline.records(line.getBytes(StandardCharsets.UTF_8), "t",
        ZoneId.of("UTC"), null, null, null);
    assertThat(records.get(0).sender().handle()).isEqualTo("+556185897117");
    assertThat(records.get(0).sender().name()).isEqualTo("+55 61 8589-7117");
  }

  @Test
  void invalidUtf8MakesThatMessageUnparsedNamingLineAndOffset() {
    byte[] good = "1/2/24, 10:00 - Ann: fine\n1/2/24, 10:01 - Ann: bad ".getBytes(
        StandardCharsets.UTF_8);
    byte[] bytes = new byte[good.length + 3];
    System.arraycopy(good, 0, bytes, 0, good.length);
    bytes[good.length] = (byte) 0xC3;
    bytes[good.length + 1] = (byte) 0x28;
    bytes[good.length + 2] = '\n';
    Parsing.Result r = Parsing.parse(bytes, null);
    assertThat(r.entries()).hasSize(2);
    assertThat(r.entries().get(1)).isInstanceOf(UnparsedEntry.class);
    assertThat(((UnparsedEntry) r.entries().get(1)).diagnostic())
        .contains("line 2").contains("byte 25 of the line").contains("offset 51 in the file");
  }

  @Test
  void hugeLineIsCutAndTheRestBecomesUnparsed() throws Exception {
    String head = "1/2/24, 10:00 - Ann: ";
    String big = head + "x".repeat(5000) + "\n1/2/24, 10:01 - Ann: after\n";
    ExportParser.Limits limits = new ExportParser.Limits(1000, 100_000);
    byte[] bytes = big.getBytes(StandardCharsets.UTF_8);
    ExportParser.Scan scan = ExportParser.scan(new java.io.ByteArrayInputStream(bytes), null,
        limits);
    List<Entry> out = new java.util.ArrayList<>();
    new ExportParser(scan.decision(), limits).parse(new java.io.ByteArrayInputStream(bytes),
        out::add);
    assertThat(out).hasSize(3);
    assertThat(((MessageEntry) out.get(0)).text()).hasSize(1000 - head.length());
    assertThat(out.get(1)).isInstanceOf(UnparsedEntry.class);
    assertThat(((UnparsedEntry) out.get(1)).diagnostic()).contains("line 1 is 5021 bytes long")
        .contains("other 4021 bytes");
    assertThat(out.get(2).firstLine()).isEqualTo(2);
  }

  @Test
  void aLineInAnotherHeaderFormatIsKeptAsUnparsed() {
    Parsing.Result r = Parsing.parse("""
        1/2/24, 10:00 - Ann: one
        1/2/24, 10:01 - Ann: two
        [1/2/24, 10:02:00] Bob: other format
        continues
        """);
    assertThat(r.entries()).hasSize(3);
    assertThat(r.entries().get(2)).isInstanceOf(UnparsedEntry.class);
    assertThat(r.entries().get(2).lastLine()).isEqualTo(4);
  }

  @Test
  void textBeforeTheFirstHeaderIsKept() {
    Parsing.Result r = Parsing.parse("preamble\n1/2/24, 10:00 - Ann: one\n");
    assertThat(r.entries().get(0)).isInstanceOf(UnparsedEntry.class);
    assertThat(r.entries().get(0).body()).isEqualTo("preamble");
  }

  @Test
  void iosUserTextIsNotASystemLineWithoutTheMark() {
    Entry e = Parsing.parse("[1/2/24, 10:00:00] Ann: Bob left\n").entries().get(0);
    assertThat(e).isInstanceOf(MessageEntry.class);
    Entry s = Parsing.parse("[1/2/24, 10:00:00] Team: \u200eBob left\n").entries().get(0);
    assertThat(s).isInstanceOf(Entry.SystemEntry.class);
  }

  @Test
  void androidUserLineIsNotReadAsSystemEvenIfItsTextLooksLikeOne() {
    Entry e = Parsing.parse("1/2/24, 10:00 - Ann: Bob left\n").entries().get(0);
    assertThat(e).isInstanceOf(MessageEntry.class);
    assertThat(e.author()).isEqualTo("Ann");
  }
}
