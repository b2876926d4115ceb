package dev.coffer.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.coffer.connectors.whatsapp.cloud.CloudApiSignature;
import dev.coffer.model.Attachment;
import dev.coffer.model.Completion;
import dev.coffer.model.Digests;
import dev.coffer.model.Message;
import dev.coffer.model.Record;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Media never holds up the acknowledgement: the message is archived with its attachment pending and
 * answered 200 while the Graph API is failing; the queue retries and a completion record follows.
 * A real local HTTP server plays the Graph API.
 */
class WhatsAppMediaTest {
  static final String TOKEN = "graph-access-token-for-tests";
  static final byte[] PHOTO = "not really a jpeg, but bytes with a digest".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;
  HttpServer graph;
  final AtomicInteger lookups = new AtomicInteger();

  @BeforeEach
  void graphApi() throws Exception {
    graph = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    String hex = Digests.sha256Hex(PHOTO);
    graph.createContext("/v21.0/", ex -> {
      try (ex) {
        if (!("Bearer " + TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
          ex.sendResponseHeaders(401, -1);
          return;
        }
        String path = ex.getRequestURI().getPath();
        byte[] out;
        if (path.equals("/v21.0/media-771")) {
          if (lookups.incrementAndGet() == 1) {
            ex.sendResponseHeaders(503, -1); // the API fails at first: the webhook is answered regardless
            return;
          }
          out = ("{\"messaging_product\":\"whatsapp\",\"url\":\"http://127.0.0.1:" + graph.getAddress().getPort()
              + "/v21.0/download/media-771\",\"mime_type\":\"image/jpeg\",\"sha256\":\"" + hex + "\",\"file_size\":"
              + PHOTO.length + ",\"id\":\"media-771\"}").getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().set("Content-Type", "application/json");
        } else if (path.equals("/v21.0/download/media-771")) {
          out = PHOTO;
          ex.getResponseHeaders().set("Content-Type", "image/jpeg");
        } else {
          ex.sendResponseHeaders(404, -1);
          return;
        }
        ex.sendResponseHeaders(200, out.length);
        ex.getResponseBody().write(out);
      }
    });
    graph.start();
  }

  @AfterEach
  void stop() {
    graph.stop(0);
  }

  @Test
  void anImageIsAcknowledgedAtOnceAndCompletedLater() throws Exception {
    String b64 = Base64.getEncoder().encodeToString(Digests.sha256(PHOTO));
    byte[] body = ("""
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{
        "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
        "contacts":[{"profile":{"name":"Kerry Fisher"},"wa_id":"16505551234"}],
        "messages":[{"from":"16505551234","id":"wamid.img1","timestamp":"1764000000","type":"image",
        "image":{"id":"media-771","mime_type":"image/jpeg","sha256":"%s","caption":"the signed term sheet"}}]},
        "field":"messages"}]}]}""").formatted(b64).getBytes(StandardCharsets.UTF_8);
    try (ServerFixture f = ServerFixture.start(dir, Map.of("whatsapp.app-secret", WhatsAppEndpointTest.APP_SECRET,
        "whatsapp.verify-token", WhatsAppEndpointTest.VERIFY_TOKEN, "whatsapp.access-token", TOKEN,
        "whatsapp.graph-url", "http://127.0.0.1:" + graph.getAddress().getPort() + "/v21.0"))) {
      HttpResponse<String> r = f.post(WhatsAppEndpoint.PATH, body, Map.of("X-Hub-Signature-256",
          CloudApiSignature.sign(body, WhatsAppEndpointTest.APP_SECRET.getBytes(StandardCharsets.UTF_8))));
      assertThat(r.statusCode()).isEqualTo(200);
      Message m = (Message) f.records().get(0);
      assertThat(m.attachmentList()).singleElement().matches(Attachment::pending);

      // Liveness bound, not a timing assertion.
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (f.records().size() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      List<Record> records = f.records();
      assertThat(records).hasSize(2);
      Completion c = (Completion) records.get(1);
      assertThat(c.target()).isEqualTo(m.id());
      assertThat(f.server.context().archive().hasBlob(Digests.sha256Hex(PHOTO))).isTrue();
      assertThat(lookups.get()).isGreaterThanOrEqualTo(2);
      assertThat(f.server.context().health().snapshot().get(WhatsAppEndpoint.CONNECTOR).mediaPending()).isZero();
    }
  }
}
