package dev.coffer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code coffer directory import} while {@code coffer serve} runs in another process: the CLI cannot
 * open the archive (the server holds it), hands the directory to the server, and the server archives
 * it and uses it at once ({@code /status} names the new version). Without a server the import works
 * directly, as before.
 */
class DirectoryWhileServingTest {
  @TempDir Path tmp;

  @Test
  void importWhileAnotherProcessServesIsTakenByThatServerAndInForceAtOnce() throws Exception {
    Path data = tmp.resolve("data");
    Archives.create(data, ArchiveOptions.defaults()).close();
    Path staff = tmp.resolve("staff.csv");
    Files.writeString(staff, "id,name,phones,whatsapp\nE1,Ann Lee,+447700900123,+15550783881\n");

    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process serve = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        Coffer.class.getName(), "serve", "--data", data.toString(), "--port", "0", "--host", "127.0.0.1")
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      BufferedReader r = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
      String line = r.readLine();
      assertThat(line).as("serve's first line").isNotNull().startsWith("Coffer server listening on ");
      Matcher m = Pattern.compile("listening on (\\S+)").matcher(line);
      assertThat(m.find()).isTrue();
      URI uri = URI.create(m.group(1));

      CliTest.Run imported = CliTest.coffer("directory", "import", staff.toString(), "--data", data.toString(), "--json");
      assertThat(imported.status()).as(imported.err()).isZero();
      String digest = imported.json().get("directory").asText();
      CliTest.Run text = CliTest.coffer("directory", "import", staff.toString(), "--data", data.toString());
      assertThat(text.out()).contains("by the running server, in force now");

      JsonNode status;
      try (HttpClient http = HttpClient.newHttpClient()) {
        status = new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(uri.resolve("/status")).build(),
            HttpResponse.BodyHandlers.ofString()).body());
      }
      assertThat(status.path("directory").path("version").asText()).isEqualTo(digest);
      assertThat(status.path("directory").path("employees").asInt()).isEqualTo(1);
      CliTest.Run st = CliTest.coffer("status", "--url", uri.toString());
      assertThat(st.out()).contains("Directory in use: " + digest + ", 1 employees, 0 external contacts");
    } finally {
      serve.destroy(); // SIGTERM: the shutdown hook closes the archive
      assertThat(serve.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }

    // the server archived it: with the server stopped the CLI reads it from the archive
    CliTest.Run list = CliTest.coffer("directory", "list", "--data", data.toString(), "--json");
    assertThat(list.status()).as(list.err()).isZero();
    assertThat(list.json().get(0).get("id").asText()).isEqualTo("E1");
  }
}
