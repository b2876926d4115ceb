package dev.coffer.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {
  @TempDir Path dir;

  @Test
  void environmentOverridesTheFileAndOptionsOverrideTheEnvironment() throws Exception {
    Path file = dir.resolve("coffer.properties");
    Files.writeString(file, "data=/from/file\nport=9000\nwhatsapp.app-secret=file-secret\nwhatsapp.verify-token=vt\n"
        + "silence.whatsapp=2h\nlimits.request-timeout=500ms\n");
    ServerConfig c = ServerConfig.load(file,
        Map.of("COFFER_DATA", "/from/env", "COFFER_PORT", "9100", "COFFER_WHATSAPP_APP_SECRET", "env-secret",
            "COFFER_SILENCE_WECHAT", "30m"),
        Map.of("port", "9200"));
    assertThat(c.dataDir()).isEqualTo(Path.of("/from/env"));
    assertThat(c.port()).isEqualTo(9200);
    assertThat(c.whatsApp().appSecret().reveal()).isEqualTo("env-secret");
    assertThat(c.whatsApp().verifyToken().reveal()).isEqualTo("vt");
    assertThat(c.silenceOf("whatsapp")).isEqualTo(Duration.ofHours(2));
    assertThat(c.silenceOf("wechat")).isEqualTo(Duration.ofMinutes(30));
    assertThat(c.silenceOf("other")).isEqualTo(ServerConfig.DEFAULT_SILENCE);
    assertThat(c.limits().requestTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.weChat()).isNull();
    assertThat(c.metricsEnabled()).isFalse();
  }

  @Test
  void toStringNeverShowsASecret() throws Exception {
    ServerConfig c = ServerConfig.load(null, Map.of("COFFER_WHATSAPP_APP_SECRET", "s3cr3t-app",
        "COFFER_WHATSAPP_VERIFY_TOKEN", "s3cr3t-verify", "COFFER_WHATSAPP_ACCESS_TOKEN", "s3cr3t-access",
        "COFFER_WECHAT_TOKEN", "s3cr3t-wechat", "COFFER_WECHAT_AES_KEY", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
        "COFFER_WECHAT_APPID", "wx0123", "COFFER_STATUS_TOKEN", "s3cr3t-status"), Map.of());
    assertThat(c.toString()).doesNotContain("s3cr3t").doesNotContain("abcdefghij").contains("<redacted>");
  }

  @Test
  void failuresNameTheSettingAndItsVariable() {
    assertThatThrownBy(() -> ServerConfig.load(null, Map.of("COFFER_PORT", "eighty"), Map.of()))
        .hasMessageContaining("port (COFFER_PORT)").hasMessageContaining("'eighty'");
    assertThatThrownBy(() -> ServerConfig.load(null, Map.of("COFFER_WHATSAPP_APP_SECRET", "x"), Map.of()))
        .hasMessageContaining("whatsapp.verify-token (COFFER_WHATSAPP_VERIFY_TOKEN) is required");
    assertThatThrownBy(() -> ServerConfig.load(null, Map.of("COFFER_WECHAT_TOKEN", "t",
        "COFFER_WECHAT_AES_KEY", "too-short-and-secret"), Map.of()))
        .hasMessageContaining("wechat.aes-key (COFFER_WECHAT_AES_KEY)").hasMessageNotContaining("too-short-and-secret");
    assertThatThrownBy(() -> ServerConfig.load(null, Map.of("COFFER_WECHAT_TOKEN", "t",
        "COFFER_WECHAT_AES_KEY", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"), Map.of()))
        .hasMessageContaining("wechat.appid (COFFER_WECHAT_APPID) is required");
    assertThatThrownBy(() -> ServerConfig.load(null, Map.of("COFFER_REQUEST_TIMEOUT", "soon"), Map.of()))
        .hasMessageContaining("limits.request-timeout (COFFER_REQUEST_TIMEOUT)");
    assertThatThrownBy(() -> ServerConfig.load(null, Map.of("COFFER_TLS_KEYSTORE", dir.resolve("none.p12").toString()),
        Map.of())).hasMessageContaining("tls.keystore (COFFER_TLS_KEYSTORE) is not a readable file");
  }

  @Test
  void anUnknownFileKeyIsRefused() throws Exception {
    Path file = dir.resolve("coffer.properties");
    Files.writeString(file, "whatsapp.appsecret=typo\n");
    assertThatThrownBy(() -> ServerConfig.load(file, Map.of(), Map.of()))
        .hasMessageContaining("whatsapp.appsecret is not a known setting");
  }
}
