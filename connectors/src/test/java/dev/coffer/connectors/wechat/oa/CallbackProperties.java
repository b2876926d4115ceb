package dev.coffer.connectors.wechat.oa;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.model.Record;
import dev.coffer.model.RecordJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Combinators;

/** Whatever an authenticated sender posts, the callback answers with records and never throws. */
class CallbackProperties {
  static final Instant NOW = Instant.parse("2026-11-25T00:00:00Z");
  final OfficialAccountCallback plain = new OfficialAccountCallback(Requests.PLAIN);
  final OfficialAccountCallback safe = new OfficialAccountCallback(Requests.SAFE);

  @Property(tries = 300)
  void arbitraryBytesGiveAtLeastOneSerializableRecord(@ForAll byte[] body) throws Exception {
    check(plain.handle(Requests.plainQuery(), body, Requests.sha(body), NOW));
  }

  @Property(tries = 300)
  void xmlLikeBodiesGiveAtLeastOneRecord(@ForAll("xmlish") String xml) throws Exception {
    byte[] body = xml.getBytes(StandardCharsets.UTF_8);
    check(plain.handle(Requests.plainQuery(), body, Requests.sha(body), NOW));
  }

  @Property(tries = 200)
  void anythingEncryptedInSafeModeGivesAtLeastOneRecord(@ForAll("xmlish") String xml) throws Exception {
    String encrypt = Requests.encrypt(xml, Requests.APPID);
    byte[] body = Requests.safeBody("gh_p", encrypt);
    CallbackResult r = safe.handle(Requests.safeQuery(encrypt), body, Requests.sha(body), NOW);
    check(r);
    assertThat(new String(r.plaintext(), StandardCharsets.UTF_8)).isEqualTo(xml);
  }

  @Property(tries = 200)
  void encryptionRoundTrips(@ForAll byte[] message, @ForAll("ids") String appId) throws Exception {
    MessageCrypt crypt = new MessageCrypt(OfficialAccountConfig.aesKeyBytes(Requests.AES_KEY));
    MessageCrypt.Plain p = crypt.decrypt(crypt.encrypt(message, appId));
    assertThat(p.message()).isEqualTo(message);
    assertThat(p.receiveId()).isEqualTo(appId);
  }

  static void check(CallbackResult r) {
    assertThat(r.records()).isNotEmpty();
    for (Record rec : r.records()) {
      assertThat(RecordJson.parse(RecordJson.canonical(rec))).isEqualTo(rec);
    }
  }

  @Provide
  Arbitrary<String> ids() {
    return Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(24);
  }

  /** Callback-shaped XML with random element names, values, types, nesting and breakage. */
  @Provide
  Arbitrary<String> xmlish() {
    Arbitrary<String> name = Arbitraries.of("ToUserName", "FromUserName", "CreateTime", "MsgType",
        "Content", "MsgId", "Event", "EventKey", "MediaId", "Format", "Recognition", "Location_X",
        "Label", "Title", "Url", "Encrypt", "PicList", "item", "x");
    Arbitrary<String> value = Arbitraries.oneOf(
        Arbitraries.of("text", "image", "voice", "video", "shortvideo", "location", "link", "event",
            "subscribe", "CLICK", "1764028800", "-1", "99999999999999999999", "", "gh_a", "o_b"),
        Arbitraries.strings().ofMaxLength(20),
        Arbitraries.strings().withChars("<>&]]!CDATA[ ").ofMaxLength(12));
    Arbitrary<String> element = Combinators.combine(name, value, Arbitraries.integers().between(0, 3))
        .as((n, v, style) -> switch (style) {
          case 0 -> "<" + n + "><![CDATA[" + v + "]]></" + n + ">";
          case 1 -> "<" + n + ">" + v + "</" + n + ">";
          case 2 -> "<" + n + "><item><" + n + ">" + v + "</" + n + "></item></" + n + ">";
          default -> "<" + n + ">" + v;
        });
    return element.list().ofMaxSize(12).map(List::copyOf)
        .map(parts -> "<xml>" + String.join("", parts) + "</xml>");
  }
}
