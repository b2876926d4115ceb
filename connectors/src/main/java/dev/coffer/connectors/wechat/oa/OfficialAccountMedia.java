package dev.coffer.connectors.wechat.oa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coffer.archive.Archive;
import dev.coffer.archive.StoredRecord;
import dev.coffer.connectors.media.MediaHttp;
import dev.coffer.connectors.media.MediaSource;
import dev.coffer.connectors.whatsapp.cloud.RetryPolicy;
import dev.coffer.model.Attachment;
import dev.coffer.model.Completion;
import dev.coffer.model.Ids;
import dev.coffer.model.Message;
import dev.coffer.model.Record;
import dev.coffer.model.Source;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches Official Account media the WeChat way, as a {@link MediaSource} for a
 * {@link dev.coffer.connectors.media.MediaQueue}:
 *
 * <ol>
 *   <li>an access token from {@code GET {api}/cgi-bin/token?grant_type=client_credential&appid=…&secret=…}
 *       ({@code {"access_token":…,"expires_in":7200}}), cached until a minute before it expires and
 *       fetched again when {@code media/get} answers errcode 40001, 40014 or 42001 (invalid or expired
 *       token: another process may have fetched a newer one, which invalidates ours);
 *   <li>{@code GET {api}/cgi-bin/media/get?access_token=…&media_id=…}: the bytes, with their
 *       {@code Content-Type}; for a video, JSON {@code {"video_url":…}} whose URL is then fetched (https,
 *       no token sent).
 * </ol>
 *
 * <p>An answer that is JSON with an {@code errcode} is a failure, never media: {@code -1} (system busy)
 * and 45009 (call quota) are retried with backoff like 5xx, 429, timeouts and network errors
 * ({@link RetryPolicy}); 40007 (invalid media id: temporary media live 3 days) and other codes are
 * refusals. WeChat declares no digest for media: the stored blob's SHA-256 is computed from the bytes
 * received. Logs name media ids, record ids and errcodes only: never URLs (the AppSecret and the token
 * travel in query strings), the AppSecret or the token. Thread-safe.
 */
