package dev.coffer.connectors.whatsapp.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.archive.Archive;
import dev.coffer.connectors.media.MediaHttp;
import dev.coffer.model.Attachment;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches a media file the Graph API way and stores it in the archive.
 *
 * <ol>
 *   <li>{@code GET {graphBaseUrl}/{media-id}[?phone_number_id=…]} with {@code Authorization: Bearer
 *       {token}} answers JSON with {@code url}, {@code mime_type}, {@code sha256} (hex),
 *       {@code file_size}. The base URL includes the API version, e.g.
 *       {@code https://graph.facebook.com/v21.0}.
 *   <li>{@code GET {url}} with the same bearer header answers the bytes. The URL lives about five
 *       minutes: a 4xx here (expired or refused) goes back to step 1 for a fresh URL.
 *   <li>The bytes' SHA-256 must equal the webhook's declared digest (or, when the webhook gave none
 *       that could be read, the Graph API's). A mismatch is refused: nothing is stored.
 *   <li>Verified bytes are stored with {@link Archive#putBlob(byte[])}, durable on return.
 * </ol>
 *
 * <p>5xx, 429 (honouring {@code Retry-After} up to the policy's longest wait), timeouts and network
 * errors are retried with exponential backoff and jitter ({@link RetryPolicy}). Bytes are held in
 * memory only, bounded by {@link RetryPolicy#maxBytes()}: media plaintext is never written to a
 * temporary file. Logs name media ids, record ids and HTTP statuses only, never URLs (they carry
 * signed parameters) or the token. Thread-safe.
 */
public final class MediaFetcher {
  private static final Logger LOG = LoggerFactory.getLogger(MediaFetcher.class);

  /** What a fetch came to. */
  public sealed interface Result {
    /** HTTP attempts made. */
    int attempts();
  }

  /** The bytes were verified and stored; {@code attachment} is the completed attachment. */
  public record Stored(Attachment attachment, int attempts) implements Result {}

  /**
   * Nothing was stored. {@code retryable} is true when trying again later may succeed (the API was
   * failing or unreachable); false when the same request will fail the same way (digest mismatch,
   * too large, refused) until something changes.
   */
  public record Failed(String diagnostic, boolean retryable, int attempts) implements Result {}

  private final URI base;
  private final String token;
  private final HttpClient http;
  private final RetryPolicy policy;

  /**
   * @param graphBaseUrl absolute http(s) URL of the Graph API including its version
   * @param accessToken a system-user access token with whatsapp_business_messaging permission
   * @param http the client to use (its own connect timeout and proxy settings apply)
   * @param policy retries, timeouts and the size limit
   * @throws IllegalArgumentException naming the field when a value is unusable
   */
  public MediaFetcher(URI graphBaseUrl, String accessToken, HttpClient http, RetryPolicy policy) {
    if (graphBaseUrl == null || !graphBaseUrl.isAbsolute()
        || !("https".equals(graphBaseUrl.getScheme()) || "http".equals(graphBaseUrl.getScheme()))) {
      throw new IllegalArgumentException("graphBaseUrl must be an absolute http(s) URL, not "
          + graphBaseUrl);
    }
    if (!tokenMayGoTo(graphBaseUrl)) {
      throw new IllegalArgumentException("graphBaseUrl must be https (plain http only to a loopback"
          + " address, for tests): the access token is sent with every request, not " + graphBaseUrl);
    }
    if (accessToken == null || accessToken.isBlank()) {
      throw new IllegalArgumentException("accessToken must not be empty");
    }
    String b = graphBaseUrl.toString();
    this.base = URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
    this.token = accessToken.strip();
    this.http = Objects.requireNonNull(http, "http");
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  /** The Graph API's answer to a media lookup. */
  private record Lookup(URI url, String mimeType, String sha256, Long size) {}

  /** A transient failure: retry after the backoff, or after {@code retryAfter} when the server said. */
  private static final class Transient extends Exception {
    final Duration retryAfter;

    Transient(String message, Duration retryAfter) {
      super(message, null, false, false);
      this.retryAfter = retryAfter;
    }
  }

  /** A failure the same request will repeat. */
  private static final class Permanent extends Exception {
    Permanent(String message) {
      super(message, null, false, false);
    }
  }

  /** The download URL was refused (expired): look the media id up again. */
  private static final class Expired extends Exception {
    Expired(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Fetches {@code ref}'s bytes, verifies them and stores them in {@code archive}.
   *
   * @return {@link Stored} with the completed attachment, or {@link Failed}; never throws for
   *     remote failures
   * @throws IOException only when the archive could not store verified bytes
   */
  public Result fetch(MediaRef ref, Archive archive) throws IOException {
    Lookup lookup = null;
    String last = "no attempt made";
    Duration wait = Duration.ZERO;
    for (int attempt = 1; attempt <= policy.maxAttempts(); attempt++) {
      if (attempt > 1) {
        if (!sleep(jitter(policy.backoff(attempt - 1), wait))) {
          return new Failed("interrupted while waiting to retry; last: " + last, true, attempt - 1);
        }
      }
      wait = Duration.ZERO;
      try {
        if (lookup == null) {
          lookup = lookup(ref);
          if (lookup.size() != null && lookup.size() > policy.maxBytes()) {
            return new Failed("media " + ref.mediaId() + " is " + lookup.size()
                + " bytes, over the limit of " + policy.maxBytes(), false, attempt);
          }
          attempt++;
          if (attempt > policy.maxAttempts()) {
            last = "no attempts left for the download";
            break;
          }
        }
        byte[] bytes = download(lookup.url());
        return verifyAndStore(ref, lookup, bytes, archive, attempt);
      } catch (Transient t) {
        last = t.getMessage();
        wait = t.retryAfter;
        LOG.debug("media {} of record {}: attempt {} failed: {}", ref.mediaId(), ref.recordId(),
            attempt, last);
      } catch (Expired e) {
        last = e.getMessage();
        lookup = null;
      } catch (Permanent p) {
        LOG.info("media {} of record {}: {}", ref.mediaId(), ref.recordId(), p.getMessage());
        return new Failed(p.getMessage(), false, attempt);
      }
    }
    LOG.info("media {} of record {}: gave up after {} attempts: {}", ref.mediaId(), ref.recordId(),
        policy.maxAttempts(), last);
    return new Failed("gave up after " + policy.maxAttempts() + " attempts; last: " + last, true,
        policy.maxAttempts());
  }

  private Result verifyAndStore(MediaRef ref, Lookup lookup, byte[] bytes, Archive archive,
      int attempts) throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
    String actual = HexFormat.of().formatHex(sha.digest(bytes));
    String expected = ref.sha256() != null ? ref.sha256() : lookup.sha256();
    if (expected == null) {
      return new Failed("media " + ref.mediaId() + ": neither the webhook nor the Graph API gave a"
          + " SHA-256 to verify against; not stored", false, attempts);
    }
    if (!expected.equals(actual)) {
      LOG.warn("media {} of record {}: SHA-256 mismatch (expected {}, got {}); not stored",
          ref.mediaId(), ref.recordId(), expected, actual);
      return new Failed("media " + ref.mediaId() + ": SHA-256 mismatch, expected " + expected
          + ", got " + actual + "; not stored", false, attempts);
    }
    String stored = archive.putBlob(bytes);
    if (!stored.equals(actual)) {
      throw new IOException("the archive stored media " + ref.mediaId() + " as " + stored
          + " but its bytes hash to " + actual);
    }
    String mime = lookup.mimeType() != null ? lookup.mimeType() : ref.mimeType();
    return new Stored(new Attachment(ref.fileName(), mime, (long) bytes.length, stored,
        ref.caption(), false, false), attempts);
  }

  private Lookup lookup(MediaRef ref) throws Transient, Permanent, Expired {
    String q = ref.phoneNumberId() == null ? ""
        : "?phone_number_id=" + URLEncoder.encode(ref.phoneNumberId(), StandardCharsets.UTF_8);
    URI uri = URI.create(base + "/" + URLEncoder.encode(ref.mediaId(), StandardCharsets.UTF_8) + q);
    HttpResponse<InputStream> resp = send(uri, "media lookup");
    int code = resp.statusCode();
    byte[] body;
    try (InputStream in = resp.body()) {
      body = readBounded(in, 1 << 20, "media lookup");
      checkStatus(code, "media lookup", resp);
    } catch (PermanentIo e) {
      throw new Permanent(e.getMessage());
    } catch (IOException e) {
      throw new Transient("media lookup: reading the answer failed (" + e.getClass().getSimpleName()
          + ")", null);
    }
    if (code >= 400) {
      throw new Permanent("media lookup refused with HTTP " + code
          + " (the media id may have expired or the token lacks permission)");
    }
    JsonNode json;
    try {
      json = Json.read(body);
    } catch (IOException e) {
      throw new Permanent("media lookup answered something that is not JSON");
    }
    String problem = describeMediaResponse(json);
    if (problem != null && Json.str(json, "url") == null) {
      throw new Permanent("media lookup answer unusable: " + problem);
    }
    URI url;
    try {
      url = URI.create(Json.str(json, "url"));
    } catch (IllegalArgumentException e) {
      throw new Permanent("media lookup answer has an unreadable url");
    }
    if (!url.isAbsolute() || !("https".equals(url.getScheme()) || "http".equals(url.getScheme()))) {
      throw new Permanent("media lookup answer's url is not an absolute http(s) URL");
    }
    if (!tokenMayGoTo(url)) {
      throw new Permanent("media lookup answer's url is plain http: the access token is not sent"
          + " over plain HTTP");
    }
    String size = Json.str(json, "file_size");
    Long fileSize = size != null && size.matches("[0-9]{1,15}") ? Long.valueOf(size) : null;
    return new Lookup(url, Json.str(json, "mime_type"),
        MediaDigests.normalize(Json.str(json, "sha256")), fileSize);
  }

  private byte[] download(URI url) throws Transient, Permanent, Expired {
    HttpResponse<InputStream> resp = send(url, "media download");
    int code = resp.statusCode();
    try (InputStream in = resp.body()) {
      if (code >= 400 && code < 500 && code != 429 && code != 408) {
        throw new Expired("media download refused with HTTP " + code + " (URL expired?)");
      }
      checkStatus(code, "media download", resp);
      return readBounded(in, policy.maxBytes(), "media download");
    } catch (PermanentIo e) {
      throw new Permanent(e.getMessage());
    } catch (IOException e) {
      throw new Transient("media download: reading the bytes failed ("
          + e.getClass().getSimpleName() + ")", null);
    }
  }

  private HttpResponse<InputStream> send(URI uri, String what) throws Transient {
    HttpRequest req = HttpRequest.newBuilder(uri)
        .timeout(policy.requestTimeout())
        .header("Authorization", "Bearer " + token)
        .GET()
        .build();
    try {
      return http.send(req, HttpResponse.BodyHandlers.ofInputStream());
    } catch (HttpTimeoutException e) {
      throw new Transient(what + " timed out", null);
    } catch (IOException e) {
      throw new Transient(what + " failed (" + e.getClass().getSimpleName() + ")", null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Transient(what + " interrupted", null);
    }
  }

  /** 5xx, 429 and 408 are transient; 2xx passes; the caller judges the other 4xx. */
  private static void checkStatus(int code, String what, HttpResponse<?> resp) throws Transient {
    if (code >= 500 || code == 429 || code == 408) {
      Duration after = resp.headers().firstValue("Retry-After")
          .filter(v -> v.matches("[0-9]{1,6}"))
          .map(v -> Duration.ofSeconds(Long.parseLong(v)))
          .orElse(null);
      throw new Transient(what + " answered HTTP " + code, after);
    }
    if (code < 200 || (code >= 300 && code < 400)) {
      throw new Transient(what + " answered HTTP " + code, null);
    }
  }

  /** Reads at most {@code limit} bytes; more is refused (nothing kept). */
  private static byte[] readBounded(InputStream in, long limit, String what) throws IOException {
    try {
      return MediaHttp.readBounded(in, limit, what);
    } catch (MediaHttp.TooLarge e) {
      throw new PermanentIo(e.getMessage());
    }
  }

  /** A size refusal raised while reading; turned into a permanent failure. */
  private static final class PermanentIo extends IOException {
    PermanentIo(String message) {
      super(message);
    }
  }

  private Duration jitter(Duration backoff, Duration retryAfter) {
    return MediaHttp.jitter(backoff, retryAfter, policy.maxDelay());
  }

  private static boolean sleep(Duration d) {
    return MediaHttp.sleep(d);
  }

  /** See {@link MediaHttp#tokenMayGoTo}. */
  static boolean tokenMayGoTo(URI u) {
    return MediaHttp.tokenMayGoTo(u);
  }

  /**
   * What is wrong with a Graph API media response (no url, no mime_type, a sha256 that is not a
   * SHA-256 digest), or null when it is usable as it is.
   */
  static String describeMediaResponse(JsonNode json) {
    if (json == null || !json.isObject()) {
      return "not a JSON object";
    }
    if (Json.str(json, "url") == null) {
      return "no url";
    }
    if (Json.str(json, "mime_type") == null) {
      return "no mime_type";
    }
    String sha = Json.str(json, "sha256");
    if (sha != null && MediaDigests.normalize(sha) == null) {
      return "sha256 is not a SHA-256 digest; the webhook's digest must be used";
    }
    return null;
  }
}
