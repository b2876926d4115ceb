package dev.coffer.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.coffer.model.Completion;
import dev.coffer.model.Digests;
import dev.coffer.model.Message;
import dev.coffer.model.Record;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Official Account media end to end: messages posted to {@code /capture/wechat} over real HTTP are
 * answered {@code success} with their attachments pending, then fetched from a real local HTTP server
 * playing WeChat's API ({@code cgi-bin/token}, {@code cgi-bin/media/get}) and completed by later
 * records: a token cached and fetched again when refused (42001), a busy API (errcode -1) retried, a
 * video through its {@code video_url}, and an errcode answer (40007) never stored as media.
 */
class WeChatMediaTest {
  static final String TOKEN = "coffertesttoken";
  static final String APPID = "wx5823bf96d3bd56c7";
  static final String APPSECRET = "app-secret-for-the-test-api";
  static final byte[] PHOTO = "jpeg bytes of a photo the customer sent".getBytes(StandardCharsets.UTF_8);
  static final byte[] PHOTO2 = "a second photo, after the token expired".getBytes(StandardCharsets.UTF_8);
  static final byte[] VOICE = "amr bytes of a voice note".getBytes(StandardCharsets.UTF_8);
  static final byte[] VIDEO = "mp4 bytes of a short video".getBytes(StandardCharsets.UTF_8);
  static final String GONE = "{\"errcode\":40007,\"errmsg\":\"invalid media_id hint: [x]\"}";

