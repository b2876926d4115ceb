package dev.coffer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.model.Audit;
import dev.coffer.model.Conversation;
import dev.coffer.model.ConversationKind;
import dev.coffer.model.Ids;
import dev.coffer.model.Message;
import dev.coffer.model.Party;
import dev.coffer.model.Record;
import dev.coffer.model.RecordJson;
import dev.coffer.model.Source;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention from the command line: every CLI path that could remove a record early is refused (exit 4)
 * and audited; holds keep records; dispose --dry-run changes nothing; disposed content leaves search
 * and reindex does not bring it back; restricted records are shown only to the compliance role.
 *
 * <p>The CLI has no way to set the time (that would be a way around retention), so the "old" records
 * are archived through the API with a clock in 2019: their 3-year retention ended in 2022.
 */
class RetentionCliTest {
  @TempDir Path tmp;
  Path data;
  String d;

  record Run(int status, String out, String err) {
    JsonNode json() throws IOException {
      return RecordJson.mapper().readTree(out);
    }
  }

  /** The test users' password (each user's own in a real deployment), given as $COFFER_PASSWORD. */
  static final String PASSWORD = "correct horse battery staple " + java.util.UUID.randomUUID();
  java.util.Map<String, String> env = java.util.Map.of(CliSignIn.ENV_PASSWORD, PASSWORD);

  Run coffer(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Coffer.execute(args, new PrintWriter(out, true), new PrintWriter(err, true), env);
    return new Run(status, out.toString(), err.toString());
  }

  Run ok(String... args) {
    List<String> a = new ArrayList<>(List.of(args));
    a.add("--data");
    a.add(d);
    Run r = coffer(a.toArray(String[]::new));
    assertThat(r.status()).as(String.join(" ", args) + ": " + r.err()).isZero();
    return r;
  }

  Run run(String... args) {
    List<String> a = new ArrayList<>(List.of(args));
    a.add("--data");
    a.add(d);
    return coffer(a.toArray(String[]::new));
  }

  static Message message(String key, String conversation, String handle, Instant sent, String text) {
    return Message.builder().id(Ids.derive("test/cli-retention", key)).channel("whatsapp")
        .conversation(new Conversation(conversation, ConversationKind.GROUP, "Desk " + conversation))
        .sender(new Party(handle, "Person " + handle)).sentAt(sent).text(text)
        .source(new Source("test", null, null, "line " + key, null)).build();
  }

  static String id(String key) {
    return Ids.derive("test/cli-retention", key);
  }

  @BeforeEach
  void setUp() throws IOException {
    data = tmp.resolve("data");
    d = data.toString();
    Clock y2019 = Clock.fixed(Instant.parse("2019-03-01T09:00:00Z"), ZoneOffset.UTC);
    try (Archive a = Archives.create(data, ArchiveOptions.defaults().withClock(y2019))) {
      a.append(List.of(
          message("old-1", "c1", "+447700900001", Instant.parse("2019-02-01T10:00:00Z"), "quarterly zebrafish numbers"),
          message("old-2", "c1", "+447700900002", Instant.parse("2019-02-02T10:00:00Z"), "lunch at the narwhal"),
          message("old-3", "c2", "+447700900003", Instant.parse("2019-02-03T10:00:00Z"), "the okapi trade settles"),
          message("old-4", "c3", "+447700900004", Instant.parse("2019-02-04T10:00:00Z"), "wombat bonds are cheap")));
    }
    try (Archive a = Archives.open(data, ArchiveOptions.defaults())) {
      a.append(List.of(message("young", "c1", "+447700900001", Instant.now(), "axolotl swap today")));
    }
    // web app users: dana (legal: acts as compliance), rex (reviewer), audra (auditor: sees, changes nothing)
    dev.coffer.web.auth.UserStore users = dev.coffer.web.auth.UserStore.open(data, new dev.coffer.web.auth.Passwords(),
        Clock.systemUTC());
    for (var u : java.util.Map.of("dana", dev.coffer.web.auth.Role.LEGAL, "rex", dev.coffer.web.auth.Role.REVIEWER,
        "audra", dev.coffer.web.auth.Role.AUDITOR).entrySet()) {
      users.add(u.getKey(), u.getValue());
      users.setPassword(u.getKey(), PASSWORD.toCharArray());
    }
  }

