package dev.coffer.connectors.whatsapp.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Graph API media flow against a real local HTTP server, into a real archive on disk. */
class MediaFetcherTest {
  static final RetryPolicy FAST = new RetryPolicy(4, Duration.ofMillis(5), Duration.ofMillis(20),
      Duration.ofSeconds(5), 1 << 20);

  @TempDir Path dir;
  GraphApiFixture graph;
  Archive archive;
  MediaFetcher fetcher;

  @BeforeEach
  void start() throws Exception {
    graph = new GraphApiFixture();
    archive = Archives.create(dir.resolve("data"), ArchiveOptions.defaults());
    fetcher = new MediaFetcher(graph.base(), GraphApiFixture.TOKEN, HttpClient.newHttpClient(), FAST);
  }

  @AfterEach
  void stop() throws Exception {
    archive.close();
    graph.close();
  }

  static MediaRef ref(String mediaId, byte[] bytes) {
    return new MediaRef("f".repeat(32), 0, mediaId, GraphApiFixture.sha256(bytes), "image/jpeg",
        "receipt.jpg", "a caption", "5550001", "0".repeat(64));
  }

  @Test
  void fetchesVerifiesAndStoresTheBytes() throws Exception {
    byte[] bytes = "jpeg bytes of a signed term sheet".getBytes(StandardCharsets.UTF_8);
    graph.files.put("m1", bytes);
    var result = fetcher.fetch(ref("m1", bytes), archive);
    assertThat(result).isInstanceOfSatisfying(MediaFetcher.Stored.class, s -> {
      assertThat(s.attachment().sha256()).isEqualTo(GraphApiFixture.sha256(bytes));
      assertThat(s.attachment().size()).isEqualTo(bytes.length);
      assertThat(s.attachment().mediaType()).isEqualTo("image/jpeg");
      assertThat(s.attachment().name()).isEqualTo("receipt.jpg");
      assertThat(s.attachment().caption()).isEqualTo("a caption");
      assertThat(s.attachment().pending()).isFalse();
      assertThat(s.attempts()).isEqualTo(2);
    });
    try (var in = archive.openBlob(GraphApiFixture.sha256(bytes))) {
      assertThat(in.readAllBytes()).isEqualTo(bytes);
    }
    assertThat(graph.unauthorized).hasValue(0);
  }

  @Test
  void acceptsTheWebhooksBase64DigestAfterNormalising() throws Exception {
    byte[] bytes = {1, 2, 3, 4, 5};
    graph.files.put("m-b64", bytes);
    String b64 = Base64.getEncoder().encodeToString(HexFormat.of().parseHex(GraphApiFixture.sha256(bytes)));
    MediaRef r = new MediaRef("f".repeat(32), 0, "m-b64", MediaDigests.normalize(b64), null, null,
        null, null, "0".repeat(64));
    assertThat(fetcher.fetch(r, archive)).isInstanceOf(MediaFetcher.Stored.class);
  }

  @Test
  void retriesServerErrorsAndTooManyRequestsThenSucceeds() throws Exception {
    byte[] bytes = "after a bad minute".getBytes(StandardCharsets.UTF_8);
    graph.files.put("m2", bytes);
    graph.lookupFailures.add(500);
    graph.lookupFailures.add(429);
    graph.downloadFailures.add(503);
    // Lookup and download attempts count together: 3 lookups and 2 downloads need 5.
    MediaFetcher patient = new MediaFetcher(graph.base(), GraphApiFixture.TOKEN,
        HttpClient.newHttpClient(), new RetryPolicy(5, Duration.ofMillis(5), Duration.ofMillis(20),
            Duration.ofSeconds(5), 1 << 20));
    var result = patient.fetch(ref("m2", bytes), archive);
    assertThat(result).isInstanceOf(MediaFetcher.Stored.class);
    assertThat(graph.lookups).hasValue(3);
    assertThat(graph.downloads).hasValue(2);
  }

  @Test
  void anExpiredDownloadUrlIsLookedUpAgain() throws Exception {
    byte[] bytes = "late bytes".getBytes(StandardCharsets.UTF_8);
    graph.files.put("m3", bytes);
    graph.expired.add("1"); // the first URL handed out has expired by the time it is used
    var result = fetcher.fetch(ref("m3", bytes), archive);
    assertThat(result).isInstanceOf(MediaFetcher.Stored.class);
    assertThat(graph.lookups).hasValue(2);
    assertThat(graph.downloads).hasValue(2);
  }

  @Test
  void aDigestMismatchIsRefusedAndNothingIsStored() throws Exception {
    byte[] bytes = "what the server sent".getBytes(StandardCharsets.UTF_8);
    graph.files.put("m4", bytes);
    MediaRef declared = ref("m4", "what the webhook promised".getBytes(StandardCharsets.UTF_8));
    var result = fetcher.fetch(declared, archive);
    assertThat(result).isInstanceOfSatisfying(MediaFetcher.Failed.class, f -> {
      assertThat(f.retryable()).isFalse();
      assertThat(f.diagnostic()).contains("SHA-256 mismatch");
    });
    assertThat(archive.hasBlob(GraphApiFixture.sha256(bytes))).isFalse();
  }

