package dev.coffer.connectors.whatsapp.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.model.Digests;
import dev.coffer.model.Record;
import dev.coffer.model.RecordJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden fixtures: each {@code golden/NAME.json} is a webhook body written for these tests (modelled
 * on the formats in the corpus notes, with our own data); {@code NAME.expected.jsonl} is what it must
 * become, one line per record (canonical bytes), then one line per media reference, history chunk,
 * contact change and diagnostic. Run with {@code -Dgolden.write=true} to rewrite the expected files
 * after a deliberate change, then review the diff.
 */
class GoldenFixturesTest {
  static final Path DIR = Path.of("src/test/resources/whatsapp-cloud/golden");
  static final Instant RECEIVED = Instant.parse("2026-03-02T12:00:00Z");

  static Stream<String> fixtures() throws IOException {
    try (Stream<Path> s = Files.list(DIR)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
          .map(n -> n.substring(0, n.length() - 5)).sorted().toList().stream();
    }
  }

  static List<String> render(WebhookParse p) throws IOException {
    List<String> lines = new ArrayList<>();
    for (Record r : p.records()) {
      lines.add(new String(RecordJson.canonical(r), StandardCharsets.UTF_8));
    }
    for (MediaRef m : p.media()) {
      lines.add(RecordJson.mapper().writeValueAsString(Map.of("media", m)));
    }
    for (HistoryChunk h : p.history()) {
      lines.add(RecordJson.mapper().writeValueAsString(Map.of("history", h)));
    }
    for (ContactSync c : p.contacts()) {
      lines.add(RecordJson.mapper().writeValueAsString(Map.of("contact_sync", c)));
    }
    for (String d : p.diagnostics()) {
      lines.add(RecordJson.mapper().writeValueAsString(Map.of("diagnostic", d)));
    }
    return lines;
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void becomesExactlyTheExpectedRecords(String name) throws IOException {
    byte[] body = Files.readAllBytes(DIR.resolve(name + ".json"));
    WebhookParse p = CloudApiWebhook.parse(body, Digests.sha256Hex(body), RECEIVED);
    List<String> actual = render(p);
    Path expected = DIR.resolve(name + ".expected.jsonl");
    if (Boolean.getBoolean("golden.write")) {
      Files.writeString(expected, String.join("\n", actual) + "\n");
    }
    assertThat(actual).as(name).containsExactlyElementsOf(
        Files.readAllLines(expected, StandardCharsets.UTF_8));
    // Ids are the platform's, not the body's: the same items in another body get the same ids.
    byte[] other = (new String(body, StandardCharsets.UTF_8) + "\n ").getBytes(StandardCharsets.UTF_8);
    WebhookParse again = CloudApiWebhook.parse(other, Digests.sha256Hex(other), RECEIVED.plusSeconds(5));
    if (p.unparsedCount() == 0 || !name.equals("truncated")) {
      assertThat(again.records().stream().map(Record::id).toList())
          .isEqualTo(p.records().stream().map(Record::id).toList());
    }
  }
}
