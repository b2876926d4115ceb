package dev.coffer.connectors.wechat.oa;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.model.Message;
import dev.coffer.model.Record;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The published WXBizMsgCrypt vectors (Tencent's official demo, and WxJava's deterministic encrypt),
 * transcribed from the corpus notes; the conformance run reads the corpus files themselves.
 */
class OfficialVectorsTest {
  static final String AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
  static final String DEMO_ENCRYPT = "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+"
      + "LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C4"
      + "1IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6"
      + "KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1D"
      + "lD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=";
  static final String DEMO_XML = "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n"
      + "<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>\n"
      + "<CreateTime>1409735668</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n"
      + "<Content><![CDATA[abcdteT]]></Content>\n<MsgId>6054768590064713728</MsgId>\n</xml>";

  static final String EXPECTED_ENCRYPT2 = "jn1L23DB+6ELqJ+6bruv23M2GmYfkv0xBh2h+XTBOKVKcgDFHle6gqcZ1cZrk3e1qjPQ1F4RsLWzQRG9udbKWesxlk"
        + "upqcEcW7ZQweImX9+wLMa0GaUzpkycA8+IamDBxn5loLgZpnS7fVAbExOkK5DYHBmv5tptA9tklE/fTIILHR8HLXa5"
        + "nQvFb3tYPKAlHF3rtTeayNf0QuM+UW/wM9enGIDIJHF7CLHiDNAYxr+r+OrJCmPQyTy8cVWlu9iSvOHPT/77bZqJuc"
        + "QHQ04sq7KZI27OcqpQNSto2OdHCoTccjggX5Z9Mma0nMJBU+jLKJ38YB1fBIz+vBzsYjrTmFQ44YfeEuZ+xRTQwr92"
        + "vhA9OxchWVINGC50qE/6lmkwWTwGX9wtQpsJKhP+oS7rvTY8+VdzETdfakjkwQ5/Xka042OlUb1/slTwo4RscuQ+Rd"
        + "xSGvDahxAJ6+EAjLt9d8igHngxIbf6YyqqROxuxqIeIch3CssH/LqRs+iAcILvApYZckqmA7FNERspKA5f8GoJ9sv8"
        + "xmGvZ9Yrf57cExWtnX8aCMMaBropU/1k+hKP5LVdzbWCG0hGwx/dQudYR/eXp3P0XxjlFiy+9DMlaFExWUZQDajPkd"
        + "PrEeOwofJb";

  @Test
  void aesKeyIsBase64OfTheEncodingAesKeyWithPadding() {
    assertThat(HexFormat.of().formatHex(OfficialAccountConfig.aesKeyBytes(AES_KEY)))
        .isEqualTo("69b71d79f8218a39259a7a29aabb2dbafc31cb3d35db7e39ebbf3d0010831051");
  }

  @Test
  void plainUrlSignature() {
    assertThat(MessageCrypt.signature("spamtest", "1409735669", "1320562132"))
        .isEqualTo("16120ec1b8dbb870f510d87ce6bc2463eae6ca1a");
  }

  @Test
  void officialDemoMsgSignatureAndDecryption() throws Exception {
    assertThat(MessageCrypt.signature("spamtest", "1409735669", "1320562132", DEMO_ENCRYPT))
        .isEqualTo("5d197aaffba7e9b25a30732f161a50dee96bd5fa");
    MessageCrypt crypt = new MessageCrypt(OfficialAccountConfig.aesKeyBytes(AES_KEY));
    MessageCrypt.Plain plain = crypt.decrypt(DEMO_ENCRYPT);
    // The demo's random prefix is 16 ASCII characters.
    assertThat(new String(plain.random(), StandardCharsets.US_ASCII)).isEqualTo("89465c840c5f116f");
    assertThat(new String(plain.message(), StandardCharsets.UTF_8)).isEqualTo(DEMO_XML);
    assertThat(plain.receiveId()).isEqualTo("wx2c2769f8efd9abc2");
  }

  @Test
  void officialDemoThroughTheCallbackInSafeMode() throws Exception {
    OfficialAccountCallback callback = new OfficialAccountCallback(
        new OfficialAccountConfig("spamtest", AES_KEY, "wx2c2769f8efd9abc2"));
    byte[] body = ("<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><Encrypt><![CDATA["
        + DEMO_ENCRYPT + "]]></Encrypt></xml>").getBytes(StandardCharsets.UTF_8);
    CallbackResult r = callback.handle(Map.of("timestamp", "1409735669", "nonce", "1320562132",
            "encrypt_type", "aes", "msg_signature", "5d197aaffba7e9b25a30732f161a50dee96bd5fa"),
        body, "00", Instant.EPOCH);
    assertThat(r.mode()).isEqualTo(CallbackResult.Mode.SAFE);
    assertThat(new String(r.plaintext(), StandardCharsets.UTF_8)).isEqualTo(DEMO_XML);
    Record rec = r.records().get(0);
    assertThat(rec).isInstanceOf(Message.class);
    assertThat(((Message) rec).text()).isEqualTo("abcdteT");
    assertThat(rec.source().nativeId()).isEqualTo("6054768590064713728");
    assertThat(rec.sentAt()).isEqualTo(Instant.ofEpochSecond(1409735668));
    assertThat(r.reply()).isEqualTo("success");
  }

  @Test
  void wxJavaDeterministicEncryption() {
    MessageCrypt crypt = new MessageCrypt(OfficialAccountConfig.aesKeyBytes(AES_KEY));
    byte[] random = "aaaabbbbccccdddd".getBytes(StandardCharsets.US_ASCII);
    String encrypt = crypt.encrypt(random, "我是中文abcd123".getBytes(StandardCharsets.UTF_8),
        "wxb11529c136998cb6");
    assertThat(encrypt).isEqualTo(
        "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==");
    assertThat(MessageCrypt.signature("pamtest", "1409304348", "xxxxxx", encrypt))
        .isEqualTo("82c962d39941aa48552f90ef55aa323dc620cc10");
  }

  @Test
  void wxJavaLongerVector() throws Exception {
    MessageCrypt crypt = new MessageCrypt(OfficialAccountConfig.aesKeyBytes(AES_KEY));
    String xml = "<xml><ToUserName><![CDATA[oia2Tj我是中文jewbmiOUlr6X-1crbLOvLw]]></ToUserName>"
        + "<FromUserName><![CDATA[gh_7f083739789a]]></FromUserName><CreateTime>1407743423</CreateTime>"
        + "<MsgType><![CDATA[video]]></MsgType><Video><MediaId><![CDATA[eYJ1MbwPRJtOvIEabaxHs7TX2D-HV71s"
        + "79GUxqdUkjm6Gs2Ed1KF3ulAOA9H1xG0]]></MediaId><Title><![CDATA[testCallBackReplyVideo]]></Title>"
        + "<Description><![CDATA[testCallBackReplyVideo]]></Description></Video></xml>";
    String encrypt = crypt.encrypt("aaaabbbbccccdddd".getBytes(StandardCharsets.US_ASCII),
        xml.getBytes(StandardCharsets.UTF_8), "wxb11529c136998cb6");
    assertThat(encrypt).isEqualTo(EXPECTED_ENCRYPT2);
    assertThat(new String(crypt.decrypt(encrypt).message(), StandardCharsets.UTF_8)).isEqualTo(xml);
  }
}
