package dev.coffer.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.archive.retention.Actor;
import dev.coffer.archive.retention.HoldScope;
import dev.coffer.archive.retention.LegalHold;
import dev.coffer.archive.retention.Retention;
import dev.coffer.archive.retention.RetentionClass;
import dev.coffer.archive.retention.RetentionPolicy;
import dev.coffer.model.Ids;
import dev.coffer.server.CaptureHealth;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin page's read-only sections over plain HTTP: capture health per connector (the app runs
 * with a server's capture health here), and retention policies, holds and restrictions made through
 * {@link Retention} as the CLI makes them. Reviewers are refused; viewing is audited; no message
 * content appears.
 */
class AdminPageTest {
  @TempDir static Path dir;
  static WebFixture app;
  static LegalHold active;
  static LegalHold released;

  static final String DESK_MESSAGE = Ids.derive("demo/record", DemoConversations.DESK_ID, "3");

  @BeforeAll
  static void start() throws IOException {
    WebFixture.MutableClock clock = new WebFixture.MutableClock(Instant.now());
    CaptureHealth health = new CaptureHealth(clock);
    health.register("whatsapp", Duration.ofMinutes(15));
    health.register("wechat", Duration.ofMinutes(5));
    health.mediaPending("whatsapp", () -> 2);
    health.archived("whatsapp", 12, 3, 1, clock.instant().minusSeconds(4));
    health.signatureFailure("whatsapp");
    health.refused("whatsapp");
    health.refused("whatsapp");
    health.failed("whatsapp");
    app = new WebFixture(dir.resolve("data"), WebSettings.defaults(), health, clock);
    clock.advance(Duration.ofMinutes(10)); // wechat has archived nothing for longer than its 5 min window

    Retention retention = Retention.of(app.archive, new Actor("os:carol", "127.0.0.1", Actor.COMPLIANCE));
    RetentionPolicy d = RetentionPolicy.defaults();
    retention.setPolicy(new RetentionPolicy(0, d.floors(), d.maximum(), d.defaultClass(),
        List.of(RetentionPolicy.Rule.channel("wechat", RetentionClass.MIFID, Period.ofYears(6)))), "MiFID desk in scope");
    active = retention.createHold("Acme v. Us", "litigation notice 2026-11-02",
        List.of(new HoldScope.Conversation(DemoConversations.DESK_ID)), Set.of());
    released = retention.createHold("SEC inquiry 12", "subpoena", List.of(new HoldScope.Query("guarantee")), Set.of());
    retention.releaseHold(released.id(), "inquiry closed");
    retention.restrict(DESK_MESSAGE, "erasure request ER-7");
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

  @Test
  void anAdminSeesConnectorHealthRetentionAndHolds() throws Exception {
    HttpResponse<String> r = signedIn("admin").get("/admin");
    assertThat(r.statusCode()).isEqualTo(200);
    String page = r.body();
    // capture health: whatsapp's counters, wechat silent beyond its window
    assertThat(page).contains("id=\"connector-whatsapp\"").contains("id=\"connector-wechat\"")
        .contains("<td>12</td><td>3</td><td>1</td><td>1</td>").contains("<td>2</td><td>1</td><td>2</td>")
        .contains("silent beyond 5 min").doesNotContain("No capture endpoints configured");
    // retention: the policy version, its rule, its history, the holds and the restriction count
    assertThat(page).contains("version 1").contains("channel=wechat -&gt; mifid P6Y").contains("MiFID desk in scope")
        .contains("os:carol").contains("communications: 3 years").contains("longest period 7 years");
    assertThat(page).contains("id=\"hold-" + active.id() + "\"").contains("Acme v. Us")
        .contains("conversation=" + DemoConversations.DESK_ID).contains("litigation notice 2026-11-02");
    assertThat(page).contains("SEC inquiry 12").contains("inquiry closed");
    assertThat(page).contains("<dt>Restricted records</dt><dd>1 ");
    assertThat(page).contains("Read-only.").contains("coffer hold");
    // no message content, not even of the restricted record; CSP-clean: no inline script or style
    assertThat(page).doesNotContain("never guarantee").doesNotContain("erasure request ER-7");
    assertThat(page).doesNotContain("<script>").doesNotContain("<style").doesNotContain(" style=");
    assertThat(r.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
        assertThat(csp).doesNotContain("unsafe-inline"));
  }

  @Test
  void complianceRolesViewTheReadOnlySectionsAndReviewersAreRefused() throws Exception {
    for (String name : List.of("sol", "lena", "aude")) {
      HttpResponse<String> r = signedIn(name).get("/admin");
      assertThat(r.statusCode()).as(name).isEqualTo(200);
      assertThat(r.body()).as(name).contains("Acme v. Us").contains("id=\"connector-whatsapp\"")
          .doesNotContain("Add a user").doesNotContain("Verify the archive now");
    }
    Client rita = signedIn("rita");
    HttpResponse<String> refused = rita.get("/admin");
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).doesNotContain("Acme v. Us").doesNotContain("whatsapp");
    assertThat(rita.get("/search").body()).doesNotContain("href=\"/admin\"");
  }

  @Test
  void viewingTheAdminPageIsAudited() throws Exception {
    long before = ArchivedAudits.actions(app).stream().filter("admin-view"::equals).count();
    signedIn("aude").get("/admin");
    assertThat(ArchivedAudits.actions(app).stream().filter("admin-view"::equals).count()).isEqualTo(before + 1);
  }
}
