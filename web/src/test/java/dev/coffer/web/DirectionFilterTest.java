package dev.coffer.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.model.Audit;
import dev.coffer.search.SearchRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The search page's direction filter over HTTP: with the directory naming Sam Trader and 陈杰 as the
 * firm's, "outbound" finds only what they sent and "inbound" only what others sent; the choice is
 * kept in the form, and the search's audit record names it.
 */
class DirectionFilterTest {
  @TempDir static Path dir;
  static WebFixture app;

  @BeforeAll
  static void start() throws Exception {
    app = new WebFixture(dir.resolve("data"));
  }

  @AfterAll
  static void stop() throws Exception {
    app.close();
  }

  static List<String> senders(String body) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("<p class=\"snippet\"><span class=\"who\">([^<]*)</span>").matcher(body);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  static long total(String body) {
    Matcher m = Pattern.compile("<p id=\"total\"><strong>([0-9,]+)</strong>").matcher(body);
    assertThat(m.find()).isTrue();
    return Long.parseLong(m.group(1).replace(",", ""));
  }

  @Test
  void outboundIsWhatTheFirmSentAndInboundTheRest() throws Exception {
    Client sol = new Client(app.base);
    sol.signIn("sol", WebFixture.PASSWORD);
    String desk = "&kind=message&conversation=" + DemoConversations.DESK_ID;
    String out = sol.get("/search?direction=outbound" + desk).body();
    assertThat(senders(out)).isNotEmpty().allMatch(s -> s.startsWith("Sam Trader"));
    assertThat(out).contains("<option value=\"outbound\" selected>");
    long expected = app.index.count(SearchRequest.builder().conversation(DemoConversations.DESK_ID).kinds("message")
        .direction(SearchRequest.Direction.OUTBOUND).firmHandles(WebFixture.FIRM).build());
    assertThat(total(out)).isEqualTo(expected).isPositive();

    String in = sol.get("/search?direction=inbound" + desk).body();
    assertThat(senders(in)).isNotEmpty().noneMatch(s -> s.startsWith("Sam Trader"));
    long all = app.index.count(SearchRequest.builder().conversation(DemoConversations.DESK_ID).kinds("message").build());
    assertThat(total(in)).isEqualTo(all - expected);

    String wechat = sol.get("/search?direction=outbound&kind=message&channel=wechat").body();
    assertThat(senders(wechat)).isNotEmpty().allMatch(s -> s.startsWith("陈杰"));

    HttpResponse<String> bad = sol.get("/search?direction=sideways");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("direction: 'sideways' is not inbound or outbound");
  }

  @Test
  void theSearchesAuditRecordNamesTheDirection() throws Exception {
    Client aude = new Client(app.base);
    aude.signIn("aude", WebFixture.PASSWORD);
    aude.get("/search?q=hedge&direction=inbound");
    List<Audit> searches = new ArrayList<>();
    app.archive.scan(1, sr -> {
      if (sr.record() instanceof Audit a && a.action().equals("search") && "web:aude".equals(a.sender().handle())) {
        searches.add(a);
      }
      return true;
    });
    assertThat(searches).last().satisfies(a -> assertThat(a.detail()).containsEntry("direction", "inbound")
        .containsEntry("query", "hedge"));
  }
}
