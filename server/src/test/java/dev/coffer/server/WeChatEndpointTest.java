package dev.coffer.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.connectors.wechat.oa.OfficialAccountCallback;
import dev.coffer.connectors.wechat.oa.OfficialAccountConfig;
import dev.coffer.model.Digests;
import dev.coffer.model.Message;
import dev.coffer.model.Record;
import dev.coffer.model.Unparsed;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /capture/wechat} over real HTTP, with requests signed the way WeChat signs them. */
class WeChatEndpointTest {
  static final String TOKEN = "coffertesttoken";
  static final String AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aQ";
  static final String APPID = "wx5823bf96d3bd56c7";

  @TempDir Path dir;
  ServerFixture f;

  @BeforeEach
  void start() throws Exception {
    f = ServerFixture.start(dir, Map.of("wechat.token", TOKEN, "wechat.aes-key", AES_KEY, "wechat.appid", APPID,
        "limits.max-body-bytes", "65536"));
  }

  @AfterEach
  void stop() throws Exception {
    f.close();
  }

  static String sha1(String... parts) throws Exception {
    String[] p = parts.clone();
    Arrays.sort(p);
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(String.join("", p)
        .getBytes(StandardCharsets.UTF_8)));
  }

  static String text(String from, long msgId, String content) {
    return "<xml><ToUserName><![CDATA[gh_0a1b2c3d4e5f]]></ToUserName><FromUserName><![CDATA[" + from
        + "]]></FromUserName><CreateTime>1764000000</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        + "<Content><![CDATA[" + content + "]]></Content><MsgId>" + msgId + "</MsgId></xml>";
  }

  String plainQuery(String ts, String nonce) throws Exception {
    return "?signature=" + sha1(TOKEN, ts, nonce) + "&timestamp=" + ts + "&nonce=" + nonce + "&openid=oUser1";
  }

  HttpResponse<String> postPlain(String xml) throws Exception {
    return f.post(WeChatEndpoint.PATH + plainQuery("1764000001", "n0nce1"), xml.getBytes(StandardCharsets.UTF_8),
        Map.of("Content-Type", "text/xml"));
  }

  @Test
  void urlVerificationEchoesOnlyForTheRightSignature() throws Exception {
    String ok = f.get(WeChatEndpoint.PATH + plainQuery("1764000000", "abc") + "&echostr=echo-4711").body();
    assertThat(ok).isEqualTo("echo-4711");
    HttpResponse<String> bad = f.get(WeChatEndpoint.PATH + "?signature=" + sha1("wrong", "1764000000", "abc")
        + "&timestamp=1764000000&nonce=abc&echostr=echo-4711");
    assertThat(bad.statusCode()).isEqualTo(401);
    assertThat(bad.body()).doesNotContain("echo-4711");
    assertThat(f.server.context().health().snapshot().get(WeChatEndpoint.CONNECTOR).signatureFailures()).isEqualTo(1);
  }

  @Test
  void aPlainMessageIsArchivedWithItsBodyBeforeSuccessAndRetriesAreArchivedOnce() throws Exception {
    String xml = text("oUser1", 6200000000000000001L, "报价明天更新 👍");
    HttpResponse<String> r = postPlain(xml);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("success");
    List<Record> records = f.records();
    assertThat(records).hasSize(1);
    Message m = (Message) records.get(0);
    assertThat(m.text()).isEqualTo("报价明天更新 👍");
    assertThat(m.channel()).isEqualTo("wechat");
    String bodyDigest = Digests.sha256Hex(xml.getBytes(StandardCharsets.UTF_8));
    assertThat(m.source().raw()).isEqualTo(bodyDigest);
    assertThat(f.server.context().archive().hasBlob(bodyDigest)).isTrue();

    // WeChat retries up to three times when it does not hear back in time: one record.
    for (int i = 0; i < 3; i++) {
      assertThat(postPlain(xml).statusCode()).isEqualTo(200);
    }
    assertThat(f.records()).hasSize(1);
    CaptureHealth.ConnectorStatus s = f.server.context().health().snapshot().get(WeChatEndpoint.CONNECTOR);
    assertThat(s.records()).isEqualTo(1);
    assertThat(s.duplicates()).isEqualTo(3);
    assertThat(s.lastRecord()).isNotNull();
  }

  @Test
  void aBadOrMissingSignatureIsRefusedAndNothingIsKept() throws Exception {
    byte[] xml = text("oUser1", 6200000000000000002L, "should not be kept").getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> bad = f.post(WeChatEndpoint.PATH + "?signature=" + sha1("nottoken", "1", "2")
        + "&timestamp=1&nonce=2", xml, Map.of());
    assertThat(bad.statusCode()).isEqualTo(401);
    HttpResponse<String> missing = f.post(WeChatEndpoint.PATH + "?timestamp=1&nonce=2", xml, Map.of());
    assertThat(missing.statusCode()).isEqualTo(401);
    assertThat(f.records()).isEmpty();
    assertThat(f.server.context().archive().hasBlob(Digests.sha256Hex(xml))).isFalse();
    assertThat(f.server.context().health().snapshot().get(WeChatEndpoint.CONNECTOR).signatureFailures()).isEqualTo(2);
  }

  @Test
  void aSafeModeMessageIsDecryptedAndBothOriginalsAreKept() throws Exception {
    OfficialAccountCallback wechat = new OfficialAccountCallback(new OfficialAccountConfig(TOKEN, AES_KEY, APPID));
    String inner = text("oUser2", 6200000000000000003L, "safe mode hello");
    String sealed = wechat.encryptReply(inner, "1764000002", "n0nce2");
    String encrypt = field(sealed, "Encrypt");
    String signature = field(sealed, "MsgSignature");
    String body = "<xml><ToUserName><![CDATA[gh_0a1b2c3d4e5f]]></ToUserName><Encrypt><![CDATA[" + encrypt
        + "]]></Encrypt></xml>";
    String q = "?signature=" + sha1(TOKEN, "1764000002", "n0nce2") + "&timestamp=1764000002&nonce=n0nce2"
        + "&encrypt_type=aes&msg_signature=" + URLEncoder.encode(signature, StandardCharsets.UTF_8);
    HttpResponse<String> r = f.post(WeChatEndpoint.PATH + q, body.getBytes(StandardCharsets.UTF_8), Map.of());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("success");
    Message m = (Message) f.records().get(0);
    assertThat(m.text()).isEqualTo("safe mode hello");
    assertThat(f.server.context().archive().hasBlob(Digests.sha256Hex(body.getBytes(StandardCharsets.UTF_8)))).isTrue();
    assertThat(f.server.context().archive().hasBlob(m.source().raw())).isTrue();
  }

  @Test
  void malformedXmlWithAGoodSignatureIsKeptAsUnparsedAndAcknowledged() throws Exception {
    // Decision (REQUIREMENTS: nothing lost): an authenticated body that does not read is archived with a
    // diagnostic and acknowledged, so WeChat does not retry what will never read better.
    HttpResponse<String> r = postPlain("<xml><MsgType>text</MsgType><Content>unclosed");
    assertThat(r.statusCode()).isEqualTo(200);
    List<Record> records = f.records();
    assertThat(records).hasSize(1).first().isInstanceOf(Unparsed.class);
    assertThat(((Unparsed) records.get(0)).diagnostic()).isNotBlank();
  }

  static String field(String xml, String name) {
    Matcher m = Pattern.compile("<" + name + ">(?:<!\\[CDATA\\[)?(.*?)(?:]]>)?</" + name + ">").matcher(xml);
    assertThat(m.find()).isTrue();
    return m.group(1);
  }
}
