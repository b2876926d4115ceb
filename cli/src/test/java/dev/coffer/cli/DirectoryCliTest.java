package dev.coffer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.connectors.whatsapp.cloud.CloudApiWebhook;
import dev.coffer.model.Digests;
import dev.coffer.model.RecordJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code coffer directory unmapped|contacts} with contacts synced from a WhatsApp Business app
 * contact book, and {@code coffer export} naming each record's custodian at export and at capture
 * time, against a real archive.
 */
class DirectoryCliTest {
  static final String CUSTOMER = "+447700900123";

  @TempDir Path tmp;
  Path data;

  @BeforeEach
  void setUp() throws Exception {
    data = tmp.resolve("data");
    ok("init", "--data", data.toString());
  }

  static CliTest.Run ok(String... args) {
    CliTest.Run r = CliTest.coffer(args);
    assertThat(r.status()).as(String.join(" ", args) + ": " + r.err()).isZero();
    return r;
  }

  /** Archives what the Cloud API connector makes of a webhook body, as the server would. */
  void webhook(String value, String field) throws IOException {
    byte[] body = ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"value\":{"
        + "\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"15550783881\","
        + "\"phone_number_id\":\"106540352242922\"}," + value + "},\"field\":\"" + field + "\"}]}]}")
        .getBytes(StandardCharsets.UTF_8);
    try (Archive a = Archives.open(data, ArchiveOptions.defaults())) {
      String digest = a.putBlob(body);
      a.append(CloudApiWebhook.parse(body, digest, Instant.parse("2026-11-25T06:00:00Z")).records());
    }
  }

  void contact(String action, String phone, String name, long at) throws IOException {
    webhook("\"state_sync\":[{\"type\":\"contact\",\"contact\":{\"full_name\":\"" + name + "\",\"phone_number\":\""
        + phone + "\"},\"action\":\"" + action + "\",\"metadata\":{\"timestamp\":\"" + at + "\"}}]",
        "smb_app_state_sync");
  }

  void message(String wamid, String from) throws IOException {
    webhook("\"messages\":[{\"from\":\"" + from + "\",\"id\":\"" + wamid + "\",\"timestamp\":\"1764050000\","
        + "\"type\":\"text\",\"text\":{\"body\":\"hello\"}}]", "messages");
  }

  Path csv(String name, String text) throws IOException {
    Path p = tmp.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  @Test
  void unmappedNamesHandlesFromSyncedContactsAndContactsKeepRemovals() throws Exception {
    message("wamid.a", "447700900123");
    message("wamid.b", "447700900777");
    contact("add", "447700900123", "Kerry Gilts", 1764040000);
    contact("add", "447700900888", "Gone Soon", 1764040000);
    contact("remove", "447700900888", "Gone Soon", 1764045000);

    JsonNode unmapped = ok("directory", "unmapped", "--channel", "whatsapp", "--data", data.toString(), "--json")
        .json();
    JsonNode kerry = find(unmapped, CUSTOMER);
    assertThat(kerry.get("contact").get("name").asText()).isEqualTo("Kerry Gilts");
    assertThat(kerry.get("contact").get("business_number").asText()).isEqualTo("+15550783881");
    assertThat(find(unmapped, "+447700900777").path("contact").isObject()).isFalse();
    CliTest.Run text = ok("directory", "unmapped", "--channel", "whatsapp", "--data", data.toString());
    assertThat(text.out()).contains("contact \"Kerry Gilts\" in the book of +15550783881");

    JsonNode unknown = ok("directory", "unmapped", "--unknown", "--data", data.toString(), "--json").json();
    assertThat(handles(unknown)).contains("+447700900777").doesNotContain(CUSTOMER);

    JsonNode contacts = ok("directory", "contacts", "--data", data.toString(), "--json").json();
    assertThat(contacts).hasSize(2);
    JsonNode gone = find(contacts, "+447700900888");
    assertThat(gone.get("removed_at").asText()).isEqualTo(Instant.ofEpochSecond(1764045000).toString());
    assertThat(gone.get("source").asText()).isEqualTo("whatsapp-cloud-api smb_app_state_sync");
    assertThat(gone.get("history")).hasSize(2);
    assertThat(ok("directory", "contacts", "--current", "--data", data.toString(), "--json").json()).hasSize(1);
  }

  @Test
  void exportNamesTheCustodianAtExportAndAtCaptureBesideTheUnchangedRecord() throws Exception {
    message("wamid.before", "447700900123");
    contact("add", "447700900123", "Kerry Gilts", 1764040000);
    ok("directory", "import", csv("v1.csv", "id,name,whatsapp\nE1,Sam First,+15550783881\n").toString(),
        "--data", data.toString());
    message("wamid.after", "447700900123");
    ok("directory", "import", csv("v2.csv", "id,name,whatsapp\nE2,Alex Second,+15550783881\n").toString(),
        "--data", data.toString());
    String v2 = dev.coffer.server.directory.DirectoryStore.latestDigest(data);

    Path out = tmp.resolve("out.jsonl");
    ok("export", "--format", "jsonl", "--out", out.toString(), "--data", data.toString());
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
      JsonNode env = RecordJson.mapper().readTree(line);
      lines.add(env);
      // the record is the archived bytes, verbatim: its digest is the archive's
      String record = line.substring("{\"record\":".length(), line.indexOf(",\"serial\":"));
      assertThat(Digests.sha256Hex(record.getBytes(StandardCharsets.UTF_8))).isEqualTo(env.get("digest").asText());
      assertThat(env.get("resolution").get("what").asText()).contains("directory resolution");
      assertThat(env.get("resolution").get("directory").asText()).isEqualTo(v2);
      assertThat(env.get("record").has("custodian")).isFalse();
    }
    JsonNode before = byNativeId(lines, "wamid.before");
    JsonNode after = byNativeId(lines, "wamid.after");
    assertThat(before.get("resolution").get("custodian").get("employee_id").asText()).isEqualTo("E2");
    assertThat(before.get("resolution").get("custodian").get("handle").asText()).isEqualTo("+15550783881");
    assertThat(before.get("resolution").get("at_capture").get("custodian").isNull()).isTrue();
    assertThat(before.get("resolution").get("at_capture").get("directory").isNull()).isTrue();
    assertThat(after.get("resolution").get("custodian").get("name").asText()).isEqualTo("Alex Second");
    assertThat(after.get("resolution").get("at_capture").get("custodian").get("employee_id").asText()).isEqualTo("E1");
    // every handle is named: the business number as an employee, the customer as a contact of its book
    JsonNode parties = after.get("resolution").get("parties");
    assertThat(parties).hasSize(2);
    JsonNode customer = find(parties, CUSTOMER);
    assertThat(customer.get("kind").asText()).isEqualTo("external_contact");
    assertThat(customer.get("name").asText()).isEqualTo("Kerry Gilts");
    assertThat(customer.get("contact_book_of").asText()).isEqualTo("+15550783881");
    assertThat(find(parties, "+15550783881").get("kind").asText()).isEqualTo("employee");

    // the canonical format stays byte for byte what the archive holds
    Path canonical = tmp.resolve("canonical.jsonl");
    ok("export", "--format", "canonical", "--out", canonical.toString(), "--data", data.toString());
    List<String> records = Files.readAllLines(canonical, StandardCharsets.UTF_8);
    assertThat(records).hasSize(lines.size() + 1); // and the first export's audit record
    for (int i = 0; i < lines.size(); i++) {
      assertThat(Digests.sha256Hex(records.get(i).getBytes(StandardCharsets.UTF_8)))
          .isEqualTo(lines.get(i).get("digest").asText());
    }
  }

  static JsonNode byNativeId(List<JsonNode> lines, String nativeId) {
    return lines.stream().filter(l -> l.get("record").path("kind").asText().equals("message")
        && nativeId.equals(l.get("record").path("source").path("native_id").asText())).findFirst().orElseThrow();
  }

  static JsonNode find(JsonNode list, String handle) {
    for (JsonNode n : list) {
      if (handle.equals(n.get("handle").asText())) {
        return n;
      }
    }
    throw new AssertionError(handle + " not listed in " + list);
  }

  static List<String> handles(JsonNode list) {
    List<String> out = new ArrayList<>();
    list.forEach(n -> out.add(n.get("handle").asText()));
    return out;
  }
}
