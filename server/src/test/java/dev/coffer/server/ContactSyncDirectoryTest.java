package dev.coffer.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.connectors.whatsapp.cloud.CloudApiSignature;
import dev.coffer.server.directory.Contact;
import dev.coffer.server.directory.Directory;
import dev.coffer.server.directory.DirectoryStore;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code smb_app_state_sync} contacts, posted over real HTTP, feed the running server's directory as
 * external contacts; a removal keeps the contact and its history; a restart rebuilds them from the
 * archive alone; an employee's handle stays an employee.
 */
class ContactSyncDirectoryTest {
  static final String SECRET = "contact-sync-secret";
  static final Map<String, String> SETTINGS = Map.of("whatsapp.app-secret", SECRET, "whatsapp.verify-token", "v");
  static final String BUSINESS = "+15550783881";
  static final String PABLO = "+16505551234";

  @TempDir Path dir;

  static byte[] sync(String action, String phone, String fullName, long timestamp) {
    return ("""
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{
        "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
        "state_sync":[{"type":"contact","contact":{"full_name":"%s","first_name":"x","phone_number":"%s"},
        "action":"%s","metadata":{"timestamp":"%d"}}]},"field":"smb_app_state_sync"}]}]}""")
        .formatted(fullName, phone, action, timestamp).getBytes(StandardCharsets.UTF_8);
  }

  static void post(ServerFixture f, byte[] body) throws Exception {
    HttpResponse<String> r = f.post(WhatsAppEndpoint.PATH, body, Map.of("Content-Type", "application/json",
        "X-Hub-Signature-256", CloudApiSignature.sign(body, SECRET.getBytes(StandardCharsets.UTF_8))));
    assertThat(r.statusCode()).isEqualTo(200);
  }

  @Test
  void syncedContactsNameHandlesAndARemovalKeepsTheirHistoryAcrossARestart() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir, SETTINGS)) {
      assertThat(f.server.context().directory().resolve(PABLO, BUSINESS)).isEmpty();
      post(f, sync("add", "16505551234", "Pablo Morales", 1739321024));
      post(f, sync("add", "16505551234", "Pablo Morales", 1739321024)); // Meta's retry: one change
      post(f, sync("add", "447700900555", "Ines Ortega", 1739321030));

      Directory d = f.server.context().directory();
      Directory.Resolution pablo = d.resolve(PABLO, BUSINESS).orElseThrow();
      assertThat(pablo.kind()).isEqualTo(Directory.Kind.CONTACT);
      assertThat(pablo.name()).isEqualTo("Pablo Morales");
      assertThat(pablo.businessNumber()).isEqualTo(BUSINESS);
      assertThat(pablo.current()).isTrue();
      assertThat(d.custodianOf(f.records().getFirst())).as("a contact is never a custodian").isEmpty();
      assertThat(d.contacts()).hasSize(2);
      Contact c = d.contacts().stream().filter(x -> x.handle().equals(PABLO)).findFirst().orElseThrow();
      assertThat(c.source()).isEqualTo("whatsapp-cloud-api smb_app_state_sync");
      assertThat(c.syncedAt()).isEqualTo(Instant.ofEpochSecond(1739321024));
      assertThat(c.history()).hasSize(1);

      // removed later, and the removal arrives before a late re-delivery of an older add: still removed
      post(f, sync("remove", "16505551234", "Pablo Morales", 1739400000));
      post(f, sync("add", "16505551234", "Pablo M.", 1739300000));
      Contact removed = f.server.context().directory().contacts().stream().filter(x -> x.handle().equals(PABLO))
          .findFirst().orElseThrow();
      assertThat(removed.current()).isFalse();
      assertThat(removed.removedAt()).isEqualTo(Instant.ofEpochSecond(1739400000));
      assertThat(removed.history()).extracting(Contact.Change::action).containsExactly("add", "add", "remove");
      assertThat(removed.toString()).doesNotContain("6505551234").doesNotContain("Pablo");
      Directory.Resolution stillNamed = f.server.context().directory().resolve(PABLO, BUSINESS).orElseThrow();
      assertThat(stillNamed.current()).isFalse();
      assertThat(stillNamed.name()).isEqualTo("Pablo Morales");
    }

    try (ServerFixture again = ServerFixture.restart(dir, SETTINGS)) {
      Directory rebuilt = awaitContacts(again, 2);
      Contact c = rebuilt.contacts().stream().filter(x -> x.handle().equals(PABLO)).findFirst().orElseThrow();
      assertThat(c.current()).isFalse();
      assertThat(c.history()).hasSize(3);
      // an employee with the same number is an employee, not a contact
      Directory employees = Directory.parse(("id,name,phones\nE7,Ines Ortega,+447700900555\n")
          .getBytes(StandardCharsets.UTF_8), Directory.Format.CSV, null);
      DirectoryStore.importDirectory(again.server.context().archive(), dir, employees, "test", null, null);
      Directory.Resolution ines = again.server.context().directory().resolve("+447700900555", BUSINESS).orElseThrow();
      assertThat(ines.kind()).isEqualTo(Directory.Kind.EMPLOYEE);
      assertThat(ines.employeeId()).isEqualTo("E7");
    }
  }

  /** The rebuild runs in the background at start; wait for it (a generous liveness bound). */
  static Directory awaitContacts(ServerFixture f, int n) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (true) {
      Directory d = f.server.context().directory();
      if (d.contacts().size() >= n && d.contacts().stream().mapToInt(c -> c.history().size()).sum() >= 4
          || System.nanoTime() > deadline) {
        return d;
      }
      Thread.sleep(20);
    }
  }
}
