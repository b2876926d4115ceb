package dev.coffer.connectors.whatsapp.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * The in-memory parser's byte-level paths give what the decoded, regular-expression paths give:
 * headers read on raw bytes ({@link Header#parseAscii}), the system-phrase index
 * ({@link SystemPhrases}), the placeholder lookup by hash, and {@link WhatsAppExportParser#parse(byte[])}
 * as a whole against the streaming parse of the same file.
 */
class ByteLevelProperties {

  /** One header in any supported spelling: date-first or time-first, every separator and close. */
  @Provide
  Arbitrary<String> headers() {
    Arbitrary<String> n = Arbitraries.integers().between(0, 2100).map(Object::toString);
    Arbitrary<String> sep = Arbitraries.of(".", "/", "-", " / ", ". ");
    Arbitrary<String> date = Combinators.combine(n, sep, n, n, Arbitraries.of("", "."))
        .as((a, s, b, c, dot) -> a + s + b + s + c + dot);
    Arbitrary<String> two = Arbitraries.integers().between(0, 99).map(i -> String.format("%02d", i));
    Arbitrary<String> time = Combinators.combine(Arbitraries.integers().between(0, 24),
            Arbitraries.of(":", "."), two, Arbitraries.of("", ":00", ":59", ".07"),
            Arbitraries.of("", " AM", " pm", "am", " a.m.", " P.M.", "\u202fPM", "\u00a0am", " ص",
                " م"))
        .as((h, ts, m, s, ampm) -> h + ts + m + s + ampm);
    Arbitrary<String> dts = Arbitraries.of(", ", ",", " ", " klo ", "\u060c ");
    Arbitrary<String> close = Arbitraries.of(" - ", "] ", "]", "] - ", ": ", " ", "\u200e] ",
        " \u2013 ", "");
    Arbitrary<String> open = Arbitraries.of("", "[", "\u200e[", "\u200e", "\ufeff");
    Arbitrary<String> dateFirst = Combinators.combine(open, date, dts, time, close)
        .as((o, d, x, t, c) -> o + d + x + t + c);
    Arbitrary<String> timeFirst = Combinators.combine(open, time, Arbitraries.of(", ", " "), date,
        close).as((o, t, x, d, c) -> o + t + x + d + c);
    Arbitrary<String> arabic = Arbitraries.of("\u0661\u0662/\u0660\u0663/\u0662\u0664\u060c "
        + "\u0660\u0669:\u0664\u0665 - ");
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(5, dateFirst),
        net.jqwik.api.Tuple.of(2, timeFirst), net.jqwik.api.Tuple.of(1, arabic));
  }

  /** What follows a header on its line: ASCII, marks, odd spaces, other scripts, emoji. */
  @Provide
  Arbitrary<String> tails() {
    return Arbitraries.oneOf(
        Arbitraries.of("", "Ann: hi", "\u200eAnn: x", "Zoë 🌸: ok", "李娜: 好", "- B: c", " X: y",
            "Ann left", "\u200eimage omitted", "Ольга: да", "~\u202fBob: z", "12:30 A: b",
            "] - k", " am - x", ". ", "\u200f"),
        Arbitraries.strings().withChars("aZ0:- .,[]\u200e\u202f\u00a0é李🌸\ufffd").ofMaxLength(80));
  }

  /** Header reader on bytes = header reader on the decoded line = the regular expressions. */
  @Property(tries = 4000)
  void headersReadOnBytesAreTheHeadersOfTheDecodedLine(@ForAll("headers") String header,
      @ForAll("tails") String tail, @ForAll("noise") String noise) {
    for (String line : List.of(header + tail, noise, header, noise + tail)) {
      byte[] b = line.getBytes(StandardCharsets.UTF_8);
      String[] prefix = new String[1];
      Header fast = Header.parseAscii(b, 0, b.length, prefix);
      Header reference = Header.parseByPatterns(line);
      if (fast == Header.UNDECIDED) {
        assertThat(describe(Header.parse(line))).as(line).isEqualTo(describe(reference));
        continue;
      }
      assertThat(describe(fast)).as(line).isEqualTo(describe(reference));
      if (fast != null) {
        assertThat(line.substring(0, fast.restStart())).as(line)
            .isEqualTo(prefix[0].substring(0, fast.restStart()));
        assertThat(fast.sourceTime(prefix[0])).isEqualTo(reference.sourceTime(line));
      }
    }
  }

  @Provide
  Arbitrary<String> noise() {
    return Arbitraries.strings()
        .withChars("0123456789./-:, []APMapm klo\u200e\u202a\u00a0\u202f\u0661\u060cxAé")
        .ofMaxLength(70);
  }

  /** A system line in some language, names filled in, letters' case changed at random. */
  @Provide
  Arbitrary<String> systemLines() {
    List<Template> all = new ArrayList<>();
    for (Language l : Language.ALL) {
      all.addAll(l.system());
    }
    Arbitrary<String> names = Arbitraries.of("Ann", "Zoë 🌸 Haddad", "李娜", "+44 7700 900123",
        "You", "Ann, Bob and Cy", "Ольга", "a: b", "İlker", "ΣΑΣ");
    return Combinators.combine(Arbitraries.of(all), names, names, Arbitraries.longs())
        .as((t, a, b, seed) -> caseNoise(render(t.source(), a, b), seed));
  }

  private static String render(String notation, String a, String b) {
    String s = notation.startsWith("!") || notation.startsWith("@") ? notation.substring(1)
        : notation;
    s = s.replace("{actor}", a).replace("{subject}", b).replace("{subjects}", b + ", " + a)
        .replace("{from}", "Old").replace("{to}", "New").replace("{any}", " now.");
    return s.replaceAll("\\{=([^|}]*)[^}]*\\}", "$1");
  }

  private static String caseNoise(String s, long seed) {
    java.util.Random r = new java.util.Random(seed);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      int k = r.nextInt(8);
      out.append(k == 0 ? Character.toUpperCase(c) : k == 1 ? Character.toLowerCase(c) : c);
    }
    return out.toString();
  }

  /** The index never leaves out a template that matches: the same first match as trying all. */
  @Property(tries = 3000)
  void theSystemPhraseIndexKeepsEveryTemplateThatMatches(@ForAll("systemLines") String line,
      @ForAll("tails") String noise) {
    List<Template> all = new ArrayList<>();
    for (Language l : Language.ALL) {
      all.addAll(l.system());
    }
    SystemPhrases phrases = new SystemPhrases(all);
    for (String s : List.of(line, noise, line + noise, noise + line)) {
      boolean[] candidates = phrases.candidates(s);
      for (int t = 0; t < all.size(); t++) {
        if (all.get(t).match(s) != null) {
          assertThat(candidates[t]).as(all.get(t).source() + " on " + s).isTrue();
        }
      }
    }
  }

  /** Placeholder phrases with their case changed, dots, marks, emoji, special lower cases. */
  @Provide
  Arbitrary<String> placeholders() {
    List<String> phrases = new ArrayList<>();
    for (Language l : Language.ALL) {
      phrases.addAll(l.imageOmitted());
      phrases.addAll(l.mediaOmitted());
      phrases.addAll(l.deleted());
      phrases.addAll(l.missedVoice());
      phrases.addAll(l.voiceCall());
      phrases.addAll(l.waiting());
    }
    return Combinators.combine(Arbitraries.of(phrases), Arbitraries.longs(),
            Arbitraries.of("", ".", "🌸", "İ", "Σ", "\ud83c", "x"))
        .as((p, seed, extra) -> caseNoise(p, seed) + extra);
  }

  @Property(tries = 3000)
  void thePlaceholderLookupByHashEqualsTheMapLookup(@ForAll("placeholders") String s) {
    assertThat(BodyClassifier.exactKind(s)).as(s).isEqualTo(BodyClassifier.exactKindByMap(s));
  }

  /**
   * Lines for a whole chat text: headers of two formats, continuation lines, system lines, CR LF
   * endings, byte-order marks, bad UTF-8, empty lines.
   */
  @Provide
  Arbitrary<List<byte[]>> chatLines() {
    Arbitrary<byte[]> line = Arbitraries.oneOf(
        Combinators.combine(Arbitraries.integers().between(1, 28),
            Arbitraries.integers().between(0, 23), Arbitraries.of("Ann", "Zoë 🌸", "李娜", "\u200eBo"),
            tails()).as((d, h, a, t) -> utf8(d + "/1/24, " + h + ":05 - " + a + ": " + t)),
        Combinators.combine(Arbitraries.integers().between(1, 28), tails())
            .as((d, t) -> utf8("[" + d + ".01.24, 10:00:00] Cy: " + t)),
        Arbitraries.of("2/1/24, 09:00 - Ann left", "2/1/24, 09:00 - Ann changed this group's icon",
            "2/1/24, 09:00 - Ann added Bob", "3/1/24, 10:00 - \u200eAnn: <Media omitted>",
            "4/1/24, 11:00 - Ann: IMG-1.jpg (file attached)", "", "  ", "just text",
            "\u200e2/1/24, 09:00 - Ann: marked").map(ByteLevelProperties::utf8),
        tails().map(ByteLevelProperties::utf8),
        Arbitraries.of(new byte[] {'a', (byte) 0xC3, 'b'}, new byte[] {(byte) 0xFF},
            new byte[] {'5', '/', '1', '/', '2', '4', ',', ' ', '1', '0', ':', '0', '0', ' ',
                '-', ' ', 'A', ':', ' ', (byte) 0xE2, (byte) 0x82}));
    return line.list().ofMaxSize(40);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Property(tries = 300)
  void parsingBytesInMemoryEqualsParsingTheFileAsAStream(@ForAll("chatLines") List<byte[]> lines,
      @ForAll boolean crlf, @ForAll boolean bom, @ForAll boolean finalNewline) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (bom) {
      out.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
    }
    for (int i = 0; i < lines.size(); i++) {
      out.write(lines.get(i));
      if (i + 1 < lines.size() || finalNewline) {
        out.write(crlf ? new byte[] {'\r', '\n'} : new byte[] {'\n'});
      }
    }
    byte[] chat = out.toByteArray();
    Path file = Files.createTempFile("bytes", ".txt");
    try {
      Files.write(file, chat);
      WhatsAppExportParser.Result inMemory = WhatsAppExportParser.parse(chat);
      WhatsAppExportParser.Result streamed = WhatsAppExportParser.parse(file);
      assertThat(inMemory).isEqualTo(streamed);
    } finally {
      Files.delete(file);
    }
  }

  @Property(tries = 30)
  void generatedExportsParseTheSameInMemoryAndStreamed(@ForAll long seed,
      @ForAll ExportGenerator.Platform platform, @ForAll("locales") String locale,
      @ForAll @IntRange(min = 2, max = 200) int people,
      @ForAll @IntRange(min = 1, max = 400) int messages) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new ExportGenerator(new ExportGenerator.Options(messages, seed, platform, locale, people, false))
        .writeText(out);
    byte[] chat = out.toByteArray();
    Path file = Files.createTempFile("gen", ".txt");
    try {
      Files.write(file, chat);
      assertThat(WhatsAppExportParser.parse(chat)).isEqualTo(WhatsAppExportParser.parse(file));
    } finally {
      Files.delete(file);
    }
  }

  @Provide
  Arbitrary<String> locales() {
    return Arbitraries.of(Language.ALL.stream().map(Language::code).toList());
  }

  /** A header's fields as text (the record's equality compares its array by identity). */
  private static String describe(Header h) {
    return h == null ? "none" : java.util.Arrays.toString(h.n()) + " " + h.hour() + ":"
        + h.minute() + ":" + h.second() + " ampm " + h.ampm() + " " + h.template() + " year@"
        + h.yearIndex() + " " + h.family() + " source " + h.sourceTimeStart() + "-"
        + h.sourceTimeEnd() + " rest " + h.restStart();
  }
}
