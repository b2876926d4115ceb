package dev.coffer.connectors.wechat.oa;

import dev.coffer.model.Digests;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds signed callback requests the way WeChat does, with this test's own token, key and AppID. */
final class Requests {
  static final String TOKEN = "CofferTest42";
  /** 43 characters: our own EncodingAESKey for tests. */
  static final String AES_KEY = "CofferTestKey0123456789abcdefghijklmnopqrst";
  static final String APPID = "wxc0ffee0000000001";
  static final String TIMESTAMP = "1764028800";
  static final String NONCE = "271828";

  static final OfficialAccountConfig SAFE = new OfficialAccountConfig(TOKEN, AES_KEY, APPID);
  static final OfficialAccountConfig PLAIN = OfficialAccountConfig.plain(TOKEN, APPID);

  private Requests() {}

  static Map<String, String> plainQuery() {
    Map<String, String> q = new LinkedHashMap<>();
    q.put("signature", MessageCrypt.signature(TOKEN, TIMESTAMP, NONCE));
    q.put("timestamp", TIMESTAMP);
    q.put("nonce", NONCE);
    q.put("openid", "oCofferUser");
    return q;
  }

  /** The Encrypt text of {@code xml} for {@code appId} under the test key. */
  static String encrypt(String xml, String appId) {
    return new MessageCrypt(OfficialAccountConfig.aesKeyBytes(AES_KEY))
        .encrypt(xml.getBytes(StandardCharsets.UTF_8), appId);
  }

  static Map<String, String> safeQuery(String encrypt) {
    Map<String, String> q = plainQuery();
    q.put("encrypt_type", "aes");
    q.put("msg_signature", MessageCrypt.signature(TOKEN, TIMESTAMP, NONCE, encrypt));
    return q;
  }

  static byte[] safeBody(String toUser, String encrypt) {
    return ("<xml><ToUserName><![CDATA[" + toUser + "]]></ToUserName><Encrypt><![CDATA[" + encrypt
        + "]]></Encrypt></xml>").getBytes(StandardCharsets.UTF_8);
  }

  static String sha(byte[] body) {
    return Digests.sha256Hex(body);
  }
}
