package dev.coffer.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.junit.jupiter.api.Test;

/** A sender name's tokens analysed once and replayed are the analyzer's tokens, attribute for attribute. */
class AnalyzedNameTest {
  private final Analyzer names = Analysis.query();

  /** Every attribute of every token (term, offsets, increments, type, ...) and the state after end(). */
  private static List<String> reflected(TokenStream ts) throws IOException {
    List<String> out = new ArrayList<>();
    ts.reset();
    while (ts.incrementToken()) {
      out.add(ts.reflectAsString(true));
    }
    ts.end();
    out.add("end " + ts.reflectAsString(true));
    ts.close();
    return out;
  }

  @Test
  void replayGivesTheAnalyzersTokensAndFinalOffset() throws IOException {
    for (String name : List.of("Ana Souza", "Jörg Müller-Lüdenscheidt", "王小明", "李 Wei 😀", "Dr. O'Brien 👩‍💻",
        "+49 170 1234567", "  spaced   out  ", "🎉", "x")) {
      List<String> direct;
      try (TokenStream ts = names.tokenStream(RecordDocuments.SENDER_NAME, name)) {
        direct = reflected(ts);
      }
      RecordDocuments.AnalyzedName analyzed = RecordDocuments.AnalyzedName.of(names, name);
      assertThat(direct).hasSizeGreaterThan(1);
      assertThat(reflected(analyzed.stream())).as(name).isEqualTo(direct);
      assertThat(reflected(analyzed.stream())).as(name + ", replayed again").isEqualTo(direct);
    }
  }

  @Test
  void aNameWithoutTokensReplaysNone() throws IOException {
    RecordDocuments.AnalyzedName analyzed = RecordDocuments.AnalyzedName.of(names, "   ");
    List<String> direct;
    try (TokenStream ts = names.tokenStream(RecordDocuments.SENDER_NAME, "   ")) {
      direct = reflected(ts);
    }
    assertThat(reflected(analyzed.stream())).isEqualTo(direct).hasSize(1);
  }
}
