package dev.coffer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.archive.layout.ArchiveLayout;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** coffer init --mirror, mirror add/status, verify --mirror and restore --from-mirror, end to end. */
class MirrorCommandTest {
  @TempDir Path tmp;

  private Path export() throws URISyntaxException, IOException {
    Path fixture = Path.of(getClass().getResource("/exports/WhatsApp Chat with Rates Desk.txt").toURI());
    Path export = tmp.resolve("WhatsApp Chat with Rates Desk.txt");
    Files.copy(fixture, export);
    return export;
  }

  @Test
  void initWithAMirrorThenVerifyDamageAndRestore() throws Exception {
    Path data = tmp.resolve("data");
    Path mirror = tmp.resolve("mirror");
    CliTest.Run init = CliTest.coffer("init", "--data", data.toString(), "--mirror", mirror.toString());
    assertThat(init.status()).as(init.err()).isZero();
    assertThat(init.out()).contains("mirror:").contains(mirror.toString());
    CliTest.Run imported = CliTest.coffer("import", "whatsapp", export().toString(), "--zone", "Europe/London", "--data",
        data.toString());
    assertThat(imported.status()).as(imported.err()).isZero();

    CliTest.Run ok = CliTest.coffer("verify", "--mirror", "--data", data.toString());
    assertThat(ok.status()).as(ok.out() + ok.err()).isZero();
    assertThat(ok.out()).contains("and the mirror holds the same bytes");
    CliTest.Run status = CliTest.coffer("mirror", "status", "--data", data.toString(), "--json");
    assertThat(status.json().get("pending_writes").asLong()).isZero();
    assertThat(status.json().get("policy").asText()).isEqualTo("both");

    // lose a segment on the primary
    Path objects = data.resolve(ArchiveLayout.OBJECTS);
    Path segment;
    try (Stream<Path> s = Files.walk(objects.resolve("segments"))) {
      segment = s.filter(Files::isRegularFile).sorted().reduce((a, b) -> b).orElseThrow();
    }
    Files.delete(segment);
    CliTest.Run damaged = CliTest.coffer("verify", "--mirror", "--data", data.toString(), "--json");
    assertThat(damaged.status()).isEqualTo(Coffer.FAILED);
    String key = ArchiveLayout.OBJECTS + "/" + objects.relativize(segment).toString().replace('\\', '/');
    boolean named = false;
    for (JsonNode p : damaged.json().get("problems")) {
      named |= p.get("object").asText().equals(key) && p.get("what").asText().startsWith("mirror: missing on the primary");
    }
    assertThat(named).as(damaged.out()).isTrue();

    CliTest.Run restored = CliTest.coffer("restore", "--from-mirror", "--data", data.toString(), "--json");
    assertThat(restored.status()).as(restored.out() + restored.err()).isZero();
    assertThat(restored.json().get("copied_from_mirror").asLong()).isEqualTo(1);
    assertThat(Files.exists(segment)).isTrue();
    assertThat(CliTest.coffer("verify", "--mirror", "--data", data.toString()).status()).isZero();
    // the restore is audited
    CliTest.Run audit = CliTest.coffer("search", "", "--kind", "audit", "--data", data.toString(), "--json");
    assertThat(audit.out()).contains("restore").contains("mirror-add");
  }