  @TempDir Path dir;
  HttpServer api;
  ServerFixture f;
  final AtomicInteger tokensIssued = new AtomicInteger();
  final Set<String> validTokens = ConcurrentHashMap.newKeySet();
  final AtomicInteger busyCalls = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    api.createContext("/cgi-bin/token", ex -> {
      Map<String, String> q = query(ex);
      if (!APPID.equals(q.get("appid")) || !APPSECRET.equals(q.get("secret"))
          || !"client_credential".equals(q.get("grant_type"))) {
        json(ex, "{\"errcode\":40125,\"errmsg\":\"invalid appsecret\"}");
        return;
      }
      String t = "ACCESS_TOKEN_" + tokensIssued.incrementAndGet();
      validTokens.add(t);
      json(ex, "{\"access_token\":\"" + t + "\",\"expires_in\":7200}");
    });
    api.createContext("/cgi-bin/media/get", ex -> {
      Map<String, String> q = query(ex);
      if (!validTokens.contains(q.get("access_token"))) {
        json(ex, "{\"errcode\":42001,\"errmsg\":\"access_token expired\"}");
        return;
      }
      switch (q.get("media_id")) {
        case "img-1" -> bytes(ex, "image/jpeg", PHOTO);
        case "img-2" -> bytes(ex, "image/jpeg", PHOTO2);
        case "voice-busy" -> {
          if (busyCalls.incrementAndGet() == 1) {
            json(ex, "{\"errcode\":-1,\"errmsg\":\"system error\"}");
          } else {
            bytes(ex, "audio/amr", VOICE);
          }
        }
        case "vid-1" -> json(ex, "{\"video_url\":\"http://127.0.0.1:" + api.getAddress().getPort() + "/video/vid-1\"}");
        default -> {
          // WeChat answers errors as JSON with status 200 (sometimes labelled text/plain)
          byte[] b = GONE.getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().set("Content-Type", "text/plain");
          ex.sendResponseHeaders(200, b.length);
          ex.getResponseBody().write(b);
          ex.close();
        }
      }
    });
    api.createContext("/video/vid-1", ex -> bytes(ex, "video/mp4", VIDEO));
    api.start();
    f = ServerFixture.start(dir, Map.of("wechat.token", TOKEN, "wechat.appid", APPID, "wechat.appsecret", APPSECRET,
        "wechat.api-url", "http://127.0.0.1:" + api.getAddress().getPort()));
  }

  @AfterEach
  void stop() throws Exception {
    if (f != null) {
      f.close();
    }
    api.stop(0);
  }

  static Map<String, String> query(HttpExchange ex) {
    Map<String, String> q = new HashMap<>();
    String raw = ex.getRequestURI().getRawQuery();
    if (raw != null) {
      for (String kv : raw.split("&")) {
        int i = kv.indexOf('=');
        q.put(URLDecoder.decode(kv.substring(0, i), StandardCharsets.UTF_8),
            URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8));
      }
    }
    return q;
  }

  static void json(HttpExchange ex, String body) throws IOException {
    bytes(ex, "application/json; encoding=utf-8", body.getBytes(StandardCharsets.UTF_8));
  }

  static void bytes(HttpExchange ex, String type, byte[] b) throws IOException {
    try (ex) {
      ex.getResponseHeaders().set("Content-Type", type);
      ex.sendResponseHeaders(200, b.length);
      ex.getResponseBody().write(b);
    }
  }

  static String media(String type, long msgId, String mediaId) {
    String extra = switch (type) {
      case "image" -> "<PicUrl><![CDATA[http://mmbiz.example/pic]]></PicUrl>";
      case "voice" -> "<Format><![CDATA[amr]]></Format>";
      default -> "<ThumbMediaId><![CDATA[thumb-1]]></ThumbMediaId>";
    };
    return "<xml><ToUserName><![CDATA[gh_0a1b2c3d4e5f]]></ToUserName><FromUserName><![CDATA[oUser1]]></FromUserName>"
        + "<CreateTime>1764000000</CreateTime><MsgType><![CDATA[" + type + "]]></MsgType>" + extra
        + "<MediaId><![CDATA[" + mediaId + "]]></MediaId><MsgId>" + msgId + "</MsgId></xml>";
  }

  void post(String xml) throws Exception {
    String ts = "1764000001";
    String nonce = "n0nce1";
    HttpResponse<String> r = f.post(WeChatEndpoint.PATH + "?signature=" + WeChatEndpointTest.sha1(TOKEN, ts, nonce)
        + "&timestamp=" + ts + "&nonce=" + nonce + "&openid=oUser1", xml.getBytes(StandardCharsets.UTF_8),
        Map.of("Content-Type", "text/xml"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("success");
  }

  Message message(String mediaId) throws IOException {
    return f.records().stream().filter(r -> r instanceof Message m && !m.attachmentList().isEmpty()
        && mediaId.equals(m.attachmentList().getFirst().name())).map(Message.class::cast).findFirst().orElseThrow();
  }

  /** Waits (generous liveness bound) for the completion of {@code mediaId}'s message. */
  Completion completion(String mediaId) throws Exception {
    String target = message(mediaId).id();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      for (Record r : f.records()) {
        if (r instanceof Completion c && c.target().equals(target)) {
          return c;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no completion for " + mediaId);
  }

  byte[] blob(String sha256) throws IOException {
    try (InputStream in = f.server.context().archive().openBlob(sha256)) {
      return in.readAllBytes();
    }
  }

  @Test
  void mediaArePendingAtTheAnswerThenFetchedWithACachedTokenAndCompletedByLaterRecords() throws Exception {
    post(media("image", 9001, "img-1"));
    Message m = message("img-1");
    assertThat(m.attachmentList().getFirst().pending()).isTrue(); // archived at once, never held back
    Completion c = completion("img-1");
    assertThat(c.attachment().sha256()).isEqualTo(Digests.sha256Hex(PHOTO));
    assertThat(c.attachment().mediaType()).isEqualTo("image/jpeg");
    assertThat(c.attachment().size()).isEqualTo(PHOTO.length);
    assertThat(c.conversation()).isEqualTo(m.conversation());
    assertThat(c.source().connector()).isEqualTo("wechat-oa");
    assertThat(blob(c.attachment().sha256())).isEqualTo(PHOTO);
    assertThat(message("img-1")).as("the archived message is unchanged").isEqualTo(m);

    // a second message reuses the cached token
    post(media("video", 9002, "vid-1"));
    assertThat(blob(completion("vid-1").attachment().sha256())).isEqualTo(VIDEO);
    assertThat(tokensIssued.get()).isEqualTo(1);

    // the token expires (42001): a new one is fetched and the fetch goes through
    validTokens.clear();
    post(media("image", 9003, "img-2"));
    assertThat(blob(completion("img-2").attachment().sha256())).isEqualTo(PHOTO2);
    assertThat(tokensIssued.get()).isEqualTo(2);

    // a busy API (errcode -1) is retried with backoff
    post(media("voice", 9004, "voice-busy"));
    Completion voice = completion("voice-busy");
    assertThat(blob(voice.attachment().sha256())).isEqualTo(VOICE);
    assertThat(busyCalls.get()).isEqualTo(2);

    // an errcode answer is a failure, not media: nothing stored, the attachment stays pending
    post(media("image", 9005, "gone-1"));
    Message gone = message("gone-1");
    long deadline = System.nanoTime() + 30_000_000_000L;
    long pending = -1;
    while (System.nanoTime() < deadline) {
      pending = f.server.context().health().snapshot().get(WeChatEndpoint.CONNECTOR).mediaPending();
      if (pending == 1 && f.server.context().archive().hasBlob(Digests.sha256Hex(GONE.getBytes(StandardCharsets.UTF_8)))
          == false && tokensIssued.get() >= 2) {
        break;
      }
      Thread.sleep(100);
    }
    Thread.sleep(1500); // one more poll round: still no completion for it
    assertThat(pending).isEqualTo(1);
    assertThat(f.records()).noneMatch(r -> r instanceof Completion cc && cc.target().equals(gone.id()));
    assertThat(f.server.context().archive().hasBlob(Digests.sha256Hex(GONE.getBytes(StandardCharsets.UTF_8)))).isFalse();

    // a restart rebuilds the queue from the archive: only the one still pending
    f.close();
    f = ServerFixture.restart(dir, Map.of("wechat.token", TOKEN, "wechat.appid", APPID, "wechat.appsecret", APPSECRET,
        "wechat.api-url", "http://127.0.0.1:" + api.getAddress().getPort()));
    long until = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < until
        && f.server.context().health().snapshot().get(WeChatEndpoint.CONNECTOR).mediaPending() != 1) {
      Thread.sleep(100);
    }
    assertThat(f.server.context().health().snapshot().get(WeChatEndpoint.CONNECTOR).mediaPending()).isEqualTo(1);
    assertThat(f.records().stream().filter(r -> r instanceof Completion).count()).isEqualTo(4);
  }

  @Test
  void theAppSecretIsValidatedAndNeverInTheConfigurationsText() throws Exception {
    ServerConfig cfg = f.server.context().config();
    assertThat(cfg.toString()).doesNotContain(APPSECRET);
    Map<String, String> bad = new HashMap<>(Map.of("data", dir.toString(), "wechat.token", TOKEN,
        "wechat.appsecret", APPSECRET));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ServerConfig.load(null, Map.of(), bad))
        .hasMessageContaining("wechat.appid (COFFER_WECHAT_APPID)").hasMessageNotContaining(APPSECRET);
    bad.put("wechat.appid", APPID);
    bad.put("wechat.api-url", "http://api.weixin.example");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ServerConfig.load(null, Map.of(), bad))
        .hasMessageContaining("wechat.api-url (COFFER_WECHAT_API_URL)");
    assertThat(ServerConfig.load(null, Map.of("COFFER_WECHAT_TOKEN", TOKEN, "COFFER_WECHAT_APPID", APPID,
        "COFFER_WECHAT_APPSECRET", APPSECRET), Map.of("data", dir.toString())).weChat().apiUrl())
        .hasToString("https://api.weixin.qq.com");
    assertThat(List.of(tokensIssued.get())).isNotNull();
  }
}
