package dev.coffer.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.archive.NoArchiveException;
import io.javalin.config.JavalinConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CofferServerTest {
  @TempDir Path dir;
  final HttpClient http = HttpClient.newHttpClient();

  /** The example in {@link ServerExtension}'s Javadoc, compiled. */
  public static final class HelloExtension implements ServerExtension {
    @Override
    public void install(JavalinConfig config, ServerContext context) {
      config.routes.get("/hello", ctx -> ctx.result("records: " + context.archive().size()));
    }
  }

  ServerConfig config() throws Exception {
    return ServerConfig.load(null, Map.of(), Map.of("data", dir.toString(), "port", "0", "host", "127.0.0.1"));
  }

  @Test
  void healthAndAnExtensionAnswerOverRealHttp() throws Exception {
    Archives.create(dir, ArchiveOptions.defaults()).close();
    try (CofferServer server = CofferServer.start(config(), List.of(new HelloExtension()))) {
      assertThat(server.port()).isPositive();
      HttpResponse<String> health = http.send(HttpRequest.newBuilder(server.uri().resolve("/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}");
      assertThat(health.headers().firstValue("Server")).isEmpty();
      HttpResponse<String> hello = http.send(HttpRequest.newBuilder(server.uri().resolve("/hello")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(hello.body()).isEqualTo("records: 0");
    }
  }

  @Test
  void theContextReadsTheLatestDirectory() throws Exception {
    Archives.create(dir, ArchiveOptions.defaults()).close();
    try (CofferServer server = CofferServer.start(config(), List.of())) {
      assertThat(server.context().directory().employees()).isEmpty();
      dev.coffer.server.directory.Directory d = dev.coffer.server.directory.Directory.parse(
          "id,name,phones\nE1,Ann,+447700900123\n".getBytes(java.nio.charset.StandardCharsets.UTF_8),
          dev.coffer.server.directory.Directory.Format.CSV, null);
      dev.coffer.server.directory.DirectoryStore.importDirectory(server.context().archive(), dir, d, "test", null, null);
      assertThat(server.context().directory().lookup("+447700900123")).isPresent();
    }
  }

  @Test
  void refusesToStartWithoutAnArchive() throws Exception {
    assertThatThrownBy(() -> CofferServer.start(config(), List.of())).isInstanceOf(NoArchiveException.class);
  }

  @Test
  void anExtensionThatFailsStopsTheStartAndReleasesTheArchive() throws Exception {
    Archives.create(dir, ArchiveOptions.defaults()).close();
    ServerExtension broken = (config, context) -> {
      throw new IllegalStateException("broken on purpose");
    };
    assertThatThrownBy(() -> CofferServer.start(config(), List.of(broken))).hasMessageContaining("broken on purpose");
    // The archive was closed: it opens again.
    try (CofferServer server = CofferServer.start(config(), List.of())) {
      assertThat(server.context().archive().size()).isZero();
    }
  }
}
