package dev.coffer.cli;

import static dev.coffer.cli.CliTest.coffer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** coffer init's master key, keys list/rotate/retire/new, and a missing key, end to end. */
class KeysCommandTest {
  @TempDir Path tmp;

  @Test
  void initMakesAKeyRotationKeepsEverythingReadableAndAMissingKeyIsNamed() throws IOException, URISyntaxException {
    Path data = tmp.resolve("data");
    CliTest.Run init = coffer("init", "--data", data.toString(), "--json");
    assertThat(init.status()).as(init.err()).isZero();
    String first = init.json().get("master_key").asText();
    Path keyFile = Path.of(init.json().get("master_key_file").asText());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");

    Path export = tmp.resolve("WhatsApp Chat with Rates Desk.txt");
    Files.copy(Path.of(getClass().getResource("/exports/WhatsApp Chat with Rates Desk.txt").toURI()), export);
    assertThat(coffer("import", "whatsapp", export.toString(), "--zone", "Europe/London", "--data", data.toString())
        .status()).isZero();

    JsonNode listed = coffer("keys", "list", "--data", data.toString(), "--json").json();
    assertThat(listed.get("master_keys")).hasSize(1);
    assertThat(listed.get("master_keys").get(0).get("id").asText()).isEqualTo(first);
    assertThat(listed.get("data_keys")).hasSize(1);
    String keyText = Files.readString(keyFile);
    String keyBytes = keyText.substring(keyText.indexOf("aes-256=") + 8, keyText.indexOf('\n', keyText.indexOf("aes-256=")));
    assertThat(coffer("keys", "list", "--data", data.toString()).out()).contains(first).doesNotContain(keyBytes);

    CliTest.Run rotated = coffer("keys", "rotate", "--data", data.toString(), "--json");
    assertThat(rotated.status()).as(rotated.err()).isZero();
    String second = rotated.json().get("new_master_key").asText();
    assertThat(second).isNotEqualTo(first);
    assertThat(rotated.json().get("new_data_key").asInt()).isEqualTo(2);

    JsonNode after = coffer("keys", "list", "--data", data.toString(), "--json").json();
    assertThat(after.get("master_keys")).hasSize(2);
    assertThat(after.get("data_keys")).hasSize(2);
    // old content still reads, new content goes under data key 2, the rotation is an audit record
    CliTest.Run search = coffer("search", "Bund", "--data", data.toString(), "--json");
    assertThat(search.status()).as(search.err()).isZero();
    assertThat(search.json().get("total").asLong()).isEqualTo(1);
    CliTest.Run audit = coffer("search", "", "--kind", "audit", "--data", data.toString(), "--json");
    assertThat(audit.out()).contains("keys.rotate");
    assertThat(coffer("verify", "--data", data.toString()).status()).isZero();

    assertThat(coffer("keys", "retire", second, "--data", data.toString()).status()).isEqualTo(Coffer.USAGE);
    CliTest.Run retired = coffer("keys", "retire", first, "--data", data.toString());
    assertThat(retired.status()).as(retired.err()).isZero();
    assertThat(keyFile).doesNotExist();
    assertThat(coffer("verify", "--data", data.toString()).status()).isZero();

    // without the master key: a clear refusal naming the key and where it was expected
    Path current = data.resolve("keys").resolve("master-" + second + ".key");
    Files.move(current, tmp.resolve("backup.key"));
    CliTest.Run refused = coffer("search", "Bund", "--data", data.toString());
    assertThat(refused.status()).isEqualTo(Coffer.FAILED);
    assertThat(refused.err()).contains(second).contains("COFFER_MASTER_KEY_FILE").contains(data.resolve("keys").toString());
    CliTest.Run verify = coffer("verify", "--data", data.toString());
    assertThat(verify.status()).isEqualTo(Coffer.FAILED);
    assertThat(verify.out()).contains("cannot decrypt the archive").contains(second);

    // a key made outside the archive can become the current one
    Files.move(tmp.resolve("backup.key"), current);
    Path outside = tmp.resolve("outside.key");
    CliTest.Run made = coffer("keys", "new", "--out", outside.toString(), "--json");
    assertThat(made.status()).as(made.err()).isZero();
    CliTest.Run toOutside = coffer("keys", "rotate", "--new-key-file", outside.toString(), "--data", data.toString(), "--json");
    assertThat(toOutside.status()).as(toOutside.err()).isZero();
    assertThat(toOutside.json().get("new_master_key").asText()).isEqualTo(made.json().get("id").asText());
    // that key is not in <data>/keys: opening now needs $COFFER_MASTER_KEY_FILE
    CliTest.Run needsEnv = coffer("search", "Bund", "--data", data.toString());
    assertThat(needsEnv.status()).isEqualTo(Coffer.FAILED);
    assertThat(needsEnv.err()).contains(made.json().get("id").asText());
  }
}
