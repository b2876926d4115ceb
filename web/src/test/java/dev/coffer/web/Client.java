package dev.coffer.web;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** One browser-like HTTP client (its own cookies, no redirects followed) against the fixture's server. */
final class Client {
  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
  String base;
  final HttpClient http;
  String csrf;

  Client(String base) {
    this.base = base;
    this.http = HttpClient.newBuilder().cookieHandler(new CookieManager())
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /** Points this client (its cookies kept) at a server that moved (a restart on another port). */
  void base(String b) {
    base = b;
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    Matcher m = CSRF.matcher(r.body());
    if (m.find()) {
      csrf = m.group(1);
    }
    return r;
  }

  HttpResponse<byte[]> bytes(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Posts a form with this client's CSRF token (unless the form names its own {@code _csrf}). */
  HttpResponse<String> post(String path, String... kv) throws IOException, InterruptedException {
    Map<String, String> form = new LinkedHashMap<>();
    if (csrf != null) {
      form.put("_csrf", csrf);
    }
    for (int i = 0; i < kv.length; i += 2) {
      if (kv[i + 1] == null) {
        form.remove(kv[i]);
      } else {
        form.put(kv[i], kv[i + 1]);
      }
    }
    String body = form.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
        .collect(Collectors.joining("&"));
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    Matcher m = CSRF.matcher(r.body());
    if (m.find()) {
      csrf = m.group(1);
    }
    return r;
  }

  /** Signs in with a password; @return the response to the password form */
  HttpResponse<String> signIn(String name, String password) throws IOException, InterruptedException {
    get("/login");
    HttpResponse<String> r = post("/login", "name", name, "password", password);
    if (r.statusCode() == 303) {
      // pick up the new session's CSRF token
      get(r.headers().firstValue("Location").orElse("/search"));
    }
    return r;
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