  @Test
  void usesTheGraphDigestWhenTheWebhookGaveNoneAndRefusesWithoutAny() throws Exception {
    byte[] bytes = "no digest in the webhook".getBytes(StandardCharsets.UTF_8);
    graph.files.put("m5", bytes);
    MediaRef noDigest = new MediaRef("f".repeat(32), 0, "m5", null, null, null, null, null, "0".repeat(64));
    assertThat(fetcher.fetch(noDigest, archive)).isInstanceOf(MediaFetcher.Stored.class);
    graph.files.put("m6", bytes);
    graph.reportedSha.put("m6", "not-a-digest");
    MediaRef none = new MediaRef("f".repeat(32), 0, "m6", null, null, null, null, null, "0".repeat(64));
    assertThat(fetcher.fetch(none, archive)).isInstanceOfSatisfying(MediaFetcher.Failed.class,
        f -> assertThat(f.diagnostic()).contains("neither"));
  }

  @Test
  void aServerThatKeepsFailingGivesUpRetryablyAfterTheAttempts() throws Exception {
    byte[] bytes = {9};
    graph.files.put("m7", bytes);
    for (int i = 0; i < 10; i++) {
      graph.lookupFailures.add(502);
    }
    var result = fetcher.fetch(ref("m7", bytes), archive);
    assertThat(result).isInstanceOfSatisfying(MediaFetcher.Failed.class, f -> {
      assertThat(f.retryable()).isTrue();
      assertThat(f.attempts()).isEqualTo(FAST.maxAttempts());
      assertThat(f.diagnostic()).contains("HTTP 502");
    });
    assertThat(graph.lookups).hasValue(FAST.maxAttempts());
  }

  @Test
  void anUnknownMediaIdAndAWrongTokenAreNotRetried() throws Exception {
    var unknown = fetcher.fetch(ref("nope", new byte[] {1}), archive);
    assertThat(unknown).isInstanceOfSatisfying(MediaFetcher.Failed.class, f -> {
      assertThat(f.retryable()).isFalse();
      assertThat(f.diagnostic()).contains("HTTP 404");
    });
    graph.files.put("m8", new byte[] {1});
    MediaFetcher wrongToken = new MediaFetcher(graph.base(), "wrong", HttpClient.newHttpClient(), FAST);
    assertThat(wrongToken.fetch(ref("m8", new byte[] {1}), archive))
        .isInstanceOfSatisfying(MediaFetcher.Failed.class, f -> assertThat(f.diagnostic()).contains("HTTP 401"));
    assertThat(graph.lookups).hasValue(2);
  }

  @Test
  void aFileOverTheLimitIsRefused() throws Exception {
    byte[] big = new byte[(1 << 20) + 1];
    graph.files.put("big", big);
    assertThat(fetcher.fetch(ref("big", big), archive)).isInstanceOfSatisfying(MediaFetcher.Failed.class, f -> {
      assertThat(f.retryable()).isFalse();
      assertThat(f.diagnostic()).contains("over the limit");
    });
    assertThat(graph.downloads).hasValue(0);
  }

  @Test
  void configurationErrorsNameTheField() {
    HttpClient c = HttpClient.newHttpClient();
    assertThatThrownBy(() -> new MediaFetcher(URI.create("ftp://x/v1"), "t", c, FAST))
        .hasMessageContaining("graphBaseUrl");
    assertThatThrownBy(() -> new MediaFetcher(URI.create("http://graph.example/v1"), "t", c, FAST))
        .hasMessageContaining("graphBaseUrl must be https");
    assertThat(MediaFetcher.tokenMayGoTo(URI.create("http://127.0.0.1:8080/x"))).isTrue();
    assertThat(MediaFetcher.tokenMayGoTo(URI.create("http://[::1]:8080/x"))).isTrue();
    assertThat(MediaFetcher.tokenMayGoTo(URI.create("http://10.0.0.1/x"))).isFalse();
    assertThat(MediaFetcher.tokenMayGoTo(URI.create("http://127.0.0.1.example.test/x"))).isFalse();
    assertThatThrownBy(() -> new MediaFetcher(URI.create("https://graph.example/v1"), " ", c, FAST))
        .hasMessageContaining("accessToken");
    assertThatThrownBy(() -> new RetryPolicy(0, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofSeconds(1), 1))
        .hasMessageContaining("maxAttempts");
    assertThatThrownBy(() -> new RetryPolicy(1, Duration.ofMillis(10), Duration.ofMillis(1), Duration.ofSeconds(1), 1))
        .hasMessageContaining("maxDelay");
  }

  @Test
  void backoffDoublesAndIsCapped() {
    RetryPolicy p = new RetryPolicy(10, Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(1), 1);
    assertThat(p.backoff(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(p.backoff(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(p.backoff(4)).isEqualTo(Duration.ofSeconds(8));
    assertThat(p.backoff(5)).isEqualTo(Duration.ofSeconds(10));
    assertThat(p.backoff(60)).isEqualTo(Duration.ofSeconds(10));
  }
}
