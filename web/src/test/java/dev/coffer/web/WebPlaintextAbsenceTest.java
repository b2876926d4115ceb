package dev.coffer.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.web.auth.Totp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web app's secrets are not in plaintext anywhere under the data directory: after users are
 * added, passwords chosen, a TOTP second factor enrolled, sign-ins failed (lockout state) and pages
 * read (audit records), no file holds a user name, a password hash (the Argon2id PHC prefix or the
 * hash itself), the password, or the TOTP secret. The negative control: the same scan over the same
 * data directory finds the TOTP secret and the hash once the users are written unencrypted (an
 * archive without encryption), so the scan can see them when they are there.
 */
class WebPlaintextAbsenceTest {
  @TempDir Path tmp;

  @Test
  void noUserNameHashPasswordOrTotpSecretIsOnDiskInPlaintext() throws Exception {
    Path data = tmp.resolve("data");
    List<String> secrets = new ArrayList<>();
    try (WebFixture app = new WebFixture(data)) {
      app.users.add("zanzibarquill", dev.coffer.web.auth.Role.REVIEWER);
      app.users.setPassword("zanzibarquill", WebFixture.PASSWORD.toCharArray());
      Client c = new Client(app.base);
      c.signIn("zanzibarquill", WebFixture.PASSWORD);
      String page = c.post("/account/totp/start").body();
      Matcher m = Pattern.compile("id=\"totp-secret\">([A-Z2-7]+)<").matcher(page);
      assertThat(m.find()).isTrue();
      String secret = m.group(1);
      c.post("/account/totp/confirm", "code", Totp.code(secret, app.clock.instant()));
      assertThat(app.users.find("zanzibarquill").orElseThrow().totpEnrolled()).isTrue();
      c.get("/search?q=hedge");
      new Client(app.base).signIn("quirkyvoltaire", "wrong password");
      new Client(app.base).signIn("zanzibarquill", "wrong password");
      String hash = app.users.find("zanzibarquill").orElseThrow().passwordHash();
      secrets.addAll(List.of("zanzibarquill", "quirkyvoltaire", "$argon2id$", hash.substring(hash.lastIndexOf('$') + 1),
          WebFixture.PASSWORD, secret));
      app.index.commit();
    }
    assertThat(found(data, secrets)).isEmpty();

    // negative control: the same users written without encryption are found by the same scan
    dev.coffer.web.auth.UserStore plain = dev.coffer.web.auth.UserStore.open(tmp.resolve("plain"),
        dev.coffer.archive.crypto.Encryption.none(), new dev.coffer.web.auth.Passwords(8 * 1024, 1), java.time.Clock.systemUTC());
    plain.add("zanzibarquill", dev.coffer.web.auth.Role.REVIEWER);
    plain.update("zanzibarquill", u -> u.withTotp(secrets.get(5), false));
    assertThat(found(tmp.resolve("plain"), secrets)).contains("zanzibarquill in web/users.json",
        "$argon2id$ in web/users.json", secrets.get(5) + " in web/users.json");
  }

  /** "SECRET in FILE" for each secret a file under {@code root} holds as bytes (UTF-8). */
  private static List<String> found(Path root, List<String> secrets) throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        for (String s : secrets) {
          String needle = new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
          if (bytes.contains(needle)) {
            out.add(s + " in " + root.relativize(f));
          }
        }
      }
    }
    return out;
  }
}
