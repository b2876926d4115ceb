package dev.coffer.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coffer.connectors.whatsapp.cloud.CloudApiSignature;
import dev.coffer.model.Audit;
import dev.coffer.model.Record;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureStatusTest {
  @TempDir Path dir;
  static final ObjectMapper JSON = new ObjectMapper();

  static Map<String, String> whatsApp(String... more) {
    Map<String, String> m = new java.util.HashMap<>(Map.of("whatsapp.app-secret", WhatsAppEndpointTest.APP_SECRET,
        "whatsapp.verify-token", WhatsAppEndpointTest.VERIFY_TOKEN));
    for (int i = 0; i < more.length; i += 2) {
      m.put(more[i], more[i + 1]);
    }
    return m;
  }

  @Test
  void statusShowsPerConnectorHealthToLoopbackCallersWithoutAToken() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir, whatsApp())) {
      byte[] body = WhatsAppEndpointTest.textMessage("wamid.status1", "hi", 1764000000).getBytes(StandardCharsets.UTF_8);
      f.post(WhatsAppEndpoint.PATH, body, Map.of("X-Hub-Signature-256",
          CloudApiSignature.sign(body, WhatsAppEndpointTest.APP_SECRET.getBytes(StandardCharsets.UTF_8))));
      f.post(WhatsAppEndpoint.PATH, body, Map.of("X-Hub-Signature-256", "sha256=" + "0".repeat(64)));
      HttpResponse<String> r = f.get(CaptureStatus.PATH);
      assertThat(r.statusCode()).isEqualTo(200);
      JsonNode s = JSON.readTree(r.body());
      assertThat(s.path("status").asText()).isEqualTo("ok");
      assertThat(s.path("archive_records").asLong()).isEqualTo(1);
      JsonNode wa = s.path("connectors").path(WhatsAppEndpoint.CONNECTOR);
      assertThat(wa.path("records").asLong()).isEqualTo(1);
      assertThat(wa.path("signature_failures").asLong()).isEqualTo(1);
      assertThat(wa.path("last_record").isTextual()).isTrue();
      assertThat(r.body()).doesNotContain("hi\"").doesNotContain("16505551234").doesNotContain(WhatsAppEndpointTest.APP_SECRET);
    }
  }

  @Test
  void withATokenStatusAndMetricsNeedIt() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir, whatsApp("status.token", "st-token-1", "metrics.port", "0"))) {
      assertThat(f.get(CaptureStatus.PATH).statusCode()).isEqualTo(401);
      HttpResponse<String> ok = f.http.send(HttpRequest.newBuilder(f.uri(CaptureStatus.PATH))
          .header("Authorization", "Bearer st-token-1").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(ok.statusCode()).isEqualTo(200);
      URI metrics = URI.create("http://127.0.0.1:" + f.server.metricsPort() + "/metrics");
      assertThat(f.http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(401);
      HttpResponse<String> m = f.http.send(HttpRequest.newBuilder(metrics).header("Authorization", "Bearer st-token-1")
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(m.statusCode()).isEqualTo(200);
      assertThat(m.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
      assertThat(m.body()).contains("# TYPE coffer_capture_records_total counter")
          .contains("coffer_capture_records_total{connector=\"whatsapp-cloud-api\"} 0")
          .contains("coffer_archive_records 0");
    }
  }

  @Test
  void metricsAreOffByDefaultAndMayNotListenBeyondLoopbackWithoutAToken() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir, whatsApp())) {
      assertThat(f.server.metricsPort()).isEqualTo(-1);
    }
    assertThatThrownBy(() -> ServerConfig.load(null, Map.of("COFFER_METRICS_PORT", "9100", "COFFER_METRICS_HOST",
        "0.0.0.0"), Map.of())).hasMessageContaining("metrics.host (COFFER_METRICS_HOST) is not a loopback address");
  }

  @Test
  void aSilentConnectorRaisesOneAlertLoggedAndArchived() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir, whatsApp("silence.whatsapp-cloud-api", "300ms"))) {
      // Liveness bound, not a timing assertion: the watch runs every 75 ms.
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (f.server.context().archive().size() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      Record r = f.records().get(0);
      assertThat(r).isInstanceOf(Audit.class);
      Audit a = (Audit) r;
      assertThat(a.action()).isEqualTo(CaptureStatus.ALERT_ACTION);
      assertThat(a.detail()).containsEntry("connector", WhatsAppEndpoint.CONNECTOR);
      Thread.sleep(400);
      assertThat(f.records()).hasSize(1); // once per silence, not once per check
      JsonNode s = JSON.readTree(f.get(CaptureStatus.PATH).body());
      assertThat(s.path("status").asText()).isEqualTo("alert");
      assertThat(s.path("connectors").path(WhatsAppEndpoint.CONNECTOR).path("silent").asBoolean()).isTrue();
      assertThat(s.path("connectors").path(WhatsAppEndpoint.CONNECTOR).path("alerts").asLong()).isEqualTo(1);
    }
  }
}
