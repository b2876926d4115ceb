package dev.coffer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.model.Digests;
import dev.coffer.model.RecordJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The coffer command end to end, in process, against a real archive in a temporary directory. */
class CliTest {
  @TempDir Path tmp;
  Path data;
  Path export;

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

  /**
   * Runs the CLI in a child JVM with {@code env} added to its environment: for what is read only from
   * the environment (a master key file, a password).
   */
  static Run cofferProcess(java.util.Map<String, String> env, String... args) throws IOException, InterruptedException {
    java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-cp",
        System.getProperty("java.class.path"), Coffer.class.getName()));
    cmd.addAll(java.util.List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("COFFER_"));
    pb.environment().putAll(env);
    Path out = Files.createTempFile("coffer-out", ".txt");
    Path err = Files.createTempFile("coffer-err", ".txt");
    try {
      Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE)
          .start();
      p.getOutputStream().close(); // no console: nothing is typed
      if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("coffer " + String.join(" ", args) + " did not finish in 120 s");
      }
      return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  @BeforeEach
  void setUp() throws URISyntaxException, IOException {
    data = tmp.resolve("data");
    Path fixture = Path.of(getClass().getResource("/exports/WhatsApp Chat with Rates Desk.txt").toURI());
    export = tmp.resolve("WhatsApp Chat with Rates Desk.txt");
    Files.copy(fixture, export);
  }

  private Run init() {
    Run r = coffer("init", "--data", data.toString());
    assertThat(r.status()).as(r.err()).isZero();
    return r;
  }

  private JsonNode importFixture() throws IOException {
    Run r = coffer("import", "whatsapp", export.toString(), "--zone", "Europe/London", "--data", data.toString(), "--json");
    assertThat(r.status()).as(r.err()).isZero();
    return r.json();
  }

  @Test
  void initCreatesAnArchiveOnceAndCommandsWithoutOneSayHowToCreateIt() {
    Run none = coffer("search", "x", "--data", data.toString());
    assertThat(none.status()).isEqualTo(Coffer.NO_ARCHIVE);
    assertThat(none.err()).contains("coffer init");
    init();
    Run again = coffer("init", "--data", data.toString());
    assertThat(again.status()).isEqualTo(Coffer.FAILED);
    assertThat(again.err()).contains("already exists");
  }

  @Test
  void importIsCompleteAndIdempotent() throws IOException {
    init();
    JsonNode first = importFixture();
    assertThat(first.get("lines_total").asLong()).isEqualTo(13);
    assertThat(first.get("lines_covered").asLong()).isEqualTo(13);
    assertThat(first.get("conversation_kind").asText()).isEqualTo("group");
    long appended = first.get("records_appended").asLong();
    assertThat(appended).isEqualTo(13); // 12 records from the file + the import's audit record
    JsonNode second = importFixture();
    assertThat(second.get("records_appended").asLong()).isEqualTo(1); // only the new audit record
    assertThat(second.get("duplicates").asLong()).isEqualTo(12);
  }

  @Test
  void searchFindsChineseEmojiAndPhoneNumbersInAnyNotationAndIsAudited() throws IOException {
    init();
    importFixture();
    JsonNode chinese = coffer("search", "内幕交易", "--data", data.toString(), "--json").json();
    assertThat(chinese.get("total").asLong()).isEqualTo(1);
    assertThat(chinese.get("hits").get(0).get("snippet").asText()).contains("«");
    JsonNode emoji = coffer("search", "👍", "--data", data.toString(), "--json").json();
    assertThat(emoji.get("total").asLong()).isEqualTo(3);
    JsonNode phone = coffer("search", "*", "--from", "0044 7700 900123", "--data", data.toString(), "--json").json();
    assertThat(phone.get("total").asLong()).isGreaterThanOrEqualTo(2);
    JsonNode inText = coffer("search", "\"212-555-0147\"", "--data", data.toString(), "--json").json();
    assertThat(inText.get("total").asLong()).isEqualTo(1);

    Run human = coffer("search", "auction", "--data", data.toString());
    assertThat(human.status()).isZero();
    assertThat(human.out()).contains("1 hit").contains("«auction»").contains("Priya Raman");

    // The searches above are audit records holding their queries; content searches do not see them.
    assertThat(coffer("search", "内幕交易", "--data", data.toString(), "--json").json().get("total").asLong()).isEqualTo(1);
    assertThat(coffer("search", "内幕交易", "--kind", "audit", "--data", data.toString(), "--json").json().get("total").asLong())
        .isGreaterThanOrEqualTo(1);

    List<JsonNode> audits = exportedRecords().stream().filter(r -> r.get("kind").asText().equals("audit")).toList();
    assertThat(audits).anySatisfy(a -> {
      assertThat(a.get("action").asText()).isEqualTo("search");
      assertThat(a.get("detail").get("query").asText()).isEqualTo("内幕交易");
    });
  }

  @Test
  void showPrintsTheConversationWithMarksAndAround() throws IOException {
    init();
    importFixture();
    JsonNode convs = coffer("conversations", "--data", data.toString(), "--json").json();
    assertThat(convs).hasSize(1);
    String id = convs.get(0).get("id").asText();
    assertThat(convs.get(0).get("title").asText()).isEqualTo("Rates Desk");

    Run show = coffer("show", "rates", "--zone", "Europe/London", "--data", data.toString());
    assertThat(show.status()).as(show.err()).isZero();
    assertThat(show.out())
        .contains("Saturday 14 March 2026")
        .contains("09:06:00 (09:06:00Z)")
        .contains("[edited]")
        .contains("[deleted]")
        .contains("Will call from the desk phone.")
        .contains("(not in the export)")
        .contains("北京的客户问内幕交易的规定");
    assertThat(show.out().split("Noted 👍", -1)).hasSize(4); // three messages, none merged

    JsonNode hit = coffer("search", "内幕交易", "--data", data.toString(), "--json").json().get("hits").get(0);
    Run around = coffer("show", id, "--around", hit.get("id").asText(), "--context", "1", "--zone", "UTC", "--data", data.toString());
    assertThat(around.status()).as(around.err()).isZero();
    assertThat(around.out()).contains("▶ 09:05:00").contains("record 6 of 12");
  }

  @Test
  void exportWritesTheArchivedBytesWhoseDigestsVerify() throws IOException {
    init();
    importFixture();
    Path out = tmp.resolve("all.jsonl");
    Run r = coffer("export", "--format", "canonical", "--out", out.toString(), "--data", data.toString());
    assertThat(r.status()).as(r.err()).isZero();
    List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(13);
    for (String line : lines) {
      byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
      // canonical: re-canonicalizing the parsed line gives the same bytes
      assertThat(new String(dev.coffer.model.CanonicalJson.serialize(RecordJson.mapper().readTree(bytes)), StandardCharsets.UTF_8))
          .isEqualTo(line);
      assertThat(Digests.sha256Hex(bytes)).hasSize(64);
    }
    Run again = coffer("export", "--out", out.toString(), "--data", data.toString());
    assertThat(again.status()).isNotZero();
    assertThat(Files.readAllLines(out)).hasSize(13);
  }

  @Test
  void verifyPassesAndThenNamesAFlippedByte() throws IOException {
    init();
    importFixture();
    Run ok = coffer("verify", "--data", data.toString());
    assertThat(ok.status()).as(ok.out() + ok.err()).isZero();
    Path victim;
    try (Stream<Path> files = Files.walk(data)) {
      victim = files.filter(Files::isRegularFile)
          .filter(p -> p.toString().contains("segment"))
          .findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(victim);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(victim, bytes);
    Run bad = coffer("verify", "--data", data.toString(), "--json");
    assertThat(bad.status()).isEqualTo(Coffer.FAILED);
    assertThat(bad.out()).contains(data.relativize(victim).getFileName().toString());
  }

  @Test
  void verifyNamesADamagedSearchIndexFileQuicklyAndDeeply() throws IOException {
    init();
    importFixture();
    Run deepOk = coffer("verify", "--deep", "--data", data.toString());
    assertThat(deepOk.status()).as(deepOk.out() + deepOk.err()).isZero();
    Path victim;
    try (Stream<Path> files = Files.list(data.resolve("index"))) {
      victim = files.filter(p -> !p.getFileName().toString().equals("write.lock"))
          .max(java.util.Comparator.comparingLong(p -> p.toFile().length())).orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(victim);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(victim, bytes);
    for (List<String> args : List.of(List.of("verify"), List.of("verify", "--deep"))) {
      List<String> all = new java.util.ArrayList<>(args);
      all.addAll(List.of("--data", data.toString(), "--json"));
      Run bad = coffer(all.toArray(String[]::new));
      assertThat(bad.status()).as(String.join(" ", args)).isEqualTo(Coffer.FAILED);
      assertThat(bad.out()).as(String.join(" ", args)).contains("search index damaged");
    }
  }

  @Test
  void refusedInputWritesNothingAndHasItsOwnExitStatus() throws IOException {
    init();
    Path empty = Files.createFile(tmp.resolve("empty.txt"));
    Run r = coffer("import", "whatsapp", empty.toString(), "--zone", "UTC", "--data", data.toString());
    assertThat(r.status()).isEqualTo(11);
    assertThat(r.err()).contains("empty");
    assertThat(exportedRecords()).isEmpty();
    Run badZone = coffer("import", "whatsapp", export.toString(), "--zone", "Mars/Olympus", "--data", data.toString());
    assertThat(badZone.status()).isEqualTo(Coffer.USAGE);
    assertThat(badZone.err()).contains("Mars/Olympus");
  }

  @Test
  void severalExportsImportInOneRunAndARefusedOneStopsNoOther() throws IOException {
    init();
    Path generated = tmp.resolve("generated.txt");
    assertThat(coffer("generate", "whatsapp", "--messages", "200", "--seed", "9", "--out", generated.toString()).status())
        .isZero();
    Path empty = Files.createFile(tmp.resolve("empty.txt"));
    Run r = coffer("import", "whatsapp", export.toString(), empty.toString(), generated.toString(), "--zone", "UTC",
        "--data", data.toString(), "--json");
    assertThat(r.status()).as("the highest status of the three: the empty file's").isEqualTo(11);
    JsonNode batch = r.json();
    assertThat(batch.get("imported").asInt()).isEqualTo(2);
    assertThat(batch.get("refused").asInt()).isEqualTo(1);
    JsonNode exports = batch.get("exports");
    assertThat(exports).hasSize(3);
    assertThat(exports.get(0).get("file_name").asText()).isEqualTo(export.getFileName().toString());
    assertThat(exports.get(0).get("records_appended").asLong()).isEqualTo(13);
    assertThat(exports.get(1).get("status").asText()).isEqualTo("EMPTY");
    assertThat(exports.get(1).get("exit_code").asInt()).isEqualTo(11);
    assertThat(exports.get(2).get("lines_covered").asLong()).isEqualTo(exports.get(2).get("lines_total").asLong());
    long appended = exports.get(0).get("records_appended").asLong() + exports.get(2).get("records_appended").asLong();
    assertThat(batch.get("records_appended").asLong()).isEqualTo(appended);
    // Both imported exports are archived and searchable; the refused one left nothing.
    assertThat(exportedRecords()).hasSize((int) appended);
    assertThat(coffer("search", "内幕交易", "--data", data.toString(), "--json").json().get("total").asLong()).isEqualTo(1);
    assertThat(exportedRecords().stream().filter(rec -> rec.path("kind").asText().equals("audit"))
        .filter(rec -> rec.path("action").asText().startsWith("import"))).hasSize(2);

    // Again, both good ones: only the two new audit records; human output names each export and the total.
    Run again = coffer("import", "whatsapp", export.toString(), generated.toString(), "--zone", "UTC",
        "--data", data.toString());
    assertThat(again.status()).as(again.err()).isZero();
    assertThat(again.out()).contains("Imported " + export.getFileName()).contains("Imported generated.txt")
        .contains("Imported 2 of 2 exports: 2 new records (durable), " + (appended - 2) + " already archived");

    Run chat = coffer("import", "whatsapp", export.toString(), generated.toString(), "--chat", "Desk", "--zone", "UTC",
        "--data", data.toString());
    assertThat(chat.status()).isEqualTo(Coffer.USAGE);
    assertThat(chat.err()).contains("--chat");
  }

  @Test
  void reindexRebuildsTheSearchIndexAndTheIdIndexFromTheArchiveAlone() throws IOException {
    init();
    importFixture();
    long before = coffer("search", "*", "--data", data.toString(), "--json").json().get("total").asLong();
    // Throw the derived state away entirely.
    try (Stream<Path> files = Files.walk(data.resolve("index"))) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
    Run r = coffer("reindex", "--ids", "--data", data.toString(), "--json");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.json().get("records_indexed").asLong()).isGreaterThanOrEqualTo(13);
    assertThat(coffer("search", "*", "--data", data.toString(), "--json").json().get("total").asLong()).isEqualTo(before);
    assertThat(coffer("search", "内幕交易", "--data", data.toString(), "--json").json().get("total").asLong()).isEqualTo(1);
    // The rebuilt id index still refuses duplicates.
    JsonNode again = importFixture();
    assertThat(again.get("duplicates").asLong()).isEqualTo(12);
    assertThat(coffer("verify", "--data", data.toString()).status()).isZero();
  }

  @Test
  void generateIsDeterministicForASeedAndItsOutputImportsWithoutLoss() throws IOException {
    Path a = tmp.resolve("a.txt");
    Path b = tmp.resolve("b.txt");
    assertThat(coffer("generate", "whatsapp", "--messages", "300", "--seed", "5", "--platform", "ios", "--locale", "de", "--out", a.toString()).status()).isZero();
    assertThat(coffer("generate", "whatsapp", "--messages", "300", "--seed", "5", "--platform", "ios", "--locale", "de", "--out", b.toString()).status()).isZero();
    assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
    assertThat(coffer("generate", "whatsapp", "--messages", "300", "--seed", "5", "--out", a.toString()).status())
        .as("never overwrites").isNotZero();
    init();
    Run r = coffer("import", "whatsapp", a.toString(), "--zone", "Europe/Berlin", "--data", data.toString(), "--json");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.json().get("lines_covered").asLong()).isEqualTo(r.json().get("lines_total").asLong());
    assertThat(r.json().get("date_order").asText()).isEqualTo("DMY");
  }

  @Test
  void demoRunsEndToEndAndIsSafeToRunAgain() throws IOException {
    Run first = coffer("demo", "--messages", "60", "--data", data.toString());
    assertThat(first.status()).as(first.out() + first.err()).isZero();
    assertThat(first.out()).contains("OK: every digest", "Next, try:", "./coffer show ", "./coffer serve");
    // the web app's demo conversations and first users; not served from a script (no terminal)
    assertThat(first.out()).contains("web app demo conversations").containsPattern("admin +\\(admin\\) +one-time password: \\S{20}")
        .doesNotContain("The web app is running");
    // the demo's directory makes the firm's people outbound in search
    Run out = coffer("search", "*", "--direction", "outbound", "--kind", "message", "--limit", "100", "--json",
        "--data", data.toString());
    assertThat(out.status()).as(out.err()).isZero();
    assertThat(out.json().get("total").asLong()).isPositive();
    out.json().get("hits").forEach(h -> assertThat(h.get("sender_handle").asText()).isIn("+447700900001", "+12125550100", "wxid_chenjie"));
    Run in = coffer("search", "*", "--direction", "inbound", "--kind", "message", "--limit", "100", "--json",
        "--data", data.toString());
    in.json().get("hits").forEach(h -> assertThat(h.path("sender_handle").asText("")).isNotIn("+447700900001", "+12125550100", "wxid_chenjie"));
    assertThat(coffer("search", "x", "--direction", "sideways", "--data", data.toString()).status()).isEqualTo(2);
    Run second = coffer("demo", "--messages", "60", "--data", data.toString());
    assertThat(second.status()).as(second.err()).isZero();
    assertThat(second.out()).contains("      1 new").doesNotContain("     61 new");
    assertThat(second.out()).contains("Users exist already: admin (admin), reviewer (reviewer)").doesNotContain("one-time password:");
  }

  @Test
  void helpReadsLikeAWellKeptCli() {
    Run help = coffer("--help");
    assertThat(help.status()).isZero();
    assertThat(help.out()).contains("import", "verify", "search", "show", "export", "conversations", "reindex", "generate", "demo");
    for (String sub : List.of("init", "verify", "search", "show", "export", "conversations", "reindex", "demo")) {
      Run r = coffer(sub, "--help");
      assertThat(r.status()).as(sub).isZero();
      assertThat(r.out()).as(sub).contains("Usage: coffer " + sub);
    }
    assertThat(coffer("import", "whatsapp", "--help").out()).contains("--zone", "--owner", "--date-order");
    assertThat(coffer("generate", "whatsapp", "--help").out()).contains("--messages", "--seed", "--platform");
  }

  private List<JsonNode> exportedRecords() throws IOException {
    Path out = tmp.resolve("audit-" + System.nanoTime() + ".jsonl");
    Run r = coffer("export", "--out", out.toString(), "--data", data.toString());
    assertThat(r.status()).as(r.err()).isZero();
    List<JsonNode> records = new ArrayList<>();
    for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
      records.add(RecordJson.mapper().readTree(line).get("record"));
    }
    return records;
  }
}
