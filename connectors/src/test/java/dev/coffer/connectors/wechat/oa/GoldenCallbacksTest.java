package dev.coffer.connectors.wechat.oa;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.model.Record;
import dev.coffer.model.RecordJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Golden fixtures: each body under {@code wechat-oa/golden} (our own data, one per message and event
 * type) goes through the callback twice — in plain mode and encrypted in safe mode — and must give
 * the canonical JSON next to it, with the same record ids both ways. Run with
 * {@code -Dgolden.update=true} to rewrite the expectations after a deliberate change (read the diff).
 */
class GoldenCallbacksTest {
  static final Instant RECEIVED = Instant.parse("2026-11-25T00:00:00Z");

  @ParameterizedTest
  @ValueSource(strings = {"text", "text-from-article", "image", "voice", "voice-recognition", "video",
      "shortvideo", "location", "link", "unknown-type", "event-subscribe", "event-subscribe-qrscene",
      "event-unsubscribe", "event-scan", "event-location", "event-click", "event-view",
      "event-scancode-push", "event-pic-sysphoto", "event-location-select",
      "event-templatesendjobfinish", "event-masssendjobfinish", "not-xml-root", "missing-from"})
  void fixtureGivesItsRecords(String name) throws Exception {
    byte[] body = resource(name + ".xml");
    CallbackResult plain = new OfficialAccountCallback(Requests.PLAIN)
        .handle(Requests.plainQuery(), body, Requests.sha(body), RECEIVED);
    String actual = plain.records().stream()
        .map(r -> new String(RecordJson.canonical(r), StandardCharsets.UTF_8))
        .collect(Collectors.joining("\n", "", "\n"));
    Path expected = Path.of("src/test/resources/wechat-oa/golden/" + name + ".expected.jsonl");
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(expected, actual);
    }
    assertThat(actual).isEqualTo(Files.readString(expected));
    for (Record r : plain.records()) {
      assertThat(RecordJson.parse(RecordJson.canonical(r))).isEqualTo(r);
    }

    String encrypt = Requests.encrypt(new String(body, StandardCharsets.UTF_8), Requests.APPID);
    byte[] safeBody = Requests.safeBody("gh_c0ffee000001", encrypt);
    CallbackResult safe = new OfficialAccountCallback(Requests.SAFE)
        .handle(Requests.safeQuery(encrypt), safeBody, Requests.sha(safeBody), RECEIVED);
    assertThat(safe.records()).extracting(Record::id)
        .containsExactlyElementsOf(plain.records().stream().map(Record::id).toList());
    assertThat(safe.plaintext()).isEqualTo(body);
  }

  static byte[] resource(String name) throws IOException {
    try (InputStream in = GoldenCallbacksTest.class.getResourceAsStream("/wechat-oa/golden/" + name)) {
      if (in == null) {
        throw new IOException("missing test resource " + name);
      }
      return in.readAllBytes();
    }
  }
}
