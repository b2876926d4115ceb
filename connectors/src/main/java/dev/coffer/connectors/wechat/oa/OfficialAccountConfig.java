package dev.coffer.connectors.wechat.oa;

import java.util.Base64;
import java.util.Objects;

/**
 * The settings of one WeChat Official Account (公众号) callback, validated once and frozen.
 *
 * <p>All three come from the account's 公众平台 console (开发 → 基本配置 → 服务器配置):
 *
 * @param token the Token the account shares with Coffer (3–32 characters, letters and digits); signs
 *     every request; required
 * @param encodingAesKey the EncodingAESKey (exactly 43 characters of Base64 alphabet) for safe and
 *     compatible mode; {@code null} for plain mode (encrypted bodies are then kept unread, as
 *     {@code unparsed} records, never dropped)
 * @param appId the account's AppID ({@code wx…}); every decrypted body must end with it; required
 *     when {@code encodingAesKey} is given
 * @throws IllegalArgumentException naming the field (never its value) when a setting is unusable
 */
public record OfficialAccountConfig(String token, String encodingAesKey, String appId) {

  public OfficialAccountConfig {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("wechat token is missing (COFFER_WECHAT_TOKEN)");
    }
    if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
      throw new IllegalArgumentException(
          "wechat token must be printable ASCII without spaces (COFFER_WECHAT_TOKEN)");
    }
    if (encodingAesKey != null && encodingAesKey.isEmpty()) {
      encodingAesKey = null;
    }
    if (encodingAesKey != null) {
      aesKeyBytes(encodingAesKey);
      if (appId == null || appId.isBlank()) {
        throw new IllegalArgumentException(
            "wechat appid is missing (COFFER_WECHAT_APPID): safe and compatible mode check it in every message");
      }
    }
  }

  /** Plain mode only: no EncodingAESKey. */
  public static OfficialAccountConfig plain(String token, String appId) {
    return new OfficialAccountConfig(token, null, appId);
  }

  /** True if an EncodingAESKey is configured (safe and compatible mode can be read). */
  public boolean canDecrypt() {
    return encodingAesKey != null;
  }

  /** The 32-byte AES key: Base64 of the EncodingAESKey with one '=' appended. */
  static byte[] aesKeyBytes(String encodingAesKey) {
    Objects.requireNonNull(encodingAesKey, "encodingAesKey");
    if (encodingAesKey.length() != 43) {
      throw new IllegalArgumentException("wechat EncodingAESKey (COFFER_WECHAT_AES_KEY) must be 43 characters, not "
          + encodingAesKey.length());
    }
    byte[] key;
    try {
      key = Base64.getDecoder().decode(encodingAesKey + "=");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "wechat EncodingAESKey (COFFER_WECHAT_AES_KEY) is not Base64 letters and digits", e);
    }
    if (key.length != 32) {
      throw new IllegalArgumentException(
          "wechat EncodingAESKey (COFFER_WECHAT_AES_KEY) does not decode to 32 bytes");
    }
    return key;
  }

  /** Never prints the token or the key. */
  @Override
  public String toString() {
    return "OfficialAccountConfig[appId=" + appId + ", token=***, encodingAesKey="
        + (encodingAesKey == null ? "none" : "***") + "]";
  }
}
