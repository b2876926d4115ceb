package dev.coffer.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.model.Audit;
import dev.coffer.model.Ids;
import dev.coffer.model.Record;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every access rule over plain HTTP: a reviewer confined to the FX desk group cannot reach any other
 * record by id, by attachment, by proof, by conversation page or by search; roles gate the admin and
 * audit pages; attachments are served safely; every access leaves an audit record.
 */
class AccessRulesTest {
  @TempDir static Path dir;
  static WebFixture app;

  static final String DESK_MESSAGE = Ids.derive("demo/record", DemoConversations.DESK_ID, "3");
  static final String DESK_CHART = Ids.derive("demo/record", DemoConversations.DESK_ID, "5");
  static final String DESK_PDF = Ids.derive("demo/record", DemoConversations.DESK_ID, "20");
  static final String PRIVATE_MESSAGE = Ids.derive("demo/record", DemoConversations.PRIVATE_ID, "2");
  static final String WECHAT_STICKER = Ids.derive("demo/record", DemoConversations.WECHAT_ID, "6");

  @BeforeAll
  static void start() throws IOException {
    app = new WebFixture(dir.resolve("data"));
  }

  @AfterAll
  static void stop() throws IOException {
    app.close();
  }

  static Client signedIn(String name) throws Exception {
    Client c = new Client(app.base);
    assertThat(c.signIn(name, WebFixture.PASSWORD).statusCode()).isEqualTo(303);
    return c;
  }

  static List<Audit> audits() throws IOException {
    List<Audit> out = new ArrayList<>();
    app.archive.scan(1, sr -> {
      if (sr.record() instanceof Audit a) {
        out.add(a);
      }
      return true;
    });
    return out;
  }

