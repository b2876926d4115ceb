package dev.coffer.connectors.whatsapp.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.model.Record;
import dev.coffer.model.RecordJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Golden fixtures: each small export under {@code whatsapp-export/golden} has the records it must
 * give, as canonical JSON lines, next to it. Run with {@code -Dgolden.update=true} to rewrite the
 * expectations after a deliberate change (and read the diff).
 */
class GoldenFixturesTest {
  static final ZoneId ZONE = ZoneId.of("Europe/Berlin");

  @ParameterizedTest
  @ValueSource(strings = {"android-24h-dmy", "ios-12h-mdy", "de", "fr", "es", "it", "pt", "nl",
      "ru", "zh", "legacy-ios", "yyyy-mm-dd", "group-all-events", "mixed-formats"})
  void fixtureGivesItsRecords(String name) throws IOException {
    byte[] chat = resource("golden/" + name + ".txt");
    List<Record> records = Pipeline.records(chat, name, ZONE, "+15550100000", "Priya", null);
    String actual = records.stream()
        .map(r -> new String(RecordJson.canonical(r), StandardCharsets.UTF_8))
        .collect(Collectors.joining("\n", "", "\n"));
    Path expected = Path.of("src/test/resources/whatsapp-export/golden/" + name + ".expected.jsonl");
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(expected, actual);
    }
    assertThat(actual).isEqualTo(Files.readString(expected));
    long lines = new String(chat, StandardCharsets.UTF_8).lines().count();
    assertThat(records.stream().mapToInt(r -> lastLine(r)).max().orElse(0)).isEqualTo((int) lines);
  }

  static int lastLine(Record r) {
    String range = r.source().range();
    return Integer.parseInt(range.substring(range.indexOf('-') + 1));
  }

  static byte[] resource(String name) throws IOException {
    try (InputStream in = GoldenFixturesTest.class.getResourceAsStream("/whatsapp-export/" + name)) {
      if (in == null) {
        throw new IOException("missing test resource " + name);
      }
      return in.readAllBytes();
    }
  }
}