  long total(String query, String... extra) throws IOException {
    List<String> a = new ArrayList<>(List.of("search", query, "--json"));
    a.addAll(List.of(extra));
    return ok(a.toArray(String[]::new)).json().get("total").asLong();
  }

  List<Audit> audits(String action) throws IOException {
    List<Audit> out = new ArrayList<>();
    try (Archive a = Archives.open(data, ArchiveOptions.defaults())) {
      a.scan(1, r -> {
        Record rec = r.record();
        if (rec instanceof Audit au && au.action().equals(action)) {
          out.add(au);
        }
        return true;
      });
    }
    return out;
  }

  /** The export's lines (written to a file: the export streams to the process's standard output). */
  String export(String... as) throws IOException {
    Path out = tmp.resolve("export-" + System.nanoTime() + ".jsonl");
    List<String> a = new ArrayList<>(List.of("export", "--out", out.toString()));
    a.addAll(List.of(as));
    ok(a.toArray(String[]::new));
    return Files.readString(out);
  }

  long size() throws IOException {
    try (Archive a = Archives.open(data, ArchiveOptions.defaults())) {
      return a.size();
    }
  }

  @Test
  void everyCliPathThatWouldRemoveARecordEarlyIsRefusedAndAudited() throws IOException {
    Run r = run("dispose", "--record", id("young"), "--reason", "clean up", "--as", "dana");
    assertThat(r.status()).isEqualTo(Coffer.REFUSED);
    assertThat(r.err()).contains("in retention until");
    r = run("retention", "extend", id("young"), "--until", "2027-01-01", "--reason", "shorten it");
    assertThat(r.status()).isEqualTo(Coffer.REFUSED);
    assertThat(r.err()).contains("only ever extended");
    // a hold makes an expired record refused too
    ok("hold", "create", "--matter", "Acme v. Us", "--reason", "notice 1", "--custodian", "+447700900004", "--as", "dana");
    r = run("dispose", "--record", id("old-4"), "--reason", "clean up", "--as", "dana");
    assertThat(r.status()).isEqualTo(Coffer.REFUSED);
    assertThat(r.err()).contains("under legal hold");

    assertThat(audits("worm.refused")).extracting(a -> a.sender().handle() + "/" + a.detail().get("role"))
        .containsExactlyInAnyOrder("dana/compliance", "dana/compliance", "os:" + System.getProperty("user.name") + "/reviewer");
    assertThat(total("wombat")).isEqualTo(1);
    assertThat(total("axolotl")).isEqualTo(1);
    assertThat(ok("verify").status()).isZero();
  }

  @Test
  void holdsKeepRecordsAndDisposedContentLeavesSearchForGood() throws IOException {
    String hold = ok("hold", "create", "--matter", "SEC inquiry 12", "--reason", "subpoena", "--query", "okapi", "--json", "--as", "dana")
        .json().get("id").asText();
    ok("hold", "create", "--matter", "Acme v. Us", "--reason", "notice 1", "--conversation", "c3", "--as", "dana");
    assertThat(ok("hold", "list", "--json").json()).hasSize(2);

    long before = size();
    JsonNode plan = ok("dispose", "--dry-run", "--json").json();
    assertThat(size()).isEqualTo(before); // a dry run writes nothing, not even an audit record
    List<String> would = new ArrayList<>();
    plan.get("would_dispose").forEach(n -> would.add(n.get("id").asText()));
    assertThat(would).containsExactlyInAnyOrder(id("old-1"), id("old-2"));
    List<String> kept = new ArrayList<>();
    plan.get("kept_by_hold").forEach(n -> kept.add(n.get("id").asText()));
    assertThat(kept).containsExactlyInAnyOrder(id("old-3"), id("old-4"));
    assertThat(total("zebrafish")).isEqualTo(1);

    Path report = tmp.resolve("report.json");
    Run done = ok("dispose", "--reason", "retention ended", "--report", report.toString(), "--as", "dana");
    assertThat(done.out()).contains("disposed " + id("old-1")).contains("under policy v0");
    assertThat(Files.readString(report)).contains("\"disposed\"").contains(id("old-2"));
    assertThat(audits("disposition")).singleElement().satisfies(a -> assertThat(a.targets())
        .containsExactlyInAnyOrder(id("old-1"), id("old-2")));

    assertThat(total("zebrafish")).isZero();
    assertThat(total("narwhal")).isZero();
    assertThat(total("okapi")).isEqualTo(1);
    assertThat(total("axolotl")).isEqualTo(1);
    ok("reindex");
    assertThat(total("zebrafish")).isZero();
    assertThat(total("okapi")).isEqualTo(1);
    assertThat(ok("verify").status()).isZero();
    // (audit records of the searches above hold the query words, so compare the messages' text)
    assertThat(export()).doesNotContain("\"text\":\"quarterly zebrafish").contains("\"text\":\"the okapi");

    ok("hold", "release", hold, "--reason", "closed", "--as", "dana");
    ok("dispose", "--reason", "hold released", "--as", "dana");
    assertThat(total("okapi")).isZero();
    assertThat(total("wombat")).isEqualTo(1); // still held by the conversation hold
    assertThat(ok("retention", "show", id("old-3"), "--json").json().get("disposed").asBoolean()).isTrue();
    assertThat(ok("verify").status()).isZero();
  }

