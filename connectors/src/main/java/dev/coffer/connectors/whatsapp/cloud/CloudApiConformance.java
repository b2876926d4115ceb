package dev.coffer.connectors.whatsapp.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.model.Digests;
import dev.coffer.model.Record;
import dev.coffer.model.RecordJson;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Conformance run over a directory of Cloud API samples ({@code coffer conformance whatsapp-cloud
 * DIR}): every {@code .json} file is one webhook body, or an object of named webhook bodies (as
 * pywa's test data keeps them), or a Graph API media response. Each body is parsed twice; it passes
 * when it yields at least one record, no {@code unparsed} record, every record has canonical bytes,
 * and both parses give the same ids. Media responses must be read by {@link MediaFetcher}'s reader.
 * Prints one line per body and a total by record kind; returns 0 when everything passed.
 */
public final class CloudApiConformance {
  private CloudApiConformance() {}

  /** Runs the check; returns the exit code (0 when every sample passed, 1 otherwise). */
  public static int run(Path dir, PrintStream out) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files = s.filter(Files::isRegularFile)
          .filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json"))
          .sorted().toList();
    }
    Map<String, Integer> kinds = new TreeMap<>();
    int bodies = 0;
    int failures = 0;
    for (Path f : files) {
      String name = dir.relativize(f).toString();
      JsonNode root;
      try {
        root = Json.read(Files.readAllBytes(f));
      } catch (IOException e) {
        failures++;
        out.printf(Locale.ROOT, "FAIL %s: not JSON%n", name);
        continue;
      }
      if (root.has("url") && root.has("mime_type") && !root.has("entry")) {
        String problem = MediaFetcher.describeMediaResponse(root);
        out.printf(Locale.ROOT, "%s %s: Graph API media response%s%n", problem == null ? "PASS" : "NOTE",
            name, problem == null ? "" : " (" + problem + ")");
        continue;
      }
      List<Map.Entry<String, JsonNode>> payloads = new ArrayList<>();
      if (root.has("entry")) {
        payloads.add(Map.entry(name, root));
      } else {
        root.fields().forEachRemaining(e -> payloads.add(Map.entry(name + "#" + e.getKey(), e.getValue())));
      }
      for (Map.Entry<String, JsonNode> p : payloads) {
        bodies++;
        String problem = check(p.getValue(), kinds, out, p.getKey());
        if (problem != null) {
          failures++;
        }
      }
    }
    out.printf(Locale.ROOT, "%d file(s), %d webhook bod(ies), records by kind %s, %d failure(s)%n",
        files.size(), bodies, kinds, failures);
    return failures == 0 && bodies > 0 ? 0 : 1;
  }

  private static String check(JsonNode payload, Map<String, Integer> kinds, PrintStream out,
      String name) throws IOException {
    byte[] body = Json.MAPPER.writeValueAsBytes(payload);
    String digest = Digests.sha256Hex(body);
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    WebhookParse first = CloudApiWebhook.parse(body, digest, now);
    WebhookParse again = CloudApiWebhook.parse(body, digest, now.plusSeconds(60));
    String problem = null;
    if (first.records().isEmpty()) {
      problem = "no records";
    } else if (first.unparsedCount() > 0) {
      problem = first.unparsedCount() + " unparsed record(s): " + first.diagnostics();
    } else if (!ids(first).equals(ids(again))) {
      problem = "ids differ between two parses of the same body";
    }
    Map<String, Integer> here = new TreeMap<>();
    for (Record r : first.records()) {
      try {
        RecordJson.canonical(r);
      } catch (RuntimeException e) {
        problem = "record " + r.id() + " has no canonical form: " + e.getMessage();
      }
      here.merge(r.kind(), 1, Integer::sum);
      kinds.merge(r.kind(), 1, Integer::sum);
    }
    out.printf(Locale.ROOT, "%s %s: records %s, media %d, history %d, contacts %d, diagnostics %d%s%n",
        problem == null ? "PASS" : "FAIL", name, here, first.media().size(), first.history().size(),
        first.contacts().size(), first.diagnostics().size(), problem == null ? "" : ": " + problem);
    return problem;
  }

  private static List<String> ids(WebhookParse p) {
    return p.records().stream().map(Record::id).toList();
  }
}
