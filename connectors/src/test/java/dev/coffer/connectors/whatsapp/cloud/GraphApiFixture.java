package dev.coffer.connectors.whatsapp.cloud;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on the loopback address playing the Graph API: {@code GET /v21.0/{media-id}}
 * answers the media JSON, {@code GET /files/{media-id}?u={n}} the bytes; both demand the bearer
 * token. Tests script failures per endpoint (status codes served before the real answer) and which
 * download URLs have expired.
 */
final class GraphApiFixture implements AutoCloseable {
  static final String TOKEN = "test-token-not-a-secret";

  private final HttpServer server;
  final Map<String, byte[]> files = new ConcurrentHashMap<>();
  /** Digest the lookup reports per media id, when a test wants it to differ from the bytes'. */
  final Map<String, String> reportedSha = new ConcurrentHashMap<>();
  final Deque<Integer> lookupFailures = new ArrayDeque<>();
  final Deque<Integer> downloadFailures = new ArrayDeque<>();
  /** Download URLs (their {@code u} number) that answer 404 as an expired URL would. */
  final java.util.Set<String> expired = ConcurrentHashMap.newKeySet();
  final AtomicInteger lookups = new AtomicInteger();
  final AtomicInteger downloads = new AtomicInteger();
  final AtomicInteger unauthorized = new AtomicInteger();
  private final AtomicInteger urlCounter = new AtomicInteger();

  GraphApiFixture() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v21.0/", this::lookup);
    server.createContext("/files/", this::download);
    server.start();
  }

  URI base() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v21.0");
  }

  static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private boolean authorized(HttpExchange ex) throws IOException {
    if (!("Bearer " + TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
      unauthorized.incrementAndGet();
      send(ex, 401, "{\"error\":{\"message\":\"Invalid OAuth access token\",\"code\":190}}");
      return false;
    }
    return true;
  }

  private void lookup(HttpExchange ex) throws IOException {
    lookups.incrementAndGet();
    if (!authorized(ex)) {
      return;
    }
    Integer fail;
    synchronized (lookupFailures) {
      fail = lookupFailures.poll();
    }
    if (fail != null) {
      send(ex, fail, "{\"error\":{\"message\":\"scripted failure\"}}");
      return;
    }
    String id = ex.getRequestURI().getPath().substring("/v21.0/".length());
    byte[] bytes = files.get(id);
    if (bytes == null) {
      send(ex, 404, "{\"error\":{\"message\":\"Unsupported get request\",\"code\":100}}");
      return;
    }
    String sha = reportedSha.getOrDefault(id, sha256(bytes));
    String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/files/" + id + "?u="
        + urlCounter.incrementAndGet();
    send(ex, 200, "{\"messaging_product\":\"whatsapp\",\"url\":\"" + url + "\",\"mime_type\":"
        + "\"image/jpeg\",\"sha256\":\"" + sha + "\",\"file_size\":" + bytes.length + ",\"id\":\""
        + id + "\"}");
  }

  private void download(HttpExchange ex) throws IOException {
    downloads.incrementAndGet();
    if (!authorized(ex)) {
      return;
    }
    String query = ex.getRequestURI().getQuery();
    if (query != null && expired.contains(query.substring(2))) {
      send(ex, 404, "URL signature expired");
      return;
    }
    Integer fail;
    synchronized (downloadFailures) {
      fail = downloadFailures.poll();
    }
    if (fail != null) {
      send(ex, fail, "scripted failure");
      return;
    }
    String id = ex.getRequestURI().getPath().substring("/files/".length());
    byte[] bytes = files.get(id);
    ex.getResponseHeaders().add("Content-Type", "image/jpeg");
    ex.sendResponseHeaders(200, bytes.length);
    try (var out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void send(HttpExchange ex, int code, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(code, b.length);
    try (var out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