  @Test
  void restrictedRecordsAreShownOnlyToCompliance() throws IOException {
    Run denied = run("restrict", id("young"), "--reason", "DSR-114");
    assertThat(denied.status()).isEqualTo(Coffer.NOT_AUTHENTICATED);
    assertThat(denied.err()).contains("--as USER");
    Run reviewer = run("restrict", id("young"), "--reason", "DSR-114", "--as", "rex");
    assertThat(reviewer.status()).isEqualTo(Coffer.NOT_AUTHENTICATED);
    assertThat(reviewer.err()).contains("'rex' is reviewer");
    Run auditor = run("restrict", id("young"), "--reason", "DSR-114", "--as", "audra");
    assertThat(auditor.status()).isEqualTo(Coffer.NOT_AUTHENTICATED);
    // the asserted role of earlier versions is gone
    Run asserted = run("restrict", id("young"), "--reason", "DSR-114", "--as-role", "compliance");
    assertThat(asserted.status()).isEqualTo(Coffer.USAGE);
    assertThat(asserted.err()).contains("--as USER");
    ok("restrict", id("young"), "--reason", "DSR-114", "--as", "dana");

    assertThat(total("axolotl")).isZero();
    assertThat(total("axolotl", "--as", "rex")).isZero();
    assertThat(total("axolotl", "--as", "dana")).isEqualTo(1);
    assertThat(total("axolotl", "--as", "audra")).isEqualTo(1);
    assertThat(ok("show", "c1").out()).doesNotContain("axolotl").contains("zebrafish");
    assertThat(ok("show", "c1", "--as", "dana").out()).contains("axolotl");
    assertThat(run("show", "c1", "--around", id("young")).status()).isEqualTo(Coffer.USAGE);
    assertThat(export()).doesNotContain("\"text\":\"axolotl").contains("\"text\":\"quarterly zebrafish");
    assertThat(export("--as", "dana")).contains("\"text\":\"axolotl");
    // a proof carries the record: also refused to anyone but compliance
    assertThat(run("proof", id("young")).status()).isEqualTo(Coffer.USAGE);
    assertThat(ok("proof", id("young"), "--as", "dana").out()).contains(id("young"));
    assertThat(audits("restrict")).singleElement().satisfies(a -> {
      assertThat(a.targets()).containsExactly(id("young"));
      assertThat(a.sender().handle()).isEqualTo("dana");
      assertThat(a.detail()).containsEntry("role", "compliance");
    });
    assertThat(audits("search")).extracting(a -> a.sender().handle() + "/" + a.detail().get("role"))
        .contains("dana/compliance", "audra/auditor", "rex/reviewer");
  }

