package dev.coffer.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.connectors.whatsapp.cloud.CloudApiSignature;
import dev.coffer.model.Digests;
import dev.coffer.model.Message;
import dev.coffer.model.Receipt;
import dev.coffer.model.Record;
import dev.coffer.model.Unparsed;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /capture/whatsapp} over real HTTP, with bodies signed the way Meta signs them. */
class WhatsAppEndpointTest {
  static final String APP_SECRET = "test-app-secret-6c1f";
  static final String VERIFY_TOKEN = "verify-me-please";

  @TempDir Path dir;
  ServerFixture f;

  @BeforeEach
  void start() throws Exception {
    f = ServerFixture.start(dir, Map.of("whatsapp.app-secret", APP_SECRET, "whatsapp.verify-token", VERIFY_TOKEN));
  }

  @AfterEach
  void stop() throws Exception {
    f.close();
  }

  /** A text message from a customer to the business number, in the Cloud API envelope. */
  static String textMessage(String wamid, String text, long timestamp) {
    return """
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{
        "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
        "contacts":[{"profile":{"name":"Kerry Fisher"},"wa_id":"16505551234"}],
        "messages":[{"from":"16505551234","id":"%s","timestamp":"%d","type":"text","text":{"body":"%s"}}]},
        "field":"messages"}]}]}""".formatted(wamid, timestamp, text);
  }

  static String status(String wamid, String status, long timestamp) {
    return """
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{
        "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
        "statuses":[{"id":"%s","status":"%s","timestamp":"%d","recipient_id":"16505551234"}]},
        "field":"messages"}]}]}""".formatted(wamid, status, timestamp);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  HttpResponse<String> signedPost(byte[] body) throws Exception {
    return f.post(WhatsAppEndpoint.PATH, body, Map.of("Content-Type", "application/json",
        "X-Hub-Signature-256", CloudApiSignature.sign(body, utf8(APP_SECRET))));
  }

  @Test
  void theSubscriptionHandshakeEchoesTheChallengeOnlyForTheVerifyToken() throws Exception {
    HttpResponse<String> ok = f.get(WhatsAppEndpoint.PATH + "?hub.mode=subscribe&hub.verify_token=" + VERIFY_TOKEN
        + "&hub.challenge=1158201444");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("1158201444");
    assertThat(f.get(WhatsAppEndpoint.PATH + "?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1")
        .statusCode()).isEqualTo(403);
    assertThat(f.get(WhatsAppEndpoint.PATH + "?hub.mode=unsubscribe&hub.verify_token=" + VERIFY_TOKEN
        + "&hub.challenge=1").statusCode()).isEqualTo(403);
    assertThat(f.get(WhatsAppEndpoint.PATH).statusCode()).isEqualTo(403);
  }

  @Test
  void aSignedMessageIsArchivedWithItsRawBodyBeforeThe200() throws Exception {
    // Non-ASCII as Meta sends it: the signature is over the raw bytes, escapes and all.
    byte[] body = utf8(textMessage("wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTdGQjE", "Caf\\u00e9 at 3? \u2615", 1764000000));
    HttpResponse<String> r = signedPost(body);
    assertThat(r.statusCode()).isEqualTo(200);
    List<Record> records = f.records();
    assertThat(records).hasSize(1);
    Message m = (Message) records.get(0);
    assertThat(m.text()).isEqualTo("Café at 3? \u2615");
    assertThat(m.sender().handle()).isEqualTo("+16505551234");
    assertThat(m.source().raw()).isEqualTo(Digests.sha256Hex(body));
    assertThat(f.server.context().archive().hasBlob(Digests.sha256Hex(body))).isTrue();
  }

  @Test
  void badAndMissingSignaturesGet401AndNothingIsKept() throws Exception {
    byte[] body = utf8(textMessage("wamid.forged", "transfer now", 1764000000));
    HttpResponse<String> missing = f.post(WhatsAppEndpoint.PATH, body, Map.of("Content-Type", "application/json"));
    assertThat(missing.statusCode()).isEqualTo(401);
    HttpResponse<String> wrongKey = f.post(WhatsAppEndpoint.PATH, body,
        Map.of("X-Hub-Signature-256", CloudApiSignature.sign(body, utf8("not-the-secret"))));
    assertThat(wrongKey.statusCode()).isEqualTo(401);
    byte[] tampered = utf8(textMessage("wamid.forged", "transfer NOW", 1764000000));
    HttpResponse<String> otherBody = f.post(WhatsAppEndpoint.PATH, tampered,
        Map.of("X-Hub-Signature-256", CloudApiSignature.sign(body, utf8(APP_SECRET))));
    assertThat(otherBody.statusCode()).isEqualTo(401);
    HttpResponse<String> garbage = f.post(WhatsAppEndpoint.PATH, body, Map.of("X-Hub-Signature-256", "sha256=zz"));
    assertThat(garbage.statusCode()).isEqualTo(401);
    assertThat(f.records()).isEmpty();
    assertThat(f.server.context().archive().hasBlob(Digests.sha256Hex(body))).isFalse();
    assertThat(f.server.context().archive().hasBlob(Digests.sha256Hex(tampered))).isFalse();
    assertThat(f.server.context().health().snapshot().get(WhatsAppEndpoint.CONNECTOR).signatureFailures()).isEqualTo(4);
  }

  @Test
  void redeliveriesAndOutOfOrderStatusesAreArchivedOnceEach() throws Exception {
    String wamid = "wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI5QTNDQTVCM0Q0";
    byte[] read = utf8(status(wamid, "read", 1764000300));
    byte[] delivered = utf8(status(wamid, "delivered", 1764000200));
    byte[] sent = utf8(status(wamid, "sent", 1764000100));
    for (byte[] b : List.of(read, delivered, read, sent, delivered, sent, read)) {
      assertThat(signedPost(b).statusCode()).isEqualTo(200);
    }
    List<Record> records = f.records();
    assertThat(records).hasSize(3).allMatch(r -> r instanceof Receipt);
    assertThat(records).extracting(r -> ((Receipt) r).status().toString().toLowerCase())
        .containsExactly("read", "delivered", "sent");
    // The same message delivered again in a differently formatted envelope is still one record.
    byte[] msg = utf8(textMessage("wamid.dup1", "hello", 1764000400));
    byte[] reformatted = utf8(textMessage("wamid.dup1", "hello", 1764000400).replace("\n", ""));
    assertThat(signedPost(msg).statusCode()).isEqualTo(200);
    assertThat(signedPost(reformatted).statusCode()).isEqualTo(200);
    assertThat(f.records()).hasSize(4);
    CaptureHealth.ConnectorStatus s = f.server.context().health().snapshot().get(WhatsAppEndpoint.CONNECTOR);
    assertThat(s.records()).isEqualTo(4);
    assertThat(s.duplicates()).isEqualTo(5);
  }

  @Test
  void malformedJsonWithAGoodSignatureIsArchivedAsUnparsedAndAcknowledged() throws Exception {
    // Decision: the sender proved who it is; what it sent is evidence even when unreadable, and a non-2xx
    // answer would only make Meta retry the same bytes. So: unparsed record with a diagnostic, then 200.
    byte[] body = utf8("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[");
    assertThat(signedPost(body).statusCode()).isEqualTo(200);
    List<Record> records = f.records();
    assertThat(records).hasSize(1).first().isInstanceOf(Unparsed.class);
    assertThat(((Unparsed) records.get(0)).diagnostic()).isNotBlank();
    assertThat(f.server.context().archive().hasBlob(Digests.sha256Hex(body))).isTrue();
  }
}
