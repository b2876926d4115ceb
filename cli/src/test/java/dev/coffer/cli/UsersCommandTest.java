package dev.coffer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.web.auth.Passwords;
import dev.coffer.web.auth.Role;
import dev.coffer.web.auth.UserStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsersCommandTest {
  @TempDir Path dir;

  record Run(int status, String out, String err) {}

  Run coffer(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Coffer.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(status, out.toString(), err.toString());
  }

  @Test
  void addPrintsAOneTimePasswordThatOnlyItsHashKeepsAndEveryChangeIsManaged() throws Exception {
    String d = dir.resolve("data").toString();
    assertThat(coffer("users", "add", "alice", "--role", "admin", "--data", d).status()).isEqualTo(5);
    assertThat(coffer("init", "--data", d).status()).isZero();
    Run add = coffer("users", "add", "alice", "--role", "admin", "--data", d);
    assertThat(add.status()).as(add.err()).isZero();
    Matcher m = Pattern.compile("One-time password for alice: (\\S+)").matcher(add.out());
    assertThat(m.find()).isTrue();
    UserStore users = UserStore.open(dir.resolve("data"), new Passwords(), Clock.systemUTC());
    assertThat(new Passwords().verify(m.group(1).toCharArray(), users.find("alice").orElseThrow().passwordHash())).isTrue();
    assertThat(users.find("alice").orElseThrow().role()).isEqualTo(Role.ADMIN);

    assertThat(coffer("users", "add", "bob", "--role", "root", "--data", d).status()).isEqualTo(2);
    assertThat(coffer("users", "add", "alice", "--role", "auditor", "--data", d).err()).contains("'alice' exists");
    assertThat(coffer("users", "disable", "alice", "--data", d).status()).isZero();
    assertThat(coffer("users", "enable-totp", "alice", "--data", d).status()).isZero();
    Run list = coffer("users", "list", "--data", d);
    assertThat(list.out()).contains("alice").contains("admin").contains("disabled").contains("totp required");
    assertThat(coffer("users", "enable", "alice", "--data", d).status()).isZero();
    Run reset = coffer("users", "reset-password", "alice", "--data", d);
    assertThat(reset.out()).contains("One-time password for alice: ").doesNotContain(m.group(1));
    assertThat(coffer("users", "disable", "ghost", "--data", d).status()).isEqualTo(2);
    // every change is an audit record in the archive
    Run audits = coffer("search", "*", "--kind", "audit", "--data", d, "--limit", "50");
    assertThat(audits.out()).contains("user-added").contains("user-changed").contains("password-reset");
  }
}
