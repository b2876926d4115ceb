package dev.coffer.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.archive.verify.VerificationSchedule;
import dev.coffer.connectors.whatsapp.cloud.CloudApiSignature;
import dev.coffer.model.Audit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server runs scheduled verification (and, when configured, disposition) and shows its figures. */
class HousekeepingTest {
  @TempDir Path dir;

  @Test
  void aCorruptedSegmentIsAlertedByTheRunningServerWithinACycle() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir, CaptureStatusTest.whatsApp("verify.cycle", "1s"))) {
      byte[] body = WhatsAppEndpointTest.textMessage("wamid.hk1", "kept", 1764000000).getBytes(StandardCharsets.UTF_8);
      assertThat(f.post(WhatsAppEndpoint.PATH, body, Map.of("X-Hub-Signature-256",
          CloudApiSignature.sign(body, WhatsAppEndpointTest.APP_SECRET.getBytes(StandardCharsets.UTF_8))))
          .statusCode()).isEqualTo(200);
      Path segment = firstSegment();
      byte[] bytes = Files.readAllBytes(segment);
      bytes[bytes.length / 2] ^= 0x40;
      Files.write(segment, bytes);

      // Liveness bound, not a timing assertion: cycles start every second.
      long deadline = System.nanoTime() + 60_000_000_000L;
      JsonNode archive = null;
      var a = f.server.context().archive();
      while (System.nanoTime() < deadline) {
        archive = CaptureStatusTest.JSON.readTree(f.get(CaptureStatus.PATH).body()).path("archive");
        // the alert is counted before its audit record is appended: wait for both
        if (archive.path("verify_alerts").asLong() > 0
            && a.get(a.size()).map(r -> r.record()).orElse(null) instanceof Audit last
            && last.action().equals(VerificationSchedule.ACTION)) {
          break;
        }
        Thread.sleep(200);
      }
      assertThat(archive.path("verify_alerts").asLong()).isEqualTo(1);
      assertThat(archive.path("verify_damaged_objects").asLong()).isEqualTo(1);
      // The alert's audit record follows the damaged segment (which can no longer be read in a scan).
      List<String> actions = new java.util.ArrayList<>();
      for (long serial = a.size(); serial > 1; serial--) {
        if (a.get(serial).map(r -> r.record()).orElse(null) instanceof Audit audit) {
          actions.add(audit.action());
        } else {
          break;
        }
      }
      assertThat(actions).containsOnlyOnce(VerificationSchedule.ACTION);
    }
  }

  @Test
  void verificationCanBeTurnedOffAndDispositionIsOffByDefault() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir, CaptureStatusTest.whatsApp("verify.cycle", "off"))) {
      JsonNode archive = CaptureStatusTest.JSON.readTree(f.get(CaptureStatus.PATH).body()).path("archive");
      assertThat(archive.path("verify").asText()).isEqualTo("off");
      assertThat(archive.path("disposition").asText()).isEqualTo("off");
    }
  }

  @Test
  void badScheduleSettingsNameTheSetting() {
    assertThatThrownBy(() -> ServerConfig.load(null, Map.of(), Map.of("data", dir.toString(), "verify.cycle", "soon")))
        .hasMessageContaining("verify.cycle (COFFER_VERIFY_CYCLE)");
    assertThatThrownBy(() -> ServerConfig.load(null, Map.of(), Map.of("data", dir.toString(), "dispose.every", "0s")))
        .hasMessageContaining("dispose.every");
    assertThatThrownBy(() -> ServerConfig.load(null, Map.of(), Map.of("data", dir.toString(), "verify.bytes-per-second", "10")))
        .hasMessageContaining("verify.bytes-per-second");
  }

  private Path firstSegment() throws IOException {
    try (Stream<Path> s = Files.walk(dir.resolve("objects/segments"))) {
      List<Path> segs = s.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
      return segs.get(0);
    }
  }
}
