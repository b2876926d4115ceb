package dev.coffer.connectors.whatsapp.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CloudApiConformanceTest {
  @TempDir Path dir;

  private int run(StringBuilder output) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int status = CloudApiConformance.run(dir, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    output.append(bytes.toString(StandardCharsets.UTF_8));
    return status;
  }

  @Test
  void readsSingleBodiesNamedBodiesAndMediaResponses() throws Exception {
    Files.copy(GoldenFixturesTest.DIR.resolve("statuses.json"), dir.resolve("statuses.json"));
    String text = Files.readString(GoldenFixturesTest.DIR.resolve("echoes.json"));
    String groups = Files.readString(GoldenFixturesTest.DIR.resolve("groups.json"));
    Files.writeString(dir.resolve("named.json"), "{\"echo\":" + text + ",\"group\":" + groups + "}");
    Files.writeString(dir.resolve("media.json"), "{\"url\":\"https://media.example.test/x\","
        + "\"mime_type\":\"image/png\",\"sha256\":\"" + "ab".repeat(32) + "\",\"id\":\"1\"}");
    StringBuilder out = new StringBuilder();
    assertThat(run(out)).isZero();
    assertThat(out.toString())
        .contains("PASS statuses.json: records {receipt=6, system=1}")
        .contains("PASS named.json#echo: records {delete=1, edit=1, message=2}")
        .contains("PASS named.json#group:")
        .contains("PASS media.json: Graph API media response")
        .contains("3 file(s), 3 webhook bod(ies)")
        .contains("0 failure(s)");
  }

  @Test
  void anUnparsedRecordOrAnUnreadableFileFailsTheRun() throws Exception {
    Files.copy(GoldenFixturesTest.DIR.resolve("account-and-unknown.json"), dir.resolve("a.json"));
    Files.writeString(dir.resolve("b.json"), "{not json");
    StringBuilder out = new StringBuilder();
    assertThat(run(out)).isEqualTo(1);
    assertThat(out.toString()).contains("FAIL a.json: records {system=2, unparsed=1}")
        .contains("a_field_from_the_future").contains("FAIL b.json: not JSON")
        .contains("2 failure(s)");
  }
}
