package dev.coffer.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.archive.retention.Actor;
import dev.coffer.archive.retention.Retention;
import dev.coffer.model.Ids;
import dev.coffer.search.SearchRequest;
import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Totals never reveal a record the reader may not see: with one FX desk message restricted, the
 * search total, the conversation list's record count and the conversation page's "of N" shown to a
 * reviewer (and to an admin, who is not a compliance role) leave it out, while a supervisor's count
 * it; a reviewer's totals count only what their barrier lets them see.
 */
class RestrictedCountsTest {
  @TempDir static Path dir;
  static WebFixture app;
  /** "Morning all. Client call at 10 about the EUR hedge, …" in the FX desk group. */
  static final String RESTRICTED = Ids.derive("demo/record", DemoConversations.DESK_ID, "3");

  @BeforeAll
  static void start() throws Exception {
    app = new WebFixture(dir.resolve("data"));
    Retention.of(app.archive, new Actor("os:carol", "127.0.0.1", Actor.COMPLIANCE)).restrict(RESTRICTED, "DSR-9");
  }

  @AfterAll
  static void stop() throws Exception {
    app.close();
  }

  static Client signedIn(String name) throws Exception {
    Client c = new Client(app.base);
    assertThat(c.signIn(name, WebFixture.PASSWORD).statusCode()).isEqualTo(303);
    return c;
  }

  static long total(Client c, String query) throws Exception {
    String body = c.get("/search?" + query).body();
    Matcher m = Pattern.compile("<p id=\"total\"><strong>([0-9,]+)</strong>").matcher(body);
    assertThat(m.find()).as("a total on the page for " + query).isTrue();
    return Long.parseLong(m.group(1).replace(",", ""));
  }

  static long indexCount(SearchRequest.Builder b) throws Exception {
    return app.index.count(b.kinds(SearchPages.CONTENT_KINDS).build());
  }

  @Test
  void searchTotalsLeaveOutRestrictedRecordsForEveryoneButCompliance() throws Exception {
    long all = indexCount(SearchRequest.builder().query("hedge"));
    assertThat(all).isGreaterThanOrEqualTo(2);
    assertThat(total(signedIn("sol"), "q=hedge")).isEqualTo(all);
    assertThat(total(signedIn("rita"), "q=hedge")).isEqualTo(all - 1);
    assertThat(total(signedIn("admin"), "q=hedge")).isEqualTo(all - 1);
    // a blank query with a filter counts the same way
    long desk = indexCount(SearchRequest.builder().conversation(DemoConversations.DESK_ID));
    assertThat(total(signedIn("rita"), "conversation=" + DemoConversations.DESK_ID)).isEqualTo(desk - 1);
    assertThat(total(signedIn("sol"), "conversation=" + DemoConversations.DESK_ID)).isEqualTo(desk);
  }

  @Test
  void aReviewersTotalsCountOnlyWhatTheBarrierLetsThemSee() throws Exception {
    long everywhere = indexCount(SearchRequest.builder());
    long desk = indexCount(SearchRequest.builder().within(Set.of(DemoConversations.DESK_ID)));
    assertThat(everywhere).isGreaterThan(desk);
    // a blank search: only the FX desk group counts, less the restricted record
    assertThat(total(signedIn("rita"), "kind=message&sort=newest")).isEqualTo(
        app.index.count(SearchRequest.builder().within(Set.of(DemoConversations.DESK_ID)).kinds("message").build()) - 1);
    assertThat(total(signedIn("rita"), "q=%E6%8A%A5%E4%BB%B7")).isZero(); // 报价: only in the WeChat group
    assertThat(total(signedIn("sol"), "q=%E6%8A%A5%E4%BB%B7")).isPositive();
  }

  @Test
  void conversationCountsLeaveOutRestrictedRecords() throws Exception {
    long records = app.index.conversations().stream().filter(c -> c.id().equals(DemoConversations.DESK_ID))
        .findFirst().orElseThrow().records();
    String rita = signedIn("rita").get("/conversations").body();
    assertThat(rita).contains(String.format("%,d", records - 1)).doesNotContain(">" + String.format("%,d", records) + "<");
    assertThat(signedIn("sol").get("/conversations").body()).contains(">" + String.format("%,d", records) + "<");
    assertThat(signedIn("rita").get("/c/" + DemoConversations.DESK_ID + "?first=1").body())
        .contains(String.format("of %,d", records - 1));
    assertThat(signedIn("sol").get("/c/" + DemoConversations.DESK_ID + "?first=1").body())
        .contains(String.format("of %,d", records));
  }
}
