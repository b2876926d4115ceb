package dev.coffer.server.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.archive.StoredRecord;
import dev.coffer.model.Audit;
import dev.coffer.model.Conversation;
import dev.coffer.model.ConversationKind;
import dev.coffer.model.Message;
import dev.coffer.model.Party;
import dev.coffer.model.Source;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryTest {
  @TempDir Path dir;

  static final String CSV = """
      id,name,email,phones,whatsapp,wechat_openid,wecom_userid
      E100,Sam Trader,sam@example.test,+44 7700 900123;07700 900124,+44 20 7946 0000,oSam123,sam.trader
      E101,"Lee, Jordan",,+1 (650) 555-0101,,,
      """;

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void csvWithQuotesAndSeveralValuesPerCellReadsToE164() throws Exception {
    Directory d = Directory.parse(utf8(CSV), Directory.Format.CSV, "GB");
    assertThat(d.employees()).hasSize(2);
    Employee sam = d.employees().get(0);
    assertThat(sam.phones()).containsExactly("+447700900123", "+447700900124");
    assertThat(sam.whatsAppNumbers()).containsExactly("+442079460000");
    assertThat(sam.weChatOpenIds()).containsExactly("oSam123");
    assertThat(sam.weComUserIds()).containsExactly("sam.trader");
    assertThat(d.employees().get(1).name()).isEqualTo("Lee, Jordan");
    assertThat(d.lookup("+16505550101")).map(Employee::id).contains("E101");
    assertThat(d.lookup("+15550000000")).isEmpty();
    assertThat(sam.toString()).doesNotContain("7700");
  }

  @Test
  void jsonReadsTheSameAndTheStoredFormRoundTrips() throws Exception {
    String json = """
        {"employees":[{"id":"E100","name":"Sam Trader","phones":["+447700900123"],"whatsapp":["+442079460000"],
          "wechat_openid":["oSam123"],"wecom_userid":["sam.trader"]}]}
        """;
    Directory d = Directory.parse(utf8(json), Directory.Format.JSON, null);
    Directory back = Directory.fromStored(d.toJson());
    assertThat(back.employees()).isEqualTo(d.employees());
    assertThat(new String(d.toJson(), StandardCharsets.UTF_8)).startsWith("{\"employees\":");
  }

  @Test
  void aFileWithAnInvalidRowIsRefusedWholeNamingRowsButNotValues() {
    String bad = "id,name,phones\nE1,Ann,+447700900123\nE2,Bob,07700 900999\nE1,Carl,\n,NoId,\n";
    assertThatThrownBy(() -> Directory.parse(utf8(bad), Directory.Format.CSV, null))
        .isInstanceOf(Directory.RefusedException.class)
        .hasMessageContaining("employee 2: a value in phones is not a phone number")
        .hasMessageContaining("employee 3: id repeats employee 1")
        .hasMessageContaining("employee 4: id is missing")
        .hasMessageNotContaining("900999");
    assertThatThrownBy(() -> Directory.parse(utf8("id,name,phone\n"), Directory.Format.CSV, null))
        .hasMessageContaining("unknown column 'phone'");
    assertThatThrownBy(() -> Directory.parse(utf8("id,name,phones\nE1,Ann,+447700900123\nE2,Bob,+447700900123\n"),
        Directory.Format.CSV, null)).hasMessageContaining("employee 2: a handle also belongs to employee 1");
    assertThatThrownBy(() -> Directory.parse(utf8("{\"employees\":[{\"id\":\"x\",\"name\":\"y\",\"fax\":1}]}"),
        Directory.Format.JSON, null)).hasMessageContaining("unknown field 'fax'");
    assertThatThrownBy(() -> Directory.parse(utf8("id,name\n\"E1,Ann\n"), Directory.Format.CSV, null))
        .hasMessageContaining("quoted cell is not closed");
  }

  @Test
  void importKeepsTheDirectoryInTheArchiveWithAnAuditRecordAndOnlyADigestOutside() throws Exception {
    Directory d = Directory.parse(utf8(CSV), Directory.Format.CSV, "GB");
    try (Archive archive = Archives.create(dir, ArchiveOptions.defaults())) {
      assertThat(DirectoryStore.load(archive, dir).employees()).isEmpty();
      String digest = DirectoryStore.importDirectory(archive, dir, d, "os:admin", "host1", "staff.csv");
      assertThat(DirectoryStore.latestDigest(dir)).isEqualTo(digest);
      assertThat(Files.readString(DirectoryStore.pointer(dir)).strip()).isEqualTo(digest);
      assertThat(DirectoryStore.load(archive, dir).employees()).isEqualTo(d.employees());
      List<StoredRecord> all = new ArrayList<>();
      archive.scan(1, r -> all.add(r));
      Audit a = (Audit) all.get(0).record();
      assertThat(a.action()).isEqualTo(DirectoryStore.IMPORT_ACTION);
      assertThat(a.detail()).containsEntry("directory", digest).containsEntry("employees", "2");
      assertThat(a.source().raw()).isEqualTo(digest);
    }
    // Nothing outside the archive's blob store holds a phone number in the clear.
    try (var files = Files.walk(dir.resolve("directory"))) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        assertThat(Files.readString(p)).doesNotContain("7700");
      }
    }
  }

  @Test
  void theCustodianIsTheEmployeeBehindTheSenderOrARecipient() throws Exception {
    Directory d = Directory.parse(utf8(CSV), Directory.Format.CSV, "GB");
    Conversation c = new Conversation("c1", ConversationKind.DIRECT, null);
    Message inbound = Message.builder().id("m1").channel("whatsapp").conversation(c)
        .sender(new Party("+15550001111", "Customer")).recipients(List.of(new Party("+442079460000", null)))
        .sentAt(Instant.parse("2026-11-24T10:00:00Z")).text("hi")
        .source(new Source("whatsapp-cloud-api", "wamid.1", null, null, null)).build();
    assertThat(d.custodianOf(inbound)).map(Employee::id).contains("E100");
    Message unknown = Message.builder().id("m2").channel("whatsapp").conversation(c)
        .sender(new Party("+15550001111", null)).sentAt(Instant.parse("2026-11-24T10:00:00Z")).text("hi")
        .source(new Source("whatsapp-cloud-api", "wamid.2", null, null, null)).build();
    assertThat(d.custodianOf(unknown)).isEmpty();
  }
}
