package dev.coffer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show the health of capture from a running 'coffer serve': per connector the last record, counts, "
          + "signature failures, media pending, gaps, lag and silence alerts.",
      "Exit status: 0 every connector healthy; 1 a connector is silent beyond its window, or the server cannot "
          + "be reached."
    })
final class StatusCommand implements Callable<Integer> {
  @Option(names = "--url", paramLabel = "URL", description = "The server (default: http://127.0.0.1:$COFFER_PORT, "
      + "port 8080 when unset).")
  URI url;

  @Option(names = "--token", paramLabel = "TOKEN", description = "Bearer token when the server sets status.token "
      + "(default: $COFFER_STATUS_TOKEN).")
  String token;

  @Option(names = "--insecure", description = "Accept any TLS certificate (a self-signed test server).", hidden = true)
  boolean insecure;

  @Mixin JsonOption jsonOption;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Output output = jsonOption.output(spec);
    URI base = url;
    if (base == null) {
      String port = System.getenv("COFFER_PORT");
      base = URI.create("http://127.0.0.1:" + (port == null || port.isBlank() ? "8080" : port.strip()));
    }
    String t = token != null ? token : System.getenv("COFFER_STATUS_TOKEN");
    HttpRequest.Builder req = HttpRequest.newBuilder(base.resolve("/status")).timeout(Duration.ofSeconds(10));
    if (t != null && !t.isBlank()) {
      req.header("Authorization", "Bearer " + t.strip());
    }
    HttpResponse<String> r;
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
      r = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      output.warn("coffer: no server answered at " + base + " (" + e.getClass().getSimpleName() + "): is 'coffer serve' "
          + "running?");
      return Coffer.FAILED;
    }
    if (r.statusCode() == 401) {
      output.warn("coffer: the server wants a status token (--token or $COFFER_STATUS_TOKEN)");
      return Coffer.FAILED;
    }
    if (r.statusCode() != 200) {
      output.warn("coffer: " + base + "/status answered " + r.statusCode());
      return Coffer.FAILED;
    }
    JsonNode s = new ObjectMapper().readTree(r.body());
    output.json(s);
    output.line("Server " + base + ": " + s.path("status").asText() + "; archive " + s.path("archive_records").asLong()
        + " records (index " + s.path("index_records").asLong() + "); up since " + s.path("started").asText());
    JsonNode dir = s.path("directory");
    if (dir.isObject()) {
      output.line("Directory in use: " + (dir.path("version").isTextual() ? dir.path("version").asText() : "none imported")
          + ", " + dir.path("employees").asLong() + " employees, " + dir.path("contacts").asLong() + " external contacts");
    }
    Iterator<Map.Entry<String, JsonNode>> it = s.path("connectors").properties().iterator();
    if (!it.hasNext()) {
      output.line("No capture endpoint is configured.");
    }
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode c = e.getValue();
      output.line(String.format(java.util.Locale.ROOT, "%-20s %s  last record %s", e.getKey(),
          c.path("silent").asBoolean() ? "SILENT" : "ok",
          c.path("last_record").isNull() ? "none since start" : c.path("last_record").asText()));
      output.line(String.format(java.util.Locale.ROOT,
          "    requests %d, records %d, duplicates %d, unparsed %d, signature failures %d, refused %d, failures %d",
          c.path("requests").asLong(), c.path("records").asLong(), c.path("duplicates").asLong(),
          c.path("unparsed").asLong(), c.path("signature_failures").asLong(), c.path("refused").asLong(),
          c.path("failures").asLong()));
      output.line(String.format(java.util.Locale.ROOT,
          "    media pending %d, sequence gaps %d, lag %d ms, silence window %d s, alerts %d",
          c.path("media_pending").asLong(), c.path("sequence_gaps").asLong(), c.path("lag_ms").asLong(),
          c.path("silence_window_s").asLong(), c.path("alerts").asLong()));
      c.path("details").properties().forEach(d -> output.line("    " + d.getKey() + ": " + d.getValue().asText()));
    }
    return "ok".equals(s.path("status").asText()) ? Coffer.OK : Coffer.FAILED;
  }
}
