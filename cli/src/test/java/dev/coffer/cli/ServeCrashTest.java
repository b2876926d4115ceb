package dev.coffer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.archive.verify.VerifyListener;
import dev.coffer.archive.verify.VerifyReport;
import dev.coffer.archive.verify.Verifier;
import dev.coffer.connectors.whatsapp.cloud.CloudApiSignature;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a child JVM running {@code coffer serve} while signed webhooks are in flight — some
 * received and not yet acknowledged, some durable and not yet acknowledged. The sender retries
 * whatever it did not see acknowledged against a restarted server, as Meta does; afterwards every
 * message is archived exactly once, with its raw body stored, the archive verifies, and
 * {@code coffer export --format jsonl} shows them all.
 */
class ServeCrashTest {
  static final String SECRET = "crash-test-app-secret";
  static final int MESSAGES = 200;

  @TempDir Path tmp;

  record Child(Process process, URI uri) {}

  Child serve(Path data) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        Coffer.class.getName(), "serve", "--data", data.toString(), "--port", "0", "--host", "127.0.0.1")
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("COFFER_WHATSAPP_APP_SECRET", SECRET);
    pb.environment().put("COFFER_WHATSAPP_VERIFY_TOKEN", "crash-verify");
    Process p = pb.start();
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = r.readLine();
    assertThat(line).as("serve's first line").isNotNull().startsWith("Coffer server listening on ");
    Matcher m = Pattern.compile("listening on (\\S+)").matcher(line);
    assertThat(m.find()).isTrue();
    return new Child(p, URI.create(m.group(1)));
  }

  static byte[] body(int i) {
    return ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"102290129340398\",\"changes\":[{\"value\":{"
        + "\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"15550783881\","
        + "\"phone_number_id\":\"106540352242922\"},\"contacts\":[{\"profile\":{\"name\":\"Crash Customer\"},"
        + "\"wa_id\":\"16505550" + (100 + i % 50) + "\"}],\"messages\":[{\"from\":\"16505550" + (100 + i % 50)
        + "\",\"id\":\"wamid.crash." + i + "\",\"timestamp\":\"" + (1764000000 + i) + "\",\"type\":\"text\","
        + "\"text\":{\"body\":\"order " + i + " confirmed\"}}]},\"field\":\"messages\"}]}]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  static boolean post(HttpClient http, URI uri, int i) {
    byte[] b = body(i);
    try {
      HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri.resolve("/capture/whatsapp"))
          .timeout(Duration.ofSeconds(30))
          .header("X-Hub-Signature-256", CloudApiSignature.sign(b, SECRET.getBytes(StandardCharsets.UTF_8)))
          .POST(HttpRequest.BodyPublishers.ofByteArray(b)).build(), HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (Exception e) {
      return false; // connection refused or reset by the kill: not acknowledged
    }
  }

  @Test
  void killBetweenReceiptAndAckThenTheSendersRetryArchivesEachItemExactlyOnce() throws Exception {
    Path data = tmp.resolve("data");
    Archives.create(data, ArchiveOptions.defaults()).close();
    Set<Integer> acked = ConcurrentHashMap.newKeySet();
    AtomicInteger next = new AtomicInteger();

    Child first = serve(data);
    try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      ExecutorService senders = Executors.newFixedThreadPool(16);
      List<Future<?>> running = new ArrayList<>();
      for (int t = 0; t < 16; t++) {
        running.add(senders.submit(() -> {
          int i;
          while ((i = next.getAndIncrement()) < MESSAGES) {
            if (post(http, first.uri(), i)) {
              acked.add(i);
            }
          }
        }));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (acked.size() < MESSAGES / 5 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      first.process().destroyForcibly(); // SIGKILL while requests are in flight
      first.process().waitFor(30, TimeUnit.SECONDS);
      for (Future<?> f : running) {
        f.get(120, TimeUnit.SECONDS);
      }
      senders.shutdown();
    }
    assertThat(acked.size()).as("acknowledged before the kill").isGreaterThanOrEqualTo(MESSAGES / 5)
        .isLessThan(MESSAGES);

    Child second = serve(data);
    try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      ExecutorService retries = Executors.newFixedThreadPool(16);
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < MESSAGES; i++) {
        if (!acked.contains(i)) {
          int n = i;
          results.add(retries.submit(() -> post(http, second.uri(), n)));
        }
      }
      for (Future<Boolean> r : results) {
        assertThat(r.get(120, TimeUnit.SECONDS)).as("a retry").isTrue();
      }
      retries.shutdown();
      // A late duplicate delivery of something already acknowledged is acknowledged and not archived again.
      assertThat(post(http, second.uri(), acked.iterator().next())).isTrue();
    } finally {
      second.process().destroy(); // SIGTERM: the shutdown hook closes the archive
      assertThat(second.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
    }

    VerifyReport report = Verifier.verify(data, VerifyListener.NONE);
    assertThat(report.problems()).isEmpty();
    // Bodies are group-committed with their records (blob packs): no durable record names a body that
    // is not durable, whichever moment of a commit the kill hit.
    try (dev.coffer.archive.Archive archive = Archives.open(data, ArchiveOptions.defaults())) {
      List<String> missing = new ArrayList<>();
      long[] named = {0};
      archive.scan(1, r -> {
        String raw = r.record().source().raw();
        if (raw != null && r.record().source().connector().startsWith("whatsapp")) {
          named[0]++;
          if (!archive.hasBlob(raw)) {
            missing.add(r.record().id());
          }
        }
        return true;
      });
      assertThat(named[0]).isGreaterThanOrEqualTo(MESSAGES);
      assertThat(missing).as("records whose raw body is not stored").isEmpty();
    }
    Path out = tmp.resolve("export.jsonl");
    StringWriter err = new StringWriter();
    int status = Coffer.execute(new String[] {"export", "--format", "jsonl", "--data", data.toString(), "--out",
        out.toString()}, new PrintWriter(new StringWriter()), new PrintWriter(err));
    assertThat(status).as(err.toString()).isZero();
    Map<String, Integer> seen = new ConcurrentHashMap<>();
    Pattern nativeId = Pattern.compile("\"native_id\":\"(wamid\\.crash\\.\\d+)\"");
    for (String line : Files.readAllLines(out)) {
      Matcher m = nativeId.matcher(line);
      if (m.find()) {
        seen.merge(m.group(1), 1, Integer::sum);
      }
    }
    assertThat(seen).hasSize(MESSAGES);
    assertThat(seen.values()).allMatch(n -> n == 1);
  }
}
