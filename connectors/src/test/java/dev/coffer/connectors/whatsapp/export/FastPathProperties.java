package dev.coffer.connectors.whatsapp.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.connectors.whatsapp.export.Entry.MessageEntry;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** The parser's fast paths give exactly what the general paths give. */
class FastPathProperties {

  /** Header-like text: digits, separators, marks, odd spaces, Arabic-Indic digits, letters. */
  @Provide
  Arbitrary<String> headerish() {
    return Arbitraries.strings()
        .withChars("0123456789./-:, []APMapm klo\u200e\u202a\u202c\u00a0\u202f\u0661\u06f2\u060cxA")
        .ofMaxLength(30);
  }

  @Property(tries = 3000)
  void theDigitPrefilterNeverRejectsAHeader(@ForAll("headerish") String line) {
    String norm = Text.normalize(line).text();
    boolean matches = Header.DATE_FIRST.matcher(norm).lookingAt()
        || Header.TIME_FIRST.matcher(norm).lookingAt();
    if (matches && !norm.startsWith("[")) {
      assertThat(Header.separatorFollowsDigits(line)).as(line).isTrue();
    }
  }

  /**
   * The hand-written header matcher finds exactly what the two regular expressions find, on
   * header-like text and on the spellings of real headers with noise after them.
   */
  @Property(tries = 5000)
  void theHandWrittenMatcherAgreesWithThePatterns(@ForAll("headerish") String line,
      @ForAll("headerTails") String tail) {
    for (String s : List.of(line, line + tail)) {
      assertThat(describe(Header.parse(s))).as(s).isEqualTo(describe(Header.parseByPatterns(s)));
    }
  }

  @Provide
  Arbitrary<String> headerTails() {
    return Arbitraries.of("", " - A: b", "] B: c", ": C: d", " D: e", " am - x", " p.m. - y",
        " A.M.] z", "\u0635 - a", " م x", "am", "-", "] - k", ". ", ", 1/2/24 - q");
  }

  /** A header's fields as text (the record's equality compares its array by identity). */
  private static String describe(Header h) {
    return h == null ? "none" : java.util.Arrays.toString(h.n()) + " " + h.hour() + ":"
        + h.minute() + ":" + h.second() + " ampm " + h.ampm() + " " + h.template() + " year@"
        + h.yearIndex() + " " + h.family() + " source " + h.sourceTimeStart() + "-"
        + h.sourceTimeEnd() + " rest " + h.restStart();
  }

  @net.jqwik.api.Example
  void thePrefilterPassesEveryHeaderSpellingAndRejectsNumbersInText() {
    for (String header : List.of("1/2/24, 10:00 - A: b", "\u200e1\u200e2/3/24, 10:00 - A: b",
        "\u0661/\u0662/\u0662\u0664\u060c \u0661\u0660:\u0660\u0660 - A: b",
        "1 /2/24 10:00 A: b", "10:00, 1/2/24 - A: b", "13.6.2018 klo 21.25.15 - a: m",
        "13. 6. 2018. 21:25:15 a: m", "2024-01-02 10:00 A: b", "1\u00a0/2/24, 10:00 - A: b")) {
      assertThat(Header.separatorFollowsDigits(header)).as(header).isTrue();
      assertThat(Header.parse(header)).as(header).isNotNull();
    }
    for (String text : List.of("2 pallets left", "2024 was good", "12345/6/7", "7", "1 2/3")) {
      assertThat(Header.separatorFollowsDigits(text)).as(text).isFalse();
    }
  }

  @Property(tries = 2000)
  void normalizedTextMapsBackToTheOriginal(@ForAll("headerish") String line) {
    Text.Normalized n = Text.normalize(line);
    int previous = -1;
    for (int i = 0; i < n.text().length(); i++) {
      int o = n.originOf(i, line.length());
      assertThat(o).isGreaterThan(previous).isLessThan(line.length());
      assertThat(Text.isInvisible(line.charAt(o))).isFalse();
      char c = line.charAt(o);
      if (c < 0x80) {
        assertThat(n.text().charAt(i)).isEqualTo(c);
      }
      previous = o;
    }
    assertThat(n.originOf(n.text().length(), line.length())).isEqualTo(line.length());
  }

  @Property(tries = 2000)
  void handWrittenIsoTimeEqualsTheFormatter(@ForAll @IntRange(min = 1, max = 12000) int year,
      @ForAll @IntRange(min = 1, max = 12) int month, @ForAll @IntRange(min = 1, max = 28) int day,
      @ForAll @IntRange(min = 0, max = 23) int hour, @ForAll @IntRange(min = 0, max = 59) int min,
      @ForAll @IntRange(min = 0, max = 59) int sec, @ForAll @IntRange(min = 0, max = 2) int nano) {
    LocalDateTime t = LocalDateTime.of(year, month, day, hour, min, sec, nano * 1000);
    assertThat(RecordMapper.isoLocal(t))
        .isEqualTo(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t));
  }

  @Property(tries = 50)
  void occurrencesCountEqualEntriesWhetherTheirKeyIsKeptOrHashed(
      @ForAll @IntRange(min = 1, max = 3000) int bodyLength, @ForAll @IntRange(min = 1, max = 4)
      int copies) {
    String body = "x".repeat(bodyLength);
    RecordMapper mapper = new RecordMapper(new dev.coffer.model.Conversation(
        RecordMapper.conversationId(null, "t"), dev.coffer.model.ConversationKind.DIRECT, "t"),
        "0".repeat(64), new LocalTimes(java.time.ZoneOffset.UTC), new Parties(null, null), null);
    LocalDateTime t = LocalDateTime.of(2024, 1, 2, 3, 4);
    for (int i = 0; i < copies; i++) {
      assertThat(mapper.occurrence(message(t, "Ann", body))).isEqualTo(i);
    }
    assertThat(mapper.occurrence(message(t, "Bob", body))).isZero();
    assertThat(mapper.occurrence(message(t, "Ann", body + "y"))).isZero();
    assertThat(mapper.occurrence(message(null, "Ann", body))).isZero();
  }

  private static Entry message(LocalDateTime t, String author, String body) {
    return new MessageEntry(1, 1, t, null, author, body, body, List.of(), false, false, null, false,
        null, null, false, false);
  }
}
