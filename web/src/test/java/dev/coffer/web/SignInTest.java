package dev.coffer.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.web.auth.Totp;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sign-in over HTTP: CSRF, session cookies and expiry, lockout, rate limiting, TOTP, forced password change. */
class SignInTest {
  @TempDir Path dir;
  WebFixture app;

  @BeforeEach
  void start() throws Exception {
    app = new WebFixture(dir.resolve("data"), WebSettings.defaults().withAttemptsPerAddress(40));
  }

  @AfterEach
  void stop() throws Exception {
    app.close();
  }

  @Test
  void sessionCookieIsHttpOnlyStrictAndReplacedAtSignIn() throws Exception {
    Client c = new Client(app.base);
    HttpResponse<String> login = c.get("/login");
    String before = login.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(before).contains("HttpOnly").contains("SameSite=Strict").doesNotContain("Secure");
    HttpResponse<String> r = c.post("/login", "name", "sol", "password", WebFixture.PASSWORD);
    assertThat(r.statusCode()).isEqualTo(303);
    String after = r.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(after.split(";")[0]).isNotEqualTo(before.split(";")[0]);
  }

  @Test
  void overTlsCookiesAreSecureAndHstsIsSent() throws Exception {
    try (WebFixture tls = new WebFixture(dir.resolve("tls"), WebSettings.defaults().withTls(true))) {
      HttpResponse<String> r = new Client(tls.base).get("/login");
      assertThat(r.headers().firstValue("Set-Cookie").orElseThrow()).contains("Secure");
      assertThat(r.headers().firstValue("Strict-Transport-Security").orElseThrow()).contains("max-age=");
    }
  }

  @Test
  void everyStateChangeNeedsTheSessionsCsrfToken() throws Exception {
    Client c = new Client(app.base);
    c.get("/login");
    assertThat(c.post("/login", "_csrf", null, "name", "sol", "password", WebFixture.PASSWORD).statusCode()).isEqualTo(403);
    assertThat(c.post("/login", "_csrf", "forged", "name", "sol", "password", WebFixture.PASSWORD).statusCode()).isEqualTo(403);
    assertThat(c.signIn("admin", WebFixture.PASSWORD).statusCode()).isEqualTo(303);
    assertThat(c.post("/admin/users", "_csrf", null, "name", "eve", "role", "admin").statusCode()).isEqualTo(403);
    assertThat(c.post("/logout", "_csrf", "x").statusCode()).isEqualTo(403);
    // another session's token is no good either
    Client other = new Client(app.base);
    other.signIn("sol", WebFixture.PASSWORD);
    assertThat(c.post("/admin/users", "_csrf", other.csrf, "name", "eve", "role", "admin").statusCode()).isEqualTo(403);
    assertThat(app.users.find("eve")).isEmpty();
    assertThat(c.post("/admin/users", "name", "eve", "role", "reviewer").statusCode()).isEqualTo(200);
    assertThat(app.users.find("eve")).isPresent();
  }

  @Test
  void anIdleSessionIsSignedOut() throws Exception {
    Client c = new Client(app.base);
    c.signIn("sol", WebFixture.PASSWORD);
    assertThat(c.get("/search").statusCode()).isEqualTo(200);
    app.clock.advance(Duration.ofMinutes(14));
    assertThat(c.get("/search").statusCode()).isEqualTo(200);
    app.clock.advance(Duration.ofMinutes(16));
    HttpResponse<String> r = c.get("/search");
    assertThat(r.statusCode()).isEqualTo(303);
    assertThat(r.headers().firstValue("Location")).hasValue("/login?expired=1");
    assertThat(c.get("/login?expired=1").body()).contains("signed out after a period of inactivity");
  }

  @Test
  void signOutEndsTheSession() throws Exception {
    Client c = new Client(app.base);
    c.signIn("sol", WebFixture.PASSWORD);
    assertThat(c.post("/logout").statusCode()).isEqualTo(303);
    assertThat(c.get("/search").statusCode()).isEqualTo(303);
  }

