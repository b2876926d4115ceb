package dev.coffer.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS from a key store in the configuration, without a proxy in front. */
class TlsTest {
  @TempDir Path dir;

  Path keyStore(String password) throws Exception {
    Path ks = dir.resolve("server.p12");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "coffer", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
        "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", ks.toString(),
        "-storepass", password, "-keypass", password).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    return ks;
  }

  @Test
  void servesHttpsFromTheConfiguredKeyStore() throws Exception {
    Path ks = keyStore("store-pass-1");
    Path data = dir.resolve("data");
    Archives.create(data, ArchiveOptions.defaults()).close();
    ServerConfig config = ServerConfig.load(null, Map.of("COFFER_TLS_KEYSTORE", ks.toString(),
        "COFFER_TLS_KEYSTORE_PASSWORD", "store-pass-1"), Map.of("data", data.toString(), "port", "0", "host", "127.0.0.1"));
    assertThat(config.toString()).doesNotContain("store-pass-1");
    KeyStore trust = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(ks)) {
      trust.load(in, "store-pass-1".toCharArray());
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    try (CofferServer server = CofferServer.start(config, List.of());
        HttpClient http = HttpClient.newBuilder().sslContext(ssl).build()) {
      assertThat(server.uri().getScheme()).isEqualTo("https");
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(
          java.net.URI.create("https://localhost:" + server.port() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      // Plain HTTP to the TLS port gets no answer from a handler.
      HttpClient plain = HttpClient.newHttpClient();
      assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(
          java.net.URI.create("http://127.0.0.1:" + server.port() + "/health")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode())
          .isInstanceOf(java.io.IOException.class);
    }
  }

  @Test
  void aWrongKeyStorePasswordFailsAtStartNamingTheSetting() throws Exception {
    Path ks = keyStore("store-pass-2");
    Path data = dir.resolve("data");
    Archives.create(data, ArchiveOptions.defaults()).close();
    ServerConfig config = ServerConfig.load(null, Map.of("COFFER_TLS_KEYSTORE", ks.toString(),
        "COFFER_TLS_KEYSTORE_PASSWORD", "wrong-pass"), Map.of("data", data.toString(), "port", "0"));
    assertThatThrownBy(() -> CofferServer.start(config, List.of()))
        .hasMessageContaining("tls.keystore (COFFER_TLS_KEYSTORE)").hasMessageNotContaining("wrong-pass");
  }
}
