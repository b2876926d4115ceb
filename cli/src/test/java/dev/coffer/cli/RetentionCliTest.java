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

  static Run coffer(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Coffer.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
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
  String export(String role) throws IOException {
    Path out = tmp.resolve("export-" + System.nanoTime() + ".jsonl");
    ok("export", "--out", out.toString(), "--as-role", role);
    return Files.readString(out);
  }

  long size() throws IOException {
    try (Archive a = Archives.open(data, ArchiveOptions.defaults())) {
      return a.size();
    }
  }

  @Test
  void everyCliPathThatWouldRemoveARecordEarlyIsRefusedAndAudited() throws IOException {
    Run r = run("dispose", "--record", id("young"), "--reason", "clean up");
    assertThat(r.status()).isEqualTo(Coffer.REFUSED);
    assertThat(r.err()).contains("in retention until");
    r = run("retention", "extend", id("young"), "--until", "2027-01-01", "--reason", "shorten it");
    assertThat(r.status()).isEqualTo(Coffer.REFUSED);
    assertThat(r.err()).contains("only ever extended");
    // a hold makes an expired record refused too
    ok("hold", "create", "--matter", "Acme v. Us", "--reason", "notice 1", "--custodian", "+447700900004");
    r = run("dispose", "--record", id("old-4"), "--reason", "clean up");
    assertThat(r.status()).isEqualTo(Coffer.REFUSED);
    assertThat(r.err()).contains("under legal hold");

    assertThat(audits("worm.refused")).hasSize(3).allSatisfy(a -> assertThat(a.detail().get("role")).isEqualTo("reviewer"));
    assertThat(total("wombat")).isEqualTo(1);
    assertThat(total("axolotl")).isEqualTo(1);
    assertThat(ok("verify").status()).isZero();
  }

  @Test
  void holdsKeepRecordsAndDisposedContentLeavesSearchForGood() throws IOException {
    String hold = ok("hold", "create", "--matter", "SEC inquiry 12", "--reason", "subpoena", "--query", "okapi", "--json")
        .json().get("id").asText();
    ok("hold", "create", "--matter", "Acme v. Us", "--reason", "notice 1", "--conversation", "c3");
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
    Run done = ok("dispose", "--reason", "retention ended", "--report", report.toString());
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
    assertThat(export("reviewer")).doesNotContain("\"text\":\"quarterly zebrafish").contains("\"text\":\"the okapi");

    ok("hold", "release", hold, "--reason", "closed");
    ok("dispose", "--reason", "hold released");
    assertThat(total("okapi")).isZero();
    assertThat(total("wombat")).isEqualTo(1); // still held by the conversation hold
    assertThat(ok("retention", "show", id("old-3"), "--json").json().get("disposed").asBoolean()).isTrue();
    assertThat(ok("verify").status()).isZero();
  }

  @Test
  void restrictedRecordsAreShownOnlyToCompliance() throws IOException {
    Run denied = run("restrict", id("young"), "--reason", "DSR-114");
    assertThat(denied.status()).isEqualTo(Coffer.USAGE);
    assertThat(denied.err()).contains("--as-role compliance");
    ok("restrict", id("young"), "--reason", "DSR-114", "--as-role", "compliance");

    assertThat(total("axolotl")).isZero();
    assertThat(total("axolotl", "--as-role", "compliance")).isEqualTo(1);
    assertThat(ok("show", "c1").out()).doesNotContain("axolotl").contains("zebrafish");
    assertThat(ok("show", "c1", "--as-role", "compliance").out()).contains("axolotl");
    assertThat(run("show", "c1", "--around", id("young")).status()).isEqualTo(Coffer.USAGE);
    assertThat(export("reviewer")).doesNotContain("\"text\":\"axolotl").contains("\"text\":\"quarterly zebrafish");
    assertThat(export("compliance")).contains("\"text\":\"axolotl");
    // a proof carries the record: also refused to anyone but compliance
    assertThat(run("proof", id("young")).status()).isEqualTo(Coffer.USAGE);
    assertThat(ok("proof", id("young"), "--as-role", "compliance").out()).contains(id("young"));
    assertThat(audits("restrict")).singleElement().satisfies(a -> {
      assertThat(a.targets()).containsExactly(id("young"));
      assertThat(a.detail()).containsEntry("role", "compliance");
    });
    assertThat(audits("search")).extracting(a -> a.detail().get("role")).contains("reviewer", "compliance");
  }

  @Test
  void policiesAreVersionedAndARecordsRetentionIsExplained() throws IOException {
    Path policy = tmp.resolve("policy.json");
    Files.writeString(policy, "{\"rules\":[{\"channel\":\"whatsapp\",\"class\":\"mifid\",\"period\":\"P5Y\"}]}");
    ok("retention", "set-policy", policy.toString(), "--reason", "MiFID desk", "--as-role", "compliance");
    JsonNode p = ok("retention", "policy", "--json").json();
    assertThat(p.get("current").get("version").asInt()).isEqualTo(1);
    assertThat(p.get("versions")).hasSize(1);
    JsonNode young = ok("retention", "show", id("young"), "--json").json();
    assertThat(young.get("policy_version").asInt()).isZero(); // archived before version 1
    Files.writeString(policy, "{\"floors\":{\"communications\":\"P2Y\"}}");
    Run low = run("retention", "set-policy", policy.toString(), "--reason", "cheaper");
    assertThat(low.status()).isEqualTo(Coffer.USAGE);
    assertThat(low.err()).contains("floors.communications");
  }
}