  @Test
  void repeatedFailuresLockTheNameEvenWithTheRightPasswordUntilTheLockoutEnds() throws Exception {
    Client c = new Client(app.base);
    for (int i = 0; i < 5; i++) {
      assertThat(c.signIn("sol", "wrong password " + i).statusCode()).isEqualTo(401);
    }
    HttpResponse<String> locked = c.signIn("sol", WebFixture.PASSWORD);
    assertThat(locked.statusCode()).isEqualTo(401);
    // the message is the same as for a wrong password: it does not confirm the name exists
    assertThat(locked.body()).contains("not right, or the account is locked or disabled");
    assertThat(c.signIn("nobody", "x").body()).contains("not right, or the account is locked or disabled");
    assertThat(ArchivedAudits.actions(app)).contains("lockout", "sign-in-failed", "sign-in-refused");
    app.clock.advance(Duration.ofMinutes(16));
    assertThat(c.signIn("sol", WebFixture.PASSWORD).statusCode()).isEqualTo(303);
  }

  @Test
  void aLockoutAndAFailureCountSurviveARestart() throws Exception {
    Client c = new Client(app.base);
    for (int i = 0; i < 5; i++) {
      assertThat(c.signIn("sol", "wrong password " + i).statusCode()).isEqualTo(401);
    }
    for (int i = 0; i < 3; i++) {
      assertThat(c.signIn("lena", "wrong password " + i).statusCode()).isEqualTo(401);
    }
    app.restart();
    Client d = new Client(app.base);
    // still locked with the right password after the restart
    assertThat(d.signIn("sol", WebFixture.PASSWORD).statusCode()).isEqualTo(401);
    // lena's three failures were kept: two more lock her
    assertThat(d.signIn("lena", "wrong again 1").statusCode()).isEqualTo(401);
    assertThat(d.signIn("lena", "wrong again 2").statusCode()).isEqualTo(401);
    assertThat(d.signIn("lena", WebFixture.PASSWORD).statusCode()).isEqualTo(401);
    app.clock.advance(Duration.ofMinutes(16));
    app.restart();
    Client e = new Client(app.base);
    assertThat(e.signIn("sol", WebFixture.PASSWORD).statusCode()).isEqualTo(303);
    assertThat(e.signIn("lena", WebFixture.PASSWORD).statusCode()).isEqualTo(303);
    // the state file names nobody in plaintext
    Path state = dir.resolve("data").resolve("web").resolve(SignInThrottle.FILE);
    assertThat(Files.exists(state)).isTrue();
    assertThat(new String(Files.readAllBytes(state), java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain("sol").doesNotContain("lena");
  }

  @Test
  void aRestartSignsEveryoneOut() throws Exception {
    Client c = new Client(app.base);
    c.signIn("sol", WebFixture.PASSWORD);
    assertThat(c.get("/search").statusCode()).isEqualTo(200);
    app.restart();
    c.base(app.base);
    HttpResponse<String> r = c.get("/search");
    assertThat(r.statusCode()).isEqualTo(303);
    assertThat(r.headers().firstValue("Location")).hasValue("/login?expired=1");
  }

  @Test
  void oneAddressIsRateLimited() throws Exception {
    try (WebFixture strict = new WebFixture(dir.resolve("strict"), WebSettings.defaults().withAttemptsPerAddress(3))) {
      Client c = new Client(strict.base);
      for (int i = 0; i < 3; i++) {
        c.signIn("user" + i, "x");
      }
      assertThat(c.signIn("sol", WebFixture.PASSWORD).statusCode()).isEqualTo(429);
    }
  }

  @Test
  void totpEnrollmentThenSignInNeedsTheCurrentCodeOnce() throws Exception {
    Client c = new Client(app.base);
    c.signIn("sol", WebFixture.PASSWORD);
    String page = c.post("/account/totp/start").body();
    Matcher m = Pattern.compile("id=\"totp-secret\">([A-Z2-7]+)<").matcher(page);
    assertThat(m.find()).isTrue();
    String secret = m.group(1);
    assertThat(c.post("/account/totp/confirm", "code", "000000").statusCode()).isIn(400);
    assertThat(c.post("/account/totp/confirm", "code", Totp.code(secret, app.clock.instant())).body())
        .contains("Second factor set up");
    assertThat(app.users.find("sol").orElseThrow().totpEnrolled()).isTrue();
    c.post("/logout");

    app.clock.advance(Duration.ofSeconds(90));
    Client d = new Client(app.base);
    HttpResponse<String> r = d.signIn("sol", WebFixture.PASSWORD);
    assertThat(r.headers().firstValue("Location")).hasValue("/login/totp");
    // the password alone gives no access
    assertThat(d.get("/search").statusCode()).isEqualTo(303);
    assertThat(d.post("/login/totp", "code", "123456").statusCode()).isEqualTo(401);
    String code = Totp.code(secret, app.clock.instant());
    HttpResponse<String> ok = d.post("/login/totp", "code", code);
    assertThat(ok.statusCode()).isEqualTo(303);
    assertThat(ok.headers().firstValue("Location")).hasValue("/search");
    d.get("/search");
    d.post("/logout");
    // the same code again (same step) is refused: a code works once
    Client e = new Client(app.base);
    e.signIn("sol", WebFixture.PASSWORD);
    assertThat(e.post("/login/totp", "code", code).statusCode()).isEqualTo(401);
  }

  @Test
  void aTotpCodeUsedOnceIsRefusedAfterARestartAndTheNextCodeWorks() throws Exception {
    String secret = Totp.newSecret();
    app.users.update("sol", u -> u.withTotp(secret, false));
    String code = Totp.code(secret, app.clock.instant());
    Client c = new Client(app.base);
    assertThat(c.signIn("sol", WebFixture.PASSWORD).headers().firstValue("Location")).hasValue("/login/totp");
    assertThat(c.post("/login/totp", "code", code).headers().firstValue("Location")).hasValue("/search");

    app.restart(); // a new web app over the same data directory: nothing kept in memory survives
    Client d = new Client(app.base);
    assertThat(d.signIn("sol", WebFixture.PASSWORD).headers().firstValue("Location")).hasValue("/login/totp");
    HttpResponse<String> replay = d.post("/login/totp", "code", code);
    assertThat(replay.statusCode()).as("the same code after a restart").isEqualTo(401);
    assertThat(d.get("/search").statusCode()).isEqualTo(303);
    assertThat(ArchivedAudits.actions(app)).contains("sign-in-failed");

    app.clock.advance(Duration.ofSeconds(Totp.STEP_SECONDS));
    String next = Totp.code(secret, app.clock.instant());
    HttpResponse<String> ok = d.post("/login/totp", "code", next);
    assertThat(ok.statusCode()).isEqualTo(303);
    assertThat(ok.headers().firstValue("Location")).hasValue("/search");
    assertThat(d.get("/search").statusCode()).isEqualTo(200);
  }

  @Test
  void anAdminCanRequireASecondFactorAndTheUserMustEnrollFirst() throws Exception {
    app.users.update("sol", u -> u.withTotp(null, true));
    Client c = new Client(app.base);
    c.signIn("sol", WebFixture.PASSWORD);
    HttpResponse<String> r = c.get("/search");
    assertThat(r.statusCode()).isEqualTo(303);
    assertThat(r.headers().firstValue("Location")).hasValue("/account");
    assertThat(c.get("/account").body()).contains("requires a second factor");
  }

  @Test
  void aOneTimePasswordMustBeReplacedBeforeAnythingElse() throws Exception {
    char[] otp = app.users.add("newbie", dev.coffer.web.auth.Role.SUPERVISOR);
    Client c = new Client(app.base);
    HttpResponse<String> r = c.signIn("newbie", new String(otp));
    assertThat(r.headers().firstValue("Location")).hasValue("/account");
    assertThat(c.get("/search").headers().firstValue("Location")).hasValue("/account");
    assertThat(c.post("/account/password", "current", new String(otp), "password", "short", "again", "short").statusCode())
        .isEqualTo(400);
    assertThat(c.post("/account/password", "current", new String(otp), "password", "a much longer passphrase",
        "again", "a much longer passphrase").statusCode()).isEqualTo(303);
    assertThat(c.get("/search").statusCode()).isEqualTo(200);
  }

  @Test
  void theUserFileIsOwnerOnlyAndSealed() throws Exception {
    Path f = dir.resolve("data").resolve("web").resolve("users.sealed");
    assertThat(Files.exists(f.resolveSibling("users.json"))).isFalse();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f.getParent()))).isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
    assertThat(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain("$argon2id$").doesNotContain("rita").doesNotContain(WebFixture.PASSWORD);
    // the archive's verifier leaves the web app's directory alone, and still flags a stray file
    assertThat(dev.coffer.archive.verify.Verifier.verify(dir.resolve("data"),
        dev.coffer.archive.verify.VerifyListener.NONE).problems()).isEmpty();
    Files.writeString(dir.resolve("data").resolve("stray.json"), "{}");
    assertThat(dev.coffer.archive.verify.Verifier.verify(dir.resolve("data"),
        dev.coffer.archive.verify.VerifyListener.NONE).problems()).hasSize(1);
  }
}
