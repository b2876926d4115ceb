package dev.coffer.bench;

import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.connectors.whatsapp.cloud.CloudApiSignature;
import dev.coffer.server.CofferServer;
import dev.coffer.server.ServerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The webhook capture benchmark: signed WhatsApp Cloud API posts to {@code /capture/whatsapp} on
 * loopback, each answered only after its body and record are durable. A closed loop of concurrent
 * senders (as Meta's delivery fleet would be), every body distinct (a new wamid), so every request
 * stores a blob and appends a record. Reports requests/s over the measured requests and the latency
 * quantiles. Server and senders share this JVM (the senders' cost is on the same 2 cores).
 */
final class WebhookLoad {
  static final String SECRET = "bench-app-secret";

  /** @param requestsPerSecond completed requests / wall seconds; latencies in ms */
  record Result(double requestsPerSecond, double p50, double p99, double max, int requests, int concurrency,
      int failures) {}

  private WebhookLoad() {}

  static byte[] body(int i) {
    return ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"102290129340398\",\"changes\":[{\"value\":{"
        + "\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"15550783881\","
        + "\"phone_number_id\":\"106540352242922\"},\"contacts\":[{\"profile\":{\"name\":\"Bench Customer " + (i % 500)
        + "\"},\"wa_id\":\"1650555" + (1000 + i % 500) + "\"}],\"messages\":[{\"from\":\"1650555" + (1000 + i % 500)
        + "\",\"id\":\"wamid.bench." + i + "\",\"timestamp\":\"" + (1764000000 + i) + "\",\"type\":\"text\","
        + "\"text\":{\"body\":\"Please confirm the order for " + i + " units at the agreed price\"}}]},"
        + "\"field\":\"messages\"}]}]}").getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Runs {@code warmup} then {@code requests} signed posts with {@code concurrency} senders against a
   * fresh archive in {@code dataDir}.
   */
  static Result run(Path dataDir, int warmup, int requests, int concurrency) throws Exception {
    Archives.create(dataDir, ArchiveOptions.defaults()).close();
    ServerConfig config = ServerConfig.load(null, Map.of(), Map.of("data", dataDir.toString(), "port", "0",
        "host", "127.0.0.1", "whatsapp.app-secret", SECRET, "whatsapp.verify-token", "bench",
        "limits.max-in-flight", Integer.toString(Math.max(256, concurrency * 2))));
    try (CofferServer server = CofferServer.start(config, List.of());
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newVirtualThreadPerTaskExecutor()).build()) {
      URI uri = server.uri().resolve("/capture/whatsapp");
      byte[] key = SECRET.getBytes(StandardCharsets.UTF_8);
      int total = warmup + requests;
      List<HttpRequest> prepared = new ArrayList<>(total);
      for (int i = 0; i < total; i++) {
        byte[] b = body(i);
        prepared.add(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
            .header("X-Hub-Signature-256", CloudApiSignature.sign(b, key))
            .POST(HttpRequest.BodyPublishers.ofByteArray(b)).build());
      }
      int warmupFailures = phase(http, prepared.subList(0, warmup), concurrency, null);
      List<Double> latencies = Collections.synchronizedList(new ArrayList<>(requests));
      long t0 = System.nanoTime();
      int failures = phase(http, prepared.subList(warmup, total), concurrency, latencies);
      double seconds = (System.nanoTime() - t0) / 1e9;
      // Every acknowledged request's record is archived; refused ones (503 under overload) are not.
      if (server.context().archive().size() != total - failures - warmupFailures) {
        throw new IllegalStateException("archive holds " + server.context().archive().size() + " records, expected "
            + (total - failures - warmupFailures));
      }
      List<Double> sorted = new ArrayList<>(latencies);
      Collections.sort(sorted);
      return new Result((requests - failures) / seconds, Stats.quantile(sorted, 0.5), Stats.quantile(sorted, 0.99),
          sorted.get(sorted.size() - 1), requests, concurrency, failures);
    }
  }

  private static int phase(HttpClient http, List<HttpRequest> requests, int concurrency, List<Double> latencies)
      throws Exception {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger failures = new AtomicInteger();
    try (var senders = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> fs = new ArrayList<>();
      for (int c = 0; c < concurrency; c++) {
        fs.add(senders.submit(() -> {
          int i;
          while ((i = next.getAndIncrement()) < requests.size()) {
            long t = System.nanoTime();
            try {
              HttpResponse<Void> r = http.send(requests.get(i), HttpResponse.BodyHandlers.discarding());
              if (r.statusCode() != 200) {
                failures.incrementAndGet();
              }
            } catch (Exception e) {
              failures.incrementAndGet();
            }
            if (latencies != null) {
              latencies.add((System.nanoTime() - t) / 1e6);
            }
          }
          return null;
        }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    }
    return failures.get();
  }

  /** Standalone: {@code WebhookLoad DIR [requests] [concurrency]}. */
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    int c = args.length > 2 ? Integer.parseInt(args[2]) : 64;
    Result r = run(dir, Math.min(2_000, n / 5), n, c);
    System.out.printf(java.util.Locale.ROOT, "%.0f req/s, p50 %.1f ms, p99 %.1f ms, max %.1f ms, %d requests, %d senders, %d failed%n",
        r.requestsPerSecond(), r.p50(), r.p99(), r.max(), r.requests(), r.concurrency(), r.failures());
  }
}