  @Test
  void mirrorAddCopiesAnExistingArchiveAndRefusesAnInsideLocation() throws Exception {
    Path data = tmp.resolve("data");
    assertThat(CliTest.coffer("init", "--data", data.toString()).status()).isZero();
    assertThat(CliTest.coffer("import", "whatsapp", export().toString(), "--zone", "Europe/London", "--data",
        data.toString()).status()).isZero();
    CliTest.Run inside = CliTest.coffer("mirror", "add", data.resolve("m").toString(), "--data", data.toString());
    assertThat(inside.status()).isEqualTo(Coffer.USAGE);
    assertThat(inside.err()).contains("must be outside the data directory");
    CliTest.Run bad = CliTest.coffer("mirror", "add", tmp.resolve("m").toString(), "--policy", "sometimes", "--data",
        data.toString());
    assertThat(bad.status()).isEqualTo(Coffer.USAGE);
    assertThat(bad.err()).contains("mirror policy must be 'both' or 'primary'");
    CliTest.Run added = CliTest.coffer("mirror", "add", tmp.resolve("m").toString(), "--policy", "primary", "--data",
        data.toString(), "--json");
    assertThat(added.status()).as(added.err()).isZero();
    assertThat(added.json().get("objects_copied").asLong()).isPositive();
    assertThat(CliTest.coffer("verify", "--mirror", "--data", data.toString()).status()).isZero();
    // the mirror holds no master key: verifying it alone needs the escrowed one
    CliTest.Run alone = CliTest.coffer("verify", "--data", tmp.resolve("m").toString());
    assertThat(alone.status()).isEqualTo(Coffer.FAILED);
    assertThat(alone.out() + alone.err()).contains("needs master key");
    CliTest.Run withKey = CliTest.cofferProcess(java.util.Map.of("COFFER_MASTER_KEY_FILE", masterKeyFile(data).toString()),
        "verify", "--data", tmp.resolve("m").toString());
    assertThat(withKey.status()).as(withKey.out() + withKey.err()).isZero();
  }

  @Test
  void afterARotationTheMirrorAloneAndTheEscrowedMasterKeyRebuildALostPrimary() throws Exception {
    Path data = tmp.resolve("data");
    Path mirror = tmp.resolve("mirror");
    assertThat(CliTest.coffer("init", "--data", data.toString(), "--mirror", mirror.toString()).status()).isZero();
    assertThat(CliTest.coffer("import", "whatsapp", export().toString(), "--zone", "Europe/London", "--data",
        data.toString()).status()).isZero();
    CliTest.Run rotated = CliTest.coffer("keys", "rotate", "--data", data.toString());
    assertThat(rotated.status()).as(rotated.err()).isZero();
    Path beforeFile = tmp.resolve("before.jsonl");
    CliTest.Run before = CliTest.coffer("export", "--format", "canonical", "--out", beforeFile.toString(),
        "--data", data.toString());
    assertThat(before.status()).as(before.err()).isZero();
    assertThat(CliTest.coffer("verify", "--mirror", "--data", data.toString()).status()).isZero();
    try (Stream<Path> keys = Files.list(mirror.resolve("keys"))) {
      assertThat(keys.map(p -> p.getFileName().toString())).doesNotContain(masterKeyFile(data).getFileName().toString())
          .noneMatch(n -> n.startsWith("master-")).contains("keyring");
    }
    Path escrow = tmp.resolve("escrowed-master.key");
    Files.copy(masterKeyFile(data), escrow);
    deleteTree(data);

    java.util.Map<String, String> env = java.util.Map.of("COFFER_MASTER_KEY_FILE", escrow.toString());
    CliTest.Run restored = CliTest.cofferProcess(env, "restore", "--from-mirror", mirror.toString(), "--data",
        data.toString(), "--json");
    assertThat(restored.status()).as(restored.out() + restored.err()).isZero();
    assertThat(restored.json().get("rebuilt_primary").asBoolean()).isTrue();
    CliTest.Run verified = CliTest.cofferProcess(env, "verify", "--mirror", "--data", data.toString());
    assertThat(verified.status()).as(verified.out() + verified.err()).isZero();
    Path afterFile = tmp.resolve("after.jsonl");
    CliTest.Run after = CliTest.cofferProcess(env, "export", "--format", "canonical", "--out", afterFile.toString(),
        "--data", data.toString());
    assertThat(after.status()).as(after.err()).isZero();
    // every record exported before the loss is there after it, byte for byte (audit records of later acts are new)
    List<String> was = Files.readAllLines(beforeFile);
    assertThat(was.stream().filter(l -> l.contains("\"kind\":\"message\""))).hasSizeGreaterThan(5);
    assertThat(Files.readAllLines(afterFile)).containsAll(was);
  }

  private static Path masterKeyFile(Path data) throws IOException {
    String id = dev.coffer.archive.crypto.KeyRing.masterIdOf(data.resolve("keys"));
    return data.resolve("keys").resolve("master-" + id + ".key");
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