  @Test
  void aWrongPasswordOrCodeIsRefusedAuditedAndLocksTheUserForTheWebAppToo() throws IOException {
    env = java.util.Map.of(CliSignIn.ENV_PASSWORD, "not the password");
    Run wrong = run("restrict", id("young"), "--reason", "DSR-114", "--as", "dana");
    assertThat(wrong.status()).isEqualTo(Coffer.NOT_AUTHENTICATED);
    assertThat(wrong.err()).contains("refused").doesNotContain("not the password");
    assertThat(audits("sign-in-failed")).singleElement().satisfies(a -> {
      assertThat(a.sender().handle()).isEqualTo("dana");
      assertThat(a.detail()).containsEntry("via", "cli").containsEntry("reason", "wrong password");
    });
    assertThat(audits("restrict")).isEmpty();
    // no password at all (no terminal in a test): refused, audited, not counted
    env = java.util.Map.of();
    assertThat(run("search", "axolotl", "--as", "dana").status()).isEqualTo(Coffer.NOT_AUTHENTICATED);
    // the remaining failures up to the limit lock the name; then even the right password is refused
    env = java.util.Map.of(CliSignIn.ENV_PASSWORD, "not the password");
    int limit = dev.coffer.web.WebSettings.defaults().maxFailures();
    for (int i = 1; i < limit; i++) {
      assertThat(run("search", "axolotl", "--as", "dana").status()).isEqualTo(Coffer.NOT_AUTHENTICATED);
    }
    assertThat(audits("lockout")).hasSize(1);
    env = java.util.Map.of(CliSignIn.ENV_PASSWORD, PASSWORD);
    Run locked = run("search", "axolotl", "--as", "dana");
    assertThat(locked.status()).isEqualTo(Coffer.NOT_AUTHENTICATED);
    assertThat(locked.err()).contains("locked");
    // the lock is the web app's too: the same file the web sign-in counts in
    assertThat(dev.coffer.web.SignInLocks.open(data, dev.coffer.archive.Archives.encryption(data,
        dev.coffer.archive.crypto.MasterKeySource.standard(data)), Clock.systemUTC()).locked("dana")).isTrue();
    // an unknown name is refused the same way, and audited under the name tried
    assertThat(run("search", "axolotl", "--as", "mallory").status()).isEqualTo(Coffer.NOT_AUTHENTICATED);
    assertThat(audits("sign-in-failed")).extracting(a -> a.sender().handle()).contains("mallory");

    // a user with a second factor needs the current code too
    dev.coffer.web.auth.UserStore users = dev.coffer.web.auth.UserStore.open(data, new dev.coffer.web.auth.Passwords(),
        Clock.systemUTC());
    String secret = dev.coffer.web.auth.Totp.newSecret();
    users.add("tess", dev.coffer.web.auth.Role.SUPERVISOR);
    users.setPassword("tess", PASSWORD.toCharArray());
    users.update("tess", u -> u.withTotp(secret, true));
    assertThat(run("search", "axolotl", "--as", "tess").status()).isEqualTo(Coffer.NOT_AUTHENTICATED);
    env = java.util.Map.of(CliSignIn.ENV_PASSWORD, PASSWORD, CliSignIn.ENV_TOTP, "000000".equals(
        dev.coffer.web.auth.Totp.code(secret, Instant.now())) ? "111111" : "000000");
    assertThat(run("search", "axolotl", "--as", "tess").status()).isEqualTo(Coffer.NOT_AUTHENTICATED);
    env = java.util.Map.of(CliSignIn.ENV_PASSWORD, PASSWORD, CliSignIn.ENV_TOTP,
        dev.coffer.web.auth.Totp.code(secret, Instant.now()));
    assertThat(ok("restrict", id("young"), "--reason", "DSR-115", "--as", "tess").status()).isZero();
    assertThat(audits("restrict")).singleElement().satisfies(a -> assertThat(a.sender().handle()).isEqualTo("tess"));
  }

  @Test
  void policiesAreVersionedAndARecordsRetentionIsExplained() throws IOException {
    Path policy = tmp.resolve("policy.json");
    Files.writeString(policy, "{\"rules\":[{\"channel\":\"whatsapp\",\"class\":\"mifid\",\"period\":\"P5Y\"}]}");
    assertThat(run("retention", "set-policy", policy.toString(), "--reason", "MiFID desk").status())
        .isEqualTo(Coffer.NOT_AUTHENTICATED);
    ok("retention", "set-policy", policy.toString(), "--reason", "MiFID desk", "--as", "dana");
    JsonNode p = ok("retention", "policy", "--json").json();
    assertThat(p.get("current").get("version").asInt()).isEqualTo(1);
    assertThat(p.get("versions")).hasSize(1);
    JsonNode young = ok("retention", "show", id("young"), "--json").json();
    assertThat(young.get("policy_version").asInt()).isZero(); // archived before version 1
    Files.writeString(policy, "{\"floors\":{\"communications\":\"P2Y\"}}");
    Run low = run("retention", "set-policy", policy.toString(), "--reason", "cheaper", "--as", "dana");
    assertThat(low.status()).isEqualTo(Coffer.USAGE);
    assertThat(low.err()).contains("floors.communications");
  }
}
