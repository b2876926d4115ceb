package dev.coffer.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.junit.jupiter.api.Test;

class AnalysisTest {
  private final Analyzer index = Analysis.index();
  private final Analyzer query = Analysis.query();

  static List<String> tokens(Analyzer analyzer, String text) throws IOException {
    List<String> out = new ArrayList<>();
    try (TokenStream ts = analyzer.tokenStream("text", text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        out.add(term.toString());
      }
      ts.end();
    }
    return out;
  }

  @Test
  void chineseBecomesOverlappingBigrams() throws IOException {
    assertThat(tokens(index, "我们明天在北京讨论内幕交易的问题"))
        .contains("北京", "内幕", "幕交", "交易")
        .doesNotContain("北", "京");
  }

  @Test
  void chineseNextToLatinAndDigitsStaysSeparate() throws IOException {
    assertThat(tokens(index, "ABC公司2026年报")).contains("abc", "公司", "2026", "年报");
  }

  @Test
  void emojiIsAToken() throws IOException {
    assertThat(tokens(index, "great deal😀!")).containsExactly("great", "deal", "😀");
    assertThat(tokens(query, "😀")).containsExactly("😀");
  }

  @Test
  void skinToneAndZwjSequencesAlsoIndexTheirBase() throws IOException {
    List<String> thumbs = tokens(index, "ok 👍🏽");
    assertThat(thumbs).contains("👍🏽", "👍");
    // the query side does not expand: a toned query finds only the toned emoji
    assertThat(tokens(query, "👍🏽")).containsExactly("👍🏽");
    List<String> coder = tokens(index, "👩‍💻 shipping");
    assertThat(coder).contains("👩", "💻", "shipping");
  }

  @Test
  void accentsCaseAndWidthAreFolded() throws IOException {
    assertThat(tokens(index, "Béatrice ÄRGER ＦＵＬＬ straße"))
        .containsExactly("beatrice", "arger", "full", "strasse");
    assertThat(tokens(query, "beatrice")).containsExactly("beatrice");
  }

  @Test
  void emojiVariantsAreStrippedOfModifiersAndSelectors() {
    List<String> out = new ArrayList<>();
    Analysis.EmojiVariants.variants("❤️", out);
    assertThat(out).containsExactly("❤");
    out.clear();
    Analysis.EmojiVariants.variants("😀", out);
    assertThat(out).isEmpty();
  }

  @Test
  void phoneTokensAreStackedOnTheDigitsWithTheNumbersOffsets() throws IOException {
    String text = "call me at +1 (555) 123-4567 today";
    List<PhoneNumbers.Span> spans = new PhoneNumbers("US").find(text);
    List<String> seen = new ArrayList<>();
    try (TokenStream ts = new Analysis.PhoneTokens(index.tokenStream("text", text), spans)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      OffsetAttribute offset = ts.addAttribute(OffsetAttribute.class);
      PositionIncrementAttribute inc = ts.addAttribute(PositionIncrementAttribute.class);
      ts.reset();
      int lastStart = -1;
      while (ts.incrementToken()) {
        assertThat(offset.startOffset()).isGreaterThanOrEqualTo(lastStart);
        lastStart = offset.startOffset();
        seen.add(term + "@" + offset.startOffset() + "-" + offset.endOffset() + "+" + inc.getPositionIncrement());
      }
      ts.end();
    }
    assertThat(seen).containsSubsequence("+15551234567@11-28+1", "1@12-13+0", "555@15-18+1", "today@29-34+1");
  }
}
