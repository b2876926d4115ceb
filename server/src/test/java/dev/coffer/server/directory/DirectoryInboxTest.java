package dev.coffer.server.directory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.archive.StoredRecord;
import dev.coffer.archive.crypto.Encryption;
import dev.coffer.archive.crypto.MasterKeySource;
import dev.coffer.model.Audit;
import dev.coffer.server.CofferServer;
import dev.coffer.server.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A directory left in the inbox is archived by the running server and in force at once; the request
 * on disk is sealed (no phone number in clear); a request no server takes can be withdrawn; a request
 * that does not open is refused with an answer and imports nothing.
 */
class DirectoryInboxTest {
  @TempDir Path dir;

  static Directory staff(String csv) throws Exception {
    return Directory.parse(csv.getBytes(StandardCharsets.UTF_8), Directory.Format.CSV, null);
  }

  CofferServer start() throws Exception {
    return CofferServer.start(ServerConfig.load(null, Map.of(), Map.of("data", dir.toString(), "port", "0", "host",
        "127.0.0.1")), List.of());
  }

  @Test
  void theRunningServerTakesASealedRequestAndPutsTheDirectoryInForce() throws Exception {
    Archives.create(dir, ArchiveOptions.defaults()).close();
    Encryption enc = Archives.encryption(dir, MasterKeySource.standard(dir));
    try (CofferServer server = start()) {
      assertThat(server.context().directory().lookup("+447700900123")).isEmpty();
      String id = DirectoryInbox.submit(dir, enc, staff("id,name,phones\nE1,Ann Lee,+447700900123\n"), "alice",
          "desk-7", "staff.csv");
      // the request as it lies on disk: sealed, no phone number, no name
      try (Stream<Path> files = Files.walk(DirectoryInbox.inbox(dir))) {
        for (Path p : files.filter(Files::isRegularFile).toList()) {
          String text = new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
          assertThat(text).doesNotContain("447700900123").doesNotContain("Ann Lee");
        }
      }
      DirectoryInbox.Answer a = DirectoryInbox.await(dir, id, Duration.ofSeconds(30)).orElseThrow();
      assertThat(a.refused()).isNull();
      assertThat(a.employees()).isEqualTo(1);
      assertThat(a.directory()).isEqualTo(DirectoryStore.latestDigest(dir));
      assertThat(server.context().directory().lookup("+447700900123")).map(Employee::id).contains("E1");
      assertThat(server.context().directories().version()).isEqualTo(a.directory());

      // a second version replaces the first at once
      String id2 = DirectoryInbox.submit(dir, enc, staff("id,name,phones\nE2,Bo Chan,+447700900124\n"), "alice",
          "desk-7", "staff2.csv");
      DirectoryInbox.await(dir, id2, Duration.ofSeconds(30)).orElseThrow();
      assertThat(server.context().directory().lookup("+447700900123")).isEmpty();
      assertThat(server.context().directory().lookup("+447700900124")).isPresent();

      // bytes that are not a sealed request are refused, answered, and import nothing
      Files.write(DirectoryInbox.inbox(dir).resolve("forged.request"), "{\"format\":\"x\"}".getBytes());
      DirectoryInbox.Answer refused = DirectoryInbox.await(dir, "forged", Duration.ofSeconds(30)).orElseThrow();
      assertThat(refused.refused()).contains("could not take");
      assertThat(server.context().directory().lookup("+447700900124")).isPresent();

      List<Audit> imports = new ArrayList<>();
      server.context().archive().scan(1, (StoredRecord sr) -> {
        if (sr.record() instanceof Audit au && au.action().equals(DirectoryStore.IMPORT_ACTION)) {
          imports.add(au);
        }
        return true;
      });
      assertThat(imports).hasSize(2).allSatisfy(au -> {
        assertThat(au.sender().handle()).isEqualTo("alice");
        assertThat(au.address()).isEqualTo("desk-7");
      });
    }
    try (Stream<Path> left = Files.list(DirectoryInbox.inbox(dir))) {
      assertThat(left.toList()).isEmpty();
    }
  }

  @Test
  void aRequestNoServerTakesIsWithdrawn() throws Exception {
    Archives.create(dir, ArchiveOptions.defaults()).close();
    Encryption enc = Archives.encryption(dir, MasterKeySource.standard(dir));
    String id = DirectoryInbox.submit(dir, enc, staff("id,name\nE1,Ann\n"), "alice", null, null);
    assertThat(DirectoryInbox.await(dir, id, Duration.ofMillis(300))).isEmpty();
    assertThat(DirectoryInbox.withdraw(dir, id)).isTrue();
    assertThat(DirectoryInbox.withdraw(dir, id)).isFalse();
    try (CofferServer server = start()) {
      Thread.sleep(1200); // more than two inbox rounds: nothing to take
      assertThat(server.context().directories().version()).isNull();
    }
  }
}
