package dev.coffer.search;

import static dev.coffer.search.Fixtures.ALEX;
import static dev.coffer.search.Fixtures.DESK;
import static dev.coffer.search.Fixtures.T0;
import static dev.coffer.search.Fixtures.message;
import static dev.coffer.search.Fixtures.stored;
import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.model.Record;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snippets made by re-analysing the hits' text: what is marked, and which passages are shown. */
class SnippetsTest {
  @TempDir Path dir;
  SearchIndex index;

  @BeforeEach
  void open() throws IOException {
    index = SearchIndex.open(dir.resolve("index"));
  }

  @AfterEach
  void close() throws IOException {
    index.close();
  }

  private String snippet(String text, String query) throws IOException {
    return snippets(query, message("m1", DESK, ALEX, T0, text)).getFirst();
  }

  private List<String> snippets(String query, Record... records) throws IOException {
    index.committed(stored(records));
    index.refresh();
    return index.search(SearchRequest.builder().query(query).build()).hits().stream().map(Hit::snippet).toList();
  }

  @Test
  void marksAPhraseWhereItStandsAndNotItsWordsElsewhere() throws IOException {
    assertThat(snippet("please send it. Then please confirm the trade.", "\"please confirm\""))
        .isEqualTo("please send it. Then «please confirm» the trade.");
  }

  @Test
  void marksEveryWordOfAnAndQueryButNothingUnderNot() throws IOException {
    assertThat(snippet("the shares and the bonds, not the loans", "shares bonds -cash"))
        .isEqualTo("the «shares» and the «bonds», not the loans");
    assertThat(snippet("buy shares, sell loans", "shares NOT bonds")).isEqualTo("buy «shares», sell loans");
  }

  @Test
  void marksWhatWildcardsPrefixesAndFoldedFormsMatch() throws IOException {
    assertThat(snippet("the announcement from Zürich", "announ* zurich"))
        .isEqualTo("the «announcement» from «Zürich»");
  }

  @Test
  void aBaseEmojiMarksItsTonedForm() throws IOException {
    assertThat(snippet("agreed 👍🏽 thanks", "👍")).isEqualTo("agreed «👍🏽» thanks");
  }

  @Test
  void aChineseWordIsMarkedWhole() throws IOException {
    assertThat(snippet("我们明天在北京讨论内幕交易的问题", "内幕交易")).contains("«内幕交易»");
  }

  @Test
  void aPhoneNumberIsMarkedAsWritten() throws IOException {
    assertThat(snippet("call me on +1 (555) 123-4567 today", "5551234567"))
        .isEqualTo("call me on «+1 (555) 123-4567» today");
  }

  @Test
  void aHitMatchedElsewhereShowsItsStartUnmarked() throws IOException {
    String longText = "Opening words here. " + "More text follows without the word. ".repeat(30);
    List<String> s = snippets("", message("m1", DESK, ALEX, T0, longText));
    assertThat(s.getFirst()).startsWith("Opening words here.").doesNotContain("«").hasSizeLessThan(500);
  }

  @Test
  void aLongTextShowsTheBestTwoPassagesInOrder() throws IOException {
    String text = "Intro sentence about nothing at all. ".repeat(10) + "The first margin call came. "
        + "Filler sentence that says nothing. ".repeat(10) + "A second margin call followed. "
        + "Closing remarks without it. ".repeat(10);
    String s = snippet(text, "margin");
    assertThat(s).contains(" … ");
    assertThat(s.indexOf("first «margin»")).isLessThan(s.indexOf("second «margin»"));
    assertThat(s.length()).isLessThanOrEqualTo(3 * Snippets.LENGTH + 1);
  }
}