public final class OfficialAccountMedia implements MediaSource<OaMediaRef> {
  private static final Logger LOG = LoggerFactory.getLogger(OfficialAccountMedia.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Refresh the token this long before WeChat says it expires. */
  static final Duration TOKEN_MARGIN = Duration.ofSeconds(60);

  private final URI base;
  private final String appId;
  private final String appSecret;
  private final HttpClient http;
  private final RetryPolicy policy;
  private final Clock clock;
  private String token;
  private Instant tokenExpires = Instant.MIN;
  private int tokensFetched;

  /**
   * @param apiBaseUrl WeChat's API base URL ({@code https://api.weixin.qq.com}); https, or plain http
   *     to a loopback address (tests)
   * @throws IllegalArgumentException naming the field when a value is unusable
   */
  public OfficialAccountMedia(URI apiBaseUrl, String appId, String appSecret, HttpClient http, RetryPolicy policy,
      Clock clock) {
    if (apiBaseUrl == null || !apiBaseUrl.isAbsolute() || !MediaHttp.tokenMayGoTo(apiBaseUrl)) {
      throw new IllegalArgumentException("apiBaseUrl must be an https URL (plain http only to a loopback address), not "
          + apiBaseUrl);
    }
    if (appId == null || appId.isBlank()) {
      throw new IllegalArgumentException("appId must not be empty");
    }
    if (appSecret == null || appSecret.isBlank()) {
      throw new IllegalArgumentException("appSecret must not be empty");
    }
    String b = apiBaseUrl.toString();
    this.base = URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
    this.appId = appId.strip();
    this.appSecret = appSecret.strip();
    this.http = Objects.requireNonNull(http, "http");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The media the records of one callback announced (pending attachments of its messages). */
  public static List<OaMediaRef> refsOf(List<Record> records) {
    List<OaMediaRef> out = new ArrayList<>();
    for (Record r : records) {
      if (r instanceof Message m && m.source() != null && OaRecords.CONNECTOR.equals(m.source().connector())) {
        List<Attachment> atts = m.attachmentList();
        for (int i = 0; i < atts.size(); i++) {
          Attachment a = atts.get(i);
          if (a.pending() && a.name() != null) {
            out.add(new OaMediaRef(m.id(), i, a.name(), a.mediaType(), m.source().raw()));
          }
        }
      }
    }
    return out;
  }

  /**
   * The media still pending in the archive (one pass over every record): Official Account messages'
   * pending attachments without a completion. Enqueue them at start, so a restart loses nothing.
   */
  public static List<OaMediaRef> pendingIn(Archive archive) throws IOException {
    List<Record> waiting = new ArrayList<>();
    Set<String> completed = new HashSet<>();
    archive.scan(1, (StoredRecord sr) -> {
      switch (sr.record()) {
        case Message m when m.source() != null && OaRecords.CONNECTOR.equals(m.source().connector())
            && m.attachmentList().stream().anyMatch(Attachment::pending) -> waiting.add(m);
        case Completion c when c.source() != null && OaRecords.CONNECTOR.equals(c.source().connector()) ->
            completed.add(c.target() + "#" + c.index());
        default -> { }
      }
      return true;
    });
    return refsOf(waiting).stream().filter(r -> !completed.contains(r.key())).toList();
  }

  @Override
  public String key(OaMediaRef ref) {
    return ref.key();
  }

  @Override
  public String completionId(OaMediaRef ref) {
    return Ids.derive(OaRecords.CONNECTOR + "/completion", ref.recordId(), Integer.toString(ref.attachmentIndex()));
  }

  @Override
  public Completion completion(String id, OaMediaRef ref, Attachment attachment, Record target, Instant now) {
    return new Completion(id, "wechat", target == null ? null : target.conversation(), null, now, null,
        ref.recordId(), ref.attachmentIndex(), attachment, new Source(OaRecords.CONNECTOR, ref.mediaId(),
            ref.rawBlobDigest(), target == null ? null : target.source().range(), null));
  }

  /** How many access tokens were fetched (for health and tests). */
  public synchronized int tokensFetched() {
    return tokensFetched;
  }

  /** A transient failure: retry after the backoff. */
  private static final class Transient extends Exception {
    Transient(String message) {
      super(message, null, false, false);
    }
  }

  /** A failure the same request will repeat. */
  private static final class Permanent extends Exception {
    Permanent(String message) {
      super(message, null, false, false);
    }
  }

  /** The token was refused: fetch a new one and try again at once. */
  private static final class StaleToken extends Exception {
    StaleToken(String message) {
      super(message, null, false, false);
    }
  }

  @Override
  public Outcome fetch(OaMediaRef ref, Archive archive) throws IOException {
    String last = "no attempt made";
    boolean refreshed = false;
    for (int attempt = 1; attempt <= policy.maxAttempts(); attempt++) {
      if (attempt > 1 && !MediaHttp.sleep(MediaHttp.jitter(policy.backoff(attempt - 1), null, policy.maxDelay()))) {
        return new Failed("interrupted while waiting to retry; last: " + last, true);
      }
      try {
        byte[][] got = download(ref, accessToken());
        return store(ref, got, archive);
      } catch (StaleToken s) {
        last = s.getMessage();
        invalidate();
        if (!refreshed) {
          refreshed = true;
          attempt--; // a refused token is fetched again at once, once per fetch
        }
      } catch (Transient t) {
        last = t.getMessage();
        LOG.debug("media {} of record {}: attempt {} failed: {}", ref.mediaId(), ref.recordId(), attempt, last);
      } catch (Permanent p) {
        LOG.info("media {} of record {}: {}", ref.mediaId(), ref.recordId(), p.getMessage());
        return new Failed(p.getMessage(), false);
      }
    }
    LOG.info("media {} of record {}: gave up after {} attempts: {}", ref.mediaId(), ref.recordId(),
        policy.maxAttempts(), last);
    return new Failed("gave up after " + policy.maxAttempts() + " attempts; last: " + last, true);
  }

  private Outcome store(OaMediaRef ref, byte[][] got, Archive archive) throws IOException {
    byte[] bytes = got[0];
    String stored = archive.putBlob(bytes);
    String actual;
    try {
      actual = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
    if (!stored.equals(actual)) {
      throw new IOException("the archive stored media " + ref.mediaId() + " as " + stored + " but its bytes hash to "
          + actual);
    }
    String type = got[1] == null ? null : new String(got[1], StandardCharsets.US_ASCII);
    String mediaType = type != null && !type.startsWith("application/octet-stream") ? type : ref.mediaType();
    return new Fetched(new Attachment(ref.mediaId(), mediaType, (long) bytes.length, stored, null, false, false));
  }

  private synchronized void invalidate() {
    token = null;
    tokenExpires = Instant.MIN;
  }

  /** The cached access token, or a new one when there is none or it is about to expire. */
  private synchronized String accessToken() throws Transient, Permanent {
    Instant now = clock.instant();
    if (token != null && now.isBefore(tokenExpires)) {
      return token;
    }
    URI uri = URI.create(base + "/cgi-bin/token?grant_type=client_credential&appid="
        + URLEncoder.encode(appId, StandardCharsets.UTF_8) + "&secret=" + URLEncoder.encode(appSecret, StandardCharsets.UTF_8));
    HttpResponse<InputStream> resp = send(uri, "access token");
    JsonNode json;
    try (InputStream in = resp.body()) {
      byte[] body = MediaHttp.readBounded(in, 1 << 16, "access token answer");
      statusOf(resp.statusCode(), "access token");
      json = JSON.readTree(body);
    } catch (IOException e) {
      throw new Transient("access token: the answer could not be read (" + e.getClass().getSimpleName() + ")");
    }
    if (json == null || !json.isObject()) {
      throw new Transient("access token: the answer is not a JSON object");
    }
    int errcode = json.path("errcode").asInt(0);
    if (errcode != 0) {
      String what = "access token refused: errcode " + errcode;
      if (errcode == -1 || errcode == 45009) {
        throw new Transient(what);
      }
      throw new Permanent(what + (errcode == 40164 ? " (this server's IP is not on the account's IP allow-list)"
          : errcode == 40001 || errcode == 40125 ? " (wechat.appsecret is wrong)"
          : errcode == 40013 ? " (wechat.appid is wrong)" : ""));
    }
    String t = json.path("access_token").asText(null);
    long expiresIn = json.path("expires_in").asLong(7200);
    if (t == null || t.isBlank()) {
      throw new Transient("access token: the answer has no access_token");
    }
    token = t;
    Duration life = Duration.ofSeconds(Math.max(expiresIn, 1));
    tokenExpires = now.plus(life.compareTo(TOKEN_MARGIN.multipliedBy(2)) > 0 ? life.minus(TOKEN_MARGIN) : life.dividedBy(2));
    tokensFetched++;
    LOG.info("wechat-oa: fetched an access token (valid {} s)", expiresIn);
    return token;
  }

  /** The bytes and their content type (index 1, may be null). */
  private byte[][] download(OaMediaRef ref, String accessToken) throws Transient, Permanent, StaleToken {
    URI uri = URI.create(base + "/cgi-bin/media/get?access_token=" + URLEncoder.encode(accessToken, StandardCharsets.UTF_8)
        + "&media_id=" + URLEncoder.encode(ref.mediaId(), StandardCharsets.UTF_8));
    HttpResponse<InputStream> resp = send(uri, "media/get");
    String type = resp.headers().firstValue("Content-Type").orElse(null);
    byte[] body;
    try (InputStream in = resp.body()) {
      statusOf(resp.statusCode(), "media/get");
      body = MediaHttp.readBounded(in, policy.maxBytes(), "media/get");
    } catch (MediaHttp.TooLarge e) {
      throw new Permanent(e.getMessage());
    } catch (IOException e) {
      throw new Transient("media/get: reading the answer failed (" + e.getClass().getSimpleName() + ")");
    }
    if (resp.statusCode() >= 400) {
      throw new Permanent("media/get refused with HTTP " + resp.statusCode());
    }
    JsonNode json = jsonAnswer(type, body);
    if (json == null) {
      return new byte[][] {body, type == null ? null : type.getBytes(StandardCharsets.US_ASCII)};
    }
    int errcode = json.path("errcode").asInt(0);
    if (errcode == 40001 || errcode == 40014 || errcode == 42001) {
      throw new StaleToken("media/get: errcode " + errcode + " (access token invalid or expired)");
    }
    if (errcode == -1 || errcode == 45009) {
      throw new Transient("media/get: errcode " + errcode + (errcode == -1 ? " (system busy)" : " (call quota reached)"));
    }
    if (errcode != 0) {
      throw new Permanent("media/get: errcode " + errcode + (errcode == 40007
          ? " (invalid media_id: temporary media are kept 3 days)" : ""));
    }
    String videoUrl = json.path("video_url").asText(null);
    if (videoUrl == null) {
      throw new Permanent("media/get answered JSON that is neither media nor an error");
    }
    return video(videoUrl);
  }

  /** A video: media/get names a download URL; fetch it without the token. */
  private byte[][] video(String url) throws Transient, Permanent {
    URI u;
    try {
      u = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new Permanent("media/get: video_url is not a URL");
    }
    if (!u.isAbsolute() || !("https".equals(u.getScheme()) || "http".equals(u.getScheme()))) {
      throw new Permanent("media/get: video_url is not an absolute http(s) URL");
    }
    HttpResponse<InputStream> resp = send(u, "video download");
    try (InputStream in = resp.body()) {
      statusOf(resp.statusCode(), "video download");
      if (resp.statusCode() >= 400) {
        throw new Permanent("video download refused with HTTP " + resp.statusCode());
      }
      byte[] body = MediaHttp.readBounded(in, policy.maxBytes(), "video download");
      return new byte[][] {body, "video/mp4".getBytes(StandardCharsets.US_ASCII)};
    } catch (MediaHttp.TooLarge e) {
      throw new Permanent(e.getMessage());
    } catch (IOException e) {
      throw new Transient("video download: reading failed (" + e.getClass().getSimpleName() + ")");
    }
  }

  /**
   * The answer as JSON when it is an API answer rather than media: a JSON or text content type, or no
   * type and a body that reads as a JSON object. Media bytes are never taken for JSON by their first
   * byte alone when the server named a media type.
   */
  static JsonNode jsonAnswer(String contentType, byte[] body) {
    String t = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
    boolean apiType = t.contains("json") || t.startsWith("text/");
    if (!apiType && !t.isEmpty()) {
      return null;
    }
    try {
      JsonNode n = JSON.readTree(body);
      return n != null && n.isObject() ? n : null;
    } catch (IOException e) {
      return null;
    }
  }

  private HttpResponse<InputStream> send(URI uri, String what) throws Transient {
    HttpRequest req = HttpRequest.newBuilder(uri).timeout(policy.requestTimeout()).GET().build();
    try {
      return http.send(req, HttpResponse.BodyHandlers.ofInputStream());
    } catch (HttpTimeoutException e) {
      throw new Transient(what + " timed out");
    } catch (IOException e) {
      throw new Transient(what + " failed (" + e.getClass().getSimpleName() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Transient(what + " interrupted");
    }
  }

  /** 5xx, 429 and 408 are transient; other non-2xx the caller judges. */
  private static void statusOf(int code, String what) throws Transient {
    if (code >= 500 || code == 429 || code == 408 || code < 200 || (code >= 300 && code < 400)) {
      throw new Transient(what + " answered HTTP " + code);
    }
  }
}
