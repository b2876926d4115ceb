package dev.coffer.connectors.whatsapp.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.model.Digests;
import dev.coffer.model.Message;
import dev.coffer.model.Record;
import dev.coffer.model.Unparsed;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CloudApiWebhookTest {
  static final Instant RECEIVED = Instant.parse("2026-03-02T10:00:00Z");

  static WebhookParse parse(String json) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    return CloudApiWebhook.parse(body, Digests.sha256Hex(body), RECEIVED);
  }

  static String envelope(String field, String value) {
    return """
        {"object":"whatsapp_business_account","entry":[{"id":"880011","changes":[{"field":"%s",
         "value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"442071838750",
         "phone_number_id":"5550001"},%s}}]}]}""".formatted(field, value);
  }

  @Test
  void malformedJsonIsOneUnparsedRecordWithTheBodyAndItsDigest() {
    WebhookParse p = parse("{\"object\": \"whatsapp_business_account\", \"entry\": [");
    assertThat(p.records()).singleElement().isInstanceOfSatisfying(Unparsed.class, u -> {
      assertThat(u.text()).startsWith("{\"object\"");
      assertThat(u.diagnostic()).startsWith("not JSON");
      assertThat(u.source().raw()).isEqualTo(Digests.sha256Hex(
          "{\"object\": \"whatsapp_business_account\", \"entry\": [".getBytes(StandardCharsets.UTF_8)));
      assertThat(u.sentAt()).isEqualTo(RECEIVED);
    });
    assertThat(p.diagnostics()).hasSize(1);
  }

  @Test
  void anEmptyEnvelopeStillLeavesARecord() {
    assertThat(parse("{\"object\":\"whatsapp_business_account\",\"entry\":[]}").records())
        .singleElement().isInstanceOf(Unparsed.class);
    assertThat(parse("[]").records()).singleElement().isInstanceOf(Unparsed.class);
    assertThat(parse("").records()).singleElement().isInstanceOf(Unparsed.class);
  }

  @Test
  void anInboundTextIsAMessageInTheCustomersConversationWithProvenance() {
    WebhookParse p = parse(envelope("messages", """
        "contacts":[{"profile":{"name":"Ines Alvarez"},"wa_id":"34612345678"}],
        "messages":[{"from":"34612345678","id":"wamid.T1","timestamp":"1772445600",
          "type":"text","text":{"body":"Can you confirm the trade?"}}]"""));
    Record r = p.records().getFirst();
    assertThat(r).isInstanceOfSatisfying(Message.class, m -> {
      assertThat(m.id()).isEqualTo(CloudIds.message("wamid.T1"));
      assertThat(m.text()).isEqualTo("Can you confirm the trade?");
      assertThat(m.sender().handle()).isEqualTo("+34612345678");
      assertThat(m.sender().name()).isEqualTo("Ines Alvarez");
      assertThat(m.recipients()).extracting(x -> x.handle()).containsExactly("+442071838750");
      assertThat(m.conversation().id()).isEqualTo(CloudIds.direct("5550001", "34612345678", null).id());
      assertThat(m.sentAt()).isEqualTo(Instant.ofEpochSecond(1772445600L));
      assertThat(m.source().nativeId()).isEqualTo("wamid.T1");
      assertThat(m.source().range()).isEqualTo("/entry/0/changes/0/value/messages/0");
    });
  }

  @Test
  void aTinyNumberWithAHugeExponentStaysTiny() {
    WebhookParse p = parse(envelope("messages", """
        "messages":[{"from":"34612345678","id":"wamid.L1","timestamp":"1772445600","type":"location",
          "location":{"latitude":1e999999999,"longitude":-2.5E-999999999}}]"""));
    assertThat(p.records()).singleElement().isInstanceOfSatisfying(Message.class, m -> {
      assertThat(m.location().latitude()).isEqualTo("1E+999999999");
      assertThat(m.location().longitude()).isEqualTo("-2.5E-999999999");
    });
  }

  @Test
  void coordinatesKeepTheSourcesDigits() {
    WebhookParse p = parse(envelope("messages", """
        "messages":[{"from":"34612345678","id":"wamid.L2","timestamp":"1772445600","type":"location",
          "location":{"latitude":51.50214569326172,"longitude":-0.120}}]"""));
    assertThat(p.records()).singleElement().isInstanceOfSatisfying(Message.class, m -> {
      assertThat(m.location().latitude()).isEqualTo("51.50214569326172");
      assertThat(m.location().longitude()).isEqualTo("-0.120");
    });
  }

  @Test
  void anUnknownFieldIsKeptVerbatim() {
    WebhookParse p = parse(envelope("brand_new_field", "\"thing\":{\"a\":1}"));
    assertThat(p.records()).singleElement().isInstanceOfSatisfying(Unparsed.class,
        u -> assertThat(u.diagnostic()).contains("brand_new_field"));
  }
}