  @Test
  void aReviewerReadsInsideTheBarrier() throws Exception {
    Client rita = signedIn("rita");
    assertThat(rita.get("/r/" + DESK_MESSAGE).statusCode()).isEqualTo(200);
    assertThat(rita.get("/c/" + DemoConversations.DESK_ID).body()).contains("never guarantee a rate");
    HttpResponse<byte[]> img = rita.bytes("/r/" + DESK_CHART + "/a/0");
    assertThat(img.statusCode()).isEqualTo(200);
    assertThat(img.headers().firstValue("Content-Type")).hasValue("image/png");
    assertThat(img.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(img.body()).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
    assertThat(rita.get("/r/" + DESK_CHART + "/proof").body()).contains("coffer-proof/1");
  }

  @Test
  void aReviewerCannotReachAnythingOutsideTheBarrierByIdAttachmentProofPageOrQuery() throws Exception {
    Client rita = signedIn("rita");
    for (String path : List.of("/r/" + PRIVATE_MESSAGE, "/r/" + PRIVATE_MESSAGE + "/proof",
        "/r/" + WECHAT_STICKER, "/r/" + WECHAT_STICKER + "/a/0", "/r/" + WECHAT_STICKER + "/a/0?download=1",
        "/c/" + DemoConversations.PRIVATE_ID, "/c/" + DemoConversations.WECHAT_ID,
        "/c/" + DemoConversations.WECHAT_ID + "?first=1")) {
      HttpResponse<String> r = rita.get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(404);
      assertThat(r.body()).as(path).doesNotContain("Dana").doesNotContain("报价").doesNotContain("structured note");
    }
    // the same answer as for an id that does not exist: nothing tells the two apart
    assertThat(rita.get("/r/" + Ids.derive("nothing", "here")).body())
        .isEqualTo(rita.get("/r/" + PRIVATE_MESSAGE).body().replace(PRIVATE_MESSAGE, Ids.derive("nothing", "here")));
    // paging an allowed conversation from a serial of another conversation shows none of it
    long privateSerial = app.archive.get(PRIVATE_MESSAGE).orElseThrow().serial();
    String paged = rita.get("/c/" + DemoConversations.DESK_ID + "?after=" + (privateSerial - 1)).body();
    assertThat(paged).doesNotContain("structured note").doesNotContain("Dana");
    // queries: by text, by conversation id, by sender, by channel
    for (String q : List.of("q=structured+note", "q=报价", "conversation=" + DemoConversations.PRIVATE_ID,
        "from=%2B1+212+555+0100", "channel=wechat", "q=*&kind=message&sort=newest")) {
      String body = rita.get("/search?" + q).body();
      // (the query box repeats the query; the content of the hidden records appears nowhere)
      assertThat(body).as(q).doesNotContain("Dana").doesNotContain("not risk free").doesNotContain("报价仅供参考")
          .doesNotContain("上海客户群").doesNotContain("Private banking");
    }
    assertThat(rita.get("/search?q=structured+note").body()).contains("<strong>0</strong> hits");
    // audit records are not content a reviewer sees
    String auditId = audits().get(0).id();
    assertThat(rita.get("/r/" + auditId).statusCode()).isEqualTo(404);
    assertThat(rita.get("/audit").statusCode()).isEqualTo(403);
    assertThat(rita.get("/admin").statusCode()).isEqualTo(403);
    assertThat(rita.post("/admin/users", "name", "mallory", "role", "admin").statusCode()).isEqualTo(403);
    assertThat(app.users.find("mallory")).isEmpty();
    // the conversation list shows only the assigned conversation
    assertThat(rita.get("/conversations").body()).contains("FX Desk London").doesNotContain("Private banking")
        .doesNotContain("上海客户群");
  }

  @Test
  void breakGlassLiftsTheBarrierForAStatedReasonAndIsAudited() throws Exception {
    Client rita = signedIn("rita");
    assertThat(rita.get("/c/" + DemoConversations.PRIVATE_ID).statusCode()).isEqualTo(404);
    assertThat(rita.post("/break-glass", "reason", "short").statusCode()).isEqualTo(400);
    assertThat(rita.post("/break-glass", "reason", "Regulator request 2026-117, supervisor on leave").statusCode())
        .isEqualTo(303);
    HttpResponse<String> page = rita.get("/c/" + DemoConversations.PRIVATE_ID);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("structured note").contains("Emergency access is on");
    assertThat(audits()).anyMatch(a -> a.action().equals("break-glass")
        && a.detail().get("reason").contains("Regulator request") && a.sender().handle().equals("web:rita"));
    assertThat(audits()).anyMatch(a -> a.action().equals("view-conversation")
        && "true".equals(a.detail().get("break_glass")) && a.targets().contains(DemoConversations.PRIVATE_ID));
  }

  @Test
  void everyAccessIsAnAuditRecordWithWhoWhenWhereAndWhat() throws Exception {
    Client sol = signedIn("sol");
    sol.get("/search?q=%22never+guarantee%22&channel=whatsapp");
    sol.get("/c/" + DemoConversations.DESK_ID);
    sol.get("/r/" + DESK_MESSAGE);
    sol.bytes("/r/" + DESK_CHART + "/a/0");
    sol.get("/r/" + DESK_MESSAGE + "/proof");
    List<Audit> mine = audits().stream().filter(a -> a.sender().handle().equals("web:sol")).toList();
    assertThat(mine).extracting(Audit::action)
        .contains("sign-in", "search", "view-conversation", "view-record", "attachment", "proof");
    Audit search = mine.stream().filter(a -> a.action().equals("search")).findFirst().orElseThrow();
    assertThat(search.detail()).containsEntry("query", "\"never guarantee\"").containsEntry("channel", "whatsapp")
        .containsEntry("role", "supervisor");
    assertThat(search.address()).isEqualTo("127.0.0.1");
    assertThat(search.sentAt()).isNotNull();
    assertThat(mine.stream().filter(a -> a.action().equals("attachment")).findFirst().orElseThrow().targets())
        .containsExactly(DESK_CHART);
  }

  @Test
  void auditorsReadTheAuditTrailInTheAppFilteredByAction() throws Exception {
    signedIn("sol").get("/search?q=contract");
    app.index.refresh();
    Client aude = signedIn("aude");
    String page = aude.get("/audit?action=search").body();
    assertThat(page).contains("web:sol").contains("query=contract");
    // an auditor views the admin page's read-only sections, never the user forms
    HttpResponse<String> admin = aude.get("/admin");
    assertThat(admin.statusCode()).isEqualTo(200);
    assertThat(admin.body()).contains("Retention and legal holds").contains("No capture endpoints configured")
        .doesNotContain("Add a user")
        .doesNotContain("action=\"/admin/users");
    // read-only: an auditor changes no user
    assertThat(aude.post("/admin/users/rita", "action", "disable").statusCode()).isEqualTo(403);
  }

  @Test
  void activeAttachmentTypesAreDownloadsNeverRenderedInThePage() throws Exception {
    Client sol = signedIn("sol");
    HttpResponse<byte[]> pdf = sol.bytes("/r/" + DESK_PDF + "/a/0");
    assertThat(pdf.statusCode()).isEqualTo(200);
    assertThat(pdf.headers().firstValue("Content-Type")).hasValue("application/pdf");
    assertThat(pdf.headers().firstValue("Content-Disposition").orElseThrow()).startsWith("attachment;");
    assertThat(pdf.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("sandbox");
    HttpResponse<byte[]> png = sol.bytes("/r/" + DESK_CHART + "/a/0");
    assertThat(png.headers().firstValue("Content-Disposition").orElseThrow()).startsWith("inline;");
    assertThat(sol.bytes("/r/" + DESK_CHART + "/a/7").statusCode()).isEqualTo(404);
    assertThat(sol.bytes("/r/" + DESK_CHART + "/a/x").statusCode()).isEqualTo(404);
  }

  @Test
  void pagesCarrySecurityHeadersAndAreNotCached() throws Exception {
    Client sol = signedIn("sol");
    HttpResponse<String> r = sol.get("/c/" + DemoConversations.DESK_ID);
    assertThat(r.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("script-src 'self'").contains("style-src 'self'").contains("frame-ancestors 'none'")
        .doesNotContain("unsafe-inline");
    assertThat(r.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(r.headers().firstValue("Strict-Transport-Security")).isEmpty();
    assertThat(r.body()).doesNotContain("<script>").doesNotContain("style=\"").doesNotContain(" onclick=");
    // no debug or environment endpoints
    for (String p : List.of("/env", "/debug", "/heapdump", "/actuator", "/metrics", "/actuator/env")) {
      assertThat(sol.get(p).statusCode()).as(p).isEqualTo(404);
    }
  }

  @Test
  void unauthenticatedRequestsGetNothing() throws Exception {
    Client anon = new Client(app.base);
    assertThat(anon.get("/search?q=contract").statusCode()).isEqualTo(303);
    assertThat(anon.get("/r/" + DESK_MESSAGE).headers().firstValue("Location")).hasValue("/login");
    assertThat(anon.bytes("/r/" + DESK_CHART + "/a/0").statusCode()).isEqualTo(303);
    anon.get("/login");
    assertThat(anon.post("/search/save", "label", "x", "query", "q=x").statusCode()).isEqualTo(401);
  }

  static Record record(String id) throws IOException {
    return app.archive.get(id).orElseThrow().record();
  }
}
