package dev.coffer.connectors.whatsapp.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.connectors.whatsapp.export.Entry.CallEntry;
import dev.coffer.connectors.whatsapp.export.Entry.MessageEntry;
import dev.coffer.connectors.whatsapp.export.Entry.SystemEntry;
import dev.coffer.connectors.whatsapp.export.Entry.UnparsedEntry;
import dev.coffer.connectors.whatsapp.export.ExportGenerator.Generated;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class ExportRoundTripProperties {

  @Property(tries = 60)
  void generatedExportsParseBackToWhatWasGenerated(@ForAll long seed,
      @ForAll ExportGenerator.Platform platform, @ForAll("locales") String locale,
      @ForAll @IntRange(min = 2, max = 200) int people,
      @ForAll @IntRange(min = 1, max = 400) int messages) throws Exception {
    ExportGenerator g = new ExportGenerator(
        new ExportGenerator.Options(messages, seed, platform, locale, people, false));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    g.writeText(out);
    Parsing.Result r = Parsing.parse(out.toByteArray(), null);
    List<Generated> expected = new ArrayList<>();
    g.expected().forEachRemaining(expected::add);
    List<Generated> actual = r.entries().stream().map(ExportRoundTripProperties::asGenerated)
        .toList();
    assertThat(actual).containsExactlyElementsOf(expected);
  }

  @Provide
  Arbitrary<String> locales() {
    return Arbitraries.of("en", "de", "fr", "es", "it", "pt", "nl", "ru", "zh");
  }

  static Generated asGenerated(Entry e) {
    return switch (e) {
      case MessageEntry m -> {
        String name = m.media().isEmpty() || m.media().get(0).omitted() ? null
            : m.media().get(0).name();
        boolean missing = !m.media().isEmpty() && m.media().get(0).omitted();
        yield new Generated(m.firstLine(), m.lastLine(), m.time(), "message", m.author(), m.text(),
            null, name, missing, m.deleted(), m.edited());
      }
      case SystemEntry s -> new Generated(s.firstLine(), s.lastLine(), s.time(), "system",
          s.author(), s.text(), s.event(), null, false, false, false);
      case CallEntry c -> new Generated(c.firstLine(), c.lastLine(), c.time(), "call", c.author(),
          c.text(), null, null, false, false, false);
      case UnparsedEntry u -> new Generated(u.firstLine(), u.lastLine(), u.time(), "unparsed",
          null, u.body() + " / " + u.diagnostic(), null, null, false, false, false);
    };
  }

  @Property(tries = 300)
  void parserNeverThrowsAndCoversEveryLine(@ForAll("chatLike") String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    Parsing.Result r = Parsing.parse(bytes, null);
    long lines = r.lines();
    int next = 1;
    for (Entry e : r.entries()) {
      assertThat(e.firstLine()).isLessThanOrEqualTo(next);
      next = Math.max(next, e.lastLine() + 1);
    }
    assertThat(next - 1L).isEqualTo(lines);
  }

  @Provide
  Arbitrary<String> chatLike() {
    Arbitrary<String> header = Arbitraries.of("1/2/24, 10:00 - ", "[3/4/24, 1:05:00\u202fPM] ",
        "13.06.18 21.25.15: ", "\u200e[1/2/24 10:00:00] ", "31/12/2024, 23:59 - ", "2024-01-02 ",
        "99/99/99, 99:99 - ", "");
    Arbitrary<String> body = Arbitraries.strings().withCharRange('\u0000', '\u2100')
        .withChars(':', ' ', '\u200e', '\u202f', '<', '>', '\n', '\r').ofMaxLength(40);
    return net.jqwik.api.Combinators.combine(header, body).as((h, b) -> h + b)
        .list().ofMaxSize(12).map(l -> String.join("\n", l));
  }
}
