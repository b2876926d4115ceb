package dev.coffer.connectors.wechat.oa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.connectors.wechat.oa.WeChatSignatureException.Reason;
import dev.coffer.model.Message;
import dev.coffer.model.Record;
import dev.coffer.model.SystemEvent;
import dev.coffer.model.Unparsed;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OfficialAccountCallbackTest {
  static final Instant NOW = Instant.parse("2026-11-25T00:00:00Z");
  static final String TEXT = "<xml><ToUserName><![CDATA[gh_c0ffee]]></ToUserName>"
      + "<FromUserName><![CDATA[oUserOpenId1]]></FromUserName><CreateTime>1764028800</CreateTime>"
      + "<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[保证收益 guaranteed]]></Content>"
      + "<MsgId>7000000000000000001</MsgId></xml>";

  final OfficialAccountCallback safe = new OfficialAccountCallback(Requests.SAFE);
  final OfficialAccountCallback plain = new OfficialAccountCallback(Requests.PLAIN);

  @Test
  void urlVerificationReturnsEchostr() throws Exception {
    Map<String, String> q = Requests.plainQuery();
    q.put("echostr", "4823717829071");
    assertThat(plain.verifyUrl(q)).isEqualTo("4823717829071");
    assertThat(safe.verifyUrl(q)).isEqualTo("4823717829071");
  }

  @Test
  void urlVerificationWithAWrongSignatureIsRefused() {
    Map<String, String> q = Requests.plainQuery();
    q.put("echostr", "1");
    q.put("signature", "0".repeat(40));
    assertThatThrownBy(() -> plain.verifyUrl(q)).isInstanceOf(WeChatSignatureException.class)
        .extracting(e -> ((WeChatSignatureException) e).reason()).isEqualTo(Reason.BAD_SIGNATURE);
    Map<String, String> none = Requests.plainQuery();
    none.remove("signature");
    none.put("echostr", "1");
    assertThatThrownBy(() -> plain.verifyUrl(none))
        .extracting(e -> ((WeChatSignatureException) e).reason()).isEqualTo(Reason.MISSING_PARAMETER);
  }

  @Test
  void encryptedEchostrIsDecrypted() throws Exception {
    String echostr = Requests.encrypt("echo-31415", Requests.APPID);
    Map<String, String> q = Requests.safeQuery(echostr);
    q.put("echostr", echostr);
    q.put("msg_signature", MessageCrypt.signature(Requests.TOKEN, Requests.TIMESTAMP, Requests.NONCE, echostr));
    assertThat(safe.verifyUrl(q)).isEqualTo("echo-31415");
  }

  @Test
  void plainModeText() throws Exception {
    byte[] body = TEXT.getBytes(StandardCharsets.UTF_8);
    CallbackResult r = plain.handle(Requests.plainQuery(), body, Requests.sha(body), NOW);
    assertThat(r.mode()).isEqualTo(CallbackResult.Mode.PLAIN);
    assertThat(r.plaintext()).isEqualTo(body);
    Message m = (Message) r.records().get(0);
    assertThat(m.text()).isEqualTo("保证收益 guaranteed");
    assertThat(m.sender().handle()).isEqualTo("oUserOpenId1");
    assertThat(m.source().raw()).isEqualTo(Requests.sha(body));
    assertThat(m.conversation().id()).isEqualTo(OaRecords.conversationId("gh_c0ffee", "oUserOpenId1"));
  }

  @Test
  void safeModeAndPlainModeGiveTheSameRecordId() throws Exception {
    String encrypt = Requests.encrypt(TEXT, Requests.APPID);
    byte[] body = Requests.safeBody("gh_c0ffee", encrypt);
    CallbackResult s = safe.handle(Requests.safeQuery(encrypt), body, Requests.sha(body), NOW);
    byte[] clear = TEXT.getBytes(StandardCharsets.UTF_8);
    CallbackResult p = plain.handle(Requests.plainQuery(), clear, Requests.sha(clear), NOW);
    assertThat(s.mode()).isEqualTo(CallbackResult.Mode.SAFE);
    assertThat(s.records().get(0).id()).isEqualTo(p.records().get(0).id());
    assertThat(s.plaintext()).isEqualTo(clear);
    assertThat(s.records().get(0).source().range()).isEqualTo("decrypted from body " + Requests.sha(body));
  }

  @Test
  void retriesWithFreshEncryptionMapToTheSameId() throws Exception {
    String first = Requests.encrypt(TEXT, Requests.APPID);
    String second = Requests.encrypt(TEXT, Requests.APPID);
    assertThat(first).isNotEqualTo(second);
    Record a = safe.handle(Requests.safeQuery(first), Requests.safeBody("gh_c0ffee", first), "a", NOW).records().get(0);
    Record b = safe.handle(Requests.safeQuery(second), Requests.safeBody("gh_c0ffee", second), "b", NOW).records().get(0);
    assertThat(a.id()).isEqualTo(b.id());
  }

  @Test
  void compatibleModeReadsTheDecryptedBody() throws Exception {
    String encrypt = Requests.encrypt(TEXT, Requests.APPID);
    byte[] body = TEXT.replace("</xml>", "<Encrypt><![CDATA[" + encrypt + "]]></Encrypt></xml>")
        .getBytes(StandardCharsets.UTF_8);
    CallbackResult r = safe.handle(Requests.safeQuery(encrypt), body, Requests.sha(body), NOW);
    assertThat(r.mode()).isEqualTo(CallbackResult.Mode.COMPATIBLE);
    assertThat(((Message) r.records().get(0)).text()).isEqualTo("保证收益 guaranteed");
    assertThat(r.diagnostics()).noneMatch(d -> d.contains("differs"));
    // Without a key, compatible mode still reads the clear fields (signed by the query signature).
    CallbackResult p = plain.handle(Requests.safeQuery(encrypt), body, Requests.sha(body), NOW);
    assertThat(p.mode()).isEqualTo(CallbackResult.Mode.COMPATIBLE);
    assertThat(((Message) p.records().get(0)).text()).isEqualTo("保证收益 guaranteed");
  }

  @Test
  void compatibleModeWithTamperedClearFieldsFollowsTheSignedPart() throws Exception {
    String encrypt = Requests.encrypt(TEXT, Requests.APPID);
    byte[] body = TEXT.replace("保证收益 guaranteed", "harmless")
        .replace("</xml>", "<Encrypt><![CDATA[" + encrypt + "]]></Encrypt></xml>")
        .getBytes(StandardCharsets.UTF_8);
    CallbackResult r = safe.handle(Requests.safeQuery(encrypt), body, Requests.sha(body), NOW);
    assertThat(((Message) r.records().get(0)).text()).isEqualTo("保证收益 guaranteed");
  }

  @Test
  void safeModeWithoutMsgSignatureOrWithAWrongOneIsRefused() {
    String encrypt = Requests.encrypt(TEXT, Requests.APPID);
    byte[] body = Requests.safeBody("gh_c0ffee", encrypt);
    Map<String, String> q = Requests.safeQuery(encrypt);
    q.remove("msg_signature");
    assertThatThrownBy(() -> safe.handle(q, body, "x", NOW))
        .extracting(e -> ((WeChatSignatureException) e).reason()).isEqualTo(Reason.MISSING_PARAMETER);
    Map<String, String> other = Requests.safeQuery(Requests.encrypt(TEXT, Requests.APPID));
    assertThatThrownBy(() -> safe.handle(other, body, "x", NOW))
        .extracting(e -> ((WeChatSignatureException) e).reason()).isEqualTo(Reason.BAD_SIGNATURE);
  }

  @Test
  void anotherAccountsAppIdIsRefused() {
    String encrypt = Requests.encrypt(TEXT, "wx0ther0000000000");
    byte[] body = Requests.safeBody("gh_c0ffee", encrypt);
    assertThatThrownBy(() -> safe.handle(Requests.safeQuery(encrypt), body, "x", NOW))
        .extracting(e -> ((WeChatSignatureException) e).reason()).isEqualTo(Reason.APPID_MISMATCH);
  }

  @Test
  void aSignedBodyUnderAnotherKeyIsKeptUnparsed() throws Exception {
    OfficialAccountCallback otherKey = new OfficialAccountCallback(new OfficialAccountConfig(
        Requests.TOKEN, "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", Requests.APPID));
    String encrypt = Requests.encrypt(TEXT, Requests.APPID);
    byte[] body = Requests.safeBody("gh_c0ffee", encrypt);
    CallbackResult r = otherKey.handle(Requests.safeQuery(encrypt), body, Requests.sha(body), NOW);
    Unparsed u = (Unparsed) r.records().get(0);
    assertThat(u.text()).contains(encrypt);
    assertThat(u.diagnostic()).contains("could not be decrypted");
  }

  @Test
  void safeModeWithoutAKeyIsKeptEncrypted() throws Exception {
    String encrypt = Requests.encrypt(TEXT, Requests.APPID);
    byte[] body = Requests.safeBody("gh_c0ffee", encrypt);
    CallbackResult r = plain.handle(Requests.safeQuery(encrypt), body, Requests.sha(body), NOW);
    Unparsed u = (Unparsed) r.records().get(0);
    assertThat(u.diagnostic()).contains("no EncodingAESKey");
    assertThat(u.text()).contains(encrypt);
  }

  @Test
  void plainSignatureIsCheckedEvenForMalformedBodies() {
    byte[] body = "<xml><oops".getBytes(StandardCharsets.UTF_8);
    Map<String, String> q = Requests.plainQuery();
    q.put("signature", "f".repeat(40));
    assertThatThrownBy(() -> plain.handle(q, body, "x", NOW))
        .extracting(e -> ((WeChatSignatureException) e).reason()).isEqualTo(Reason.BAD_SIGNATURE);
  }

  @Test
  void malformedXmlIsUnparsedNotAnException() throws Exception {
    byte[] body = "<xml><ToUserName>gh_c0ffee</ToUserName><Content>unclosed".getBytes(StandardCharsets.UTF_8);
    CallbackResult r = plain.handle(Requests.plainQuery(), body, Requests.sha(body), NOW);
    Unparsed u = (Unparsed) r.records().get(0);
    assertThat(u.diagnostic()).contains("not well-formed");
    assertThat(u.text()).isEqualTo(new String(body, StandardCharsets.UTF_8));
    // The same malformed body again (a retry) is the same record.
    CallbackResult again = plain.handle(Requests.plainQuery(), body, Requests.sha(body), NOW);
    assertThat(again.records().get(0).id()).isEqualTo(u.id());
  }

  @Test
  void missingTimestampIsRefused() {
    Map<String, String> q = new HashMap<>(Requests.plainQuery());
    q.remove("timestamp");
    assertThatThrownBy(() -> plain.handle(q, TEXT.getBytes(StandardCharsets.UTF_8), "x", NOW))
        .extracting(e -> ((WeChatSignatureException) e).reason()).isEqualTo(Reason.MISSING_PARAMETER);
  }

  @Test
  void eventWithoutCreateTimeTakesTheReceiptTime() throws Exception {
    byte[] body = ("<xml><ToUserName>gh_c0ffee</ToUserName><FromUserName>oU</FromUserName>"
        + "<MsgType>event</MsgType><Event>CLICK</Event><EventKey>MENU_1</EventKey></xml>")
        .getBytes(StandardCharsets.UTF_8);
    CallbackResult r = plain.handle(Requests.plainQuery(), body, Requests.sha(body), NOW);
    SystemEvent e = (SystemEvent) r.records().get(0);
    assertThat(e.sentAt()).isEqualTo(NOW);
    assertThat(e.detail()).containsEntry("event", "CLICK").containsEntry("event_key", "MENU_1");
  }

  @Test
  void encryptedReplyDecryptsBack() throws Exception {
    String reply = safe.encryptReply("<xml><Content>ok</Content></xml>", "1", "n");
    SafeXml.Fields f = SafeXml.parse(reply.getBytes(StandardCharsets.UTF_8));
    assertThat(f.get("MsgSignature")).isEqualTo(MessageCrypt.signature(Requests.TOKEN, "1", "n", f.get("Encrypt")));
    MessageCrypt.Plain p = new MessageCrypt(OfficialAccountConfig.aesKeyBytes(Requests.AES_KEY)).decrypt(f.get("Encrypt"));
    assertThat(new String(p.message(), StandardCharsets.UTF_8)).isEqualTo("<xml><Content>ok</Content></xml>");
    assertThat(p.receiveId()).isEqualTo(Requests.APPID);
  }

  @Test
  void configErrorsNameTheField() {
    assertThatThrownBy(() -> new OfficialAccountConfig("", null, null)).hasMessageContaining("COFFER_WECHAT_TOKEN");
    assertThatThrownBy(() -> new OfficialAccountConfig("t", "short", "wx1")).hasMessageContaining("43 characters");
    assertThatThrownBy(() -> new OfficialAccountConfig("t", Requests.AES_KEY, null)).hasMessageContaining("COFFER_WECHAT_APPID");
    assertThat(Requests.SAFE.toString()).doesNotContain(Requests.AES_KEY).doesNotContain(Requests.TOKEN);
  }
}
