package dev.coffer.connectors.whatsapp.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.connectors.whatsapp.export.ExportGenerator.Generated;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Two generated exports in two header formats (English and another locale, same platform), their
 * entries merged in time order into one file as a phone whose settings changed would write it:
 * parsing gives back both exports' entries, each format read with its own date order.
 */
class MixedFormatsProperties {

  @Property(tries = 40)
  void twoExportsInTwoFormatsMergedByTimeParseBackToBoth(@ForAll long seedA, @ForAll long seedB,
      @ForAll ExportGenerator.Platform platform, @ForAll("otherLocales") String locale,
      @ForAll @IntRange(min = 2, max = 150) int countA,
      @ForAll @IntRange(min = 2, max = 150) int countB) throws IOException {
    List<Block> a = blocks(new ExportGenerator(
        new ExportGenerator.Options(countA, seedA, platform, "en", 5, false)));
    List<Block> b = blocks(new ExportGenerator(
        new ExportGenerator.Options(countB, seedB, platform, locale, 5, false)));
    List<Block> merged = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < a.size() || j < b.size()) {
      boolean takeA = j >= b.size()
          || (i < a.size() && !a.get(i).entry.time().isAfter(b.get(j).entry.time()));
      merged.add(takeA ? a.get(i++) : b.get(j++));
    }
    StringBuilder text = new StringBuilder();
    List<Generated> expected = new ArrayList<>();
    int line = 1;
    for (Block k : merged) {
      text.append(k.text).append('\n');
      Generated g = k.entry;
      int span = g.lastLine() - g.firstLine();
      expected.add(new Generated(line, line + span, g.time(), g.kind(), g.author(), g.text(),
          g.event(), g.attachment(), g.mediaMissing(), g.deleted(), g.edited()));
      line += span + 1;
    }
    Parsing.Result r = Parsing.parse(text.toString());
    assertThat(r.entries().stream().map(ExportRoundTripProperties::asGenerated).toList())
        .containsExactlyElementsOf(expected);
    assertThat(r.scan().decision().templates()).filteredOn(HeaderTemplate::used).hasSize(2);
  }

  @Provide
  Arbitrary<String> otherLocales() {
    return Arbitraries.of("de", "fr", "es", "it", "pt", "nl", "ru", "zh");
  }

  /** One generated entry and the lines of the file that hold it. */
  private record Block(Generated entry, String text) {}

  private static List<Block> blocks(ExportGenerator g) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    g.writeText(out);
    String[] lines = out.toString(StandardCharsets.UTF_8).split("\n", -1);
    List<Block> blocks = new ArrayList<>();
    for (Iterator<Generated> it = g.expected(); it.hasNext(); ) {
      Generated e = it.next();
      blocks.add(new Block(e, String.join("\n",
          java.util.Arrays.asList(lines).subList(e.firstLine() - 1, e.lastLine()))));
    }
    return blocks;
  }
}
