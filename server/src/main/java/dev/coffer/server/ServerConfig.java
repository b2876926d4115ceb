package dev.coffer.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The server's configuration, validated once and frozen. It comes from an optional properties file,
 * overridden by environment variables (the {@code COFFER_*} names of {@link #ENVIRONMENT} always work),
 * overridden by command-line options. Every failure names the setting (its file key and its
 * environment variable) and, unless it is a secret, the value.
 *
 * <p>{@link #toString()} never shows a secret: they are {@link Secret}s.
 *
 * @param dataDir the archive's data directory ({@code data}, {@code COFFER_DATA})
 * @param host the address to listen on ({@code host}, {@code COFFER_HOST}; default all interfaces)
 * @param port the port; 0 picks a free one ({@code port}, {@code COFFER_PORT}; default 8443 with TLS, else 8080)
 * @param tls the key store when the server speaks HTTPS itself, else null
 * @param limits request bounds
 * @param whatsApp the WhatsApp Cloud API endpoint's secrets, or null when that endpoint is off
 * @param weChat the WeChat Official Account endpoint's secrets, or null when that endpoint is off
 * @param statusToken bearer token for {@code GET /status}; null = that endpoint answers loopback callers only
 * @param metricsHost address of the Prometheus metrics listener (default 127.0.0.1)
 * @param metricsPort its port; -1 (the default) = no metrics listener
 * @param silence per connector, how long without a record before the health check raises an alert
 * @param verifyCycle how often scheduled verification starts a full pass over the archive's objects
 *     ({@code verify.cycle}, {@code COFFER_VERIFY_CYCLE}; default 1d; {@code off} = no scheduled verification)
 * @param verifyBytesPerSecond its read budget ({@code verify.bytes-per-second}; default 20 MiB/s)
 * @param disposeEvery how often scheduled disposition runs ({@code dispose.every}, {@code COFFER_DISPOSE_EVERY};
 *     default off: disposition deletes content, so a firm turns it on deliberately)
 */
public record ServerConfig(
    Path dataDir,
    String host,
    int port,
    Tls tls,
    Limits limits,
    WhatsApp whatsApp,
    WeChat weChat,
    Secret statusToken,
    String metricsHost,
    int metricsPort,
    Map<String, Duration> silence,
    Duration verifyCycle,
    long verifyBytesPerSecond,
    Duration disposeEvery) {

  /** File keys and the environment variables that override them. */
  public static final Map<String, String> ENVIRONMENT = environmentNames();

  /** Default silence window of a connector with none configured. */
  public static final Duration DEFAULT_SILENCE = Duration.ofHours(24);

  /** Default period of scheduled verification: a full pass a day. */
  public static final Duration DEFAULT_VERIFY_CYCLE = Duration.ofDays(1);

  /** Default read budget of scheduled verification, bytes per second. */
  public static final long DEFAULT_VERIFY_RATE = 20L << 20;

  public ServerConfig {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(limits, "limits");
    host = host == null ? "0.0.0.0" : host;
    metricsHost = metricsHost == null ? "127.0.0.1" : metricsHost;
    silence = Map.copyOf(silence == null ? Map.of() : silence);
    if (port < 0 || port > 65535) {
      throw invalid("port", String.valueOf(port), "must be 0..65535");
    }
    if (verifyBytesPerSecond < 64 << 10) {
      throw invalid("verify.bytes-per-second", String.valueOf(verifyBytesPerSecond), "must be at least 65536");
    }
    if (metricsPort < -1 || metricsPort > 65535) {
      throw invalid("metrics.port", String.valueOf(metricsPort), "must be -1 (off) or 0..65535");
    }
    if (metricsPort >= 0 && statusToken == null
        && !(metricsHost.equals("127.0.0.1") || metricsHost.equals("::1") || metricsHost.equals("localhost"))) {
      throw invalid("metrics.host", metricsHost, "is not a loopback address: set status.token so that scrapers "
          + "must authenticate");
    }
  }

  /**
   * HTTPS from a key store.
   *
   * @param keyStore a PKCS12 (or JKS) file holding the server's key and certificate chain
   * @param password the key store's password (also used for the key)
   */
  public record Tls(Path keyStore, Secret password) {
    public Tls {
      Objects.requireNonNull(keyStore, "tls.keystore");
      Objects.requireNonNull(password, "tls.keystore-password");
    }
  }

  /**
   * Request bounds: what the server refuses rather than accepting more than it can keep.
   *
   * @param maxBodyBytes larger request bodies get 413 and nothing is kept
   * @param requestTimeout a request (reading the body included) that takes longer is cut off; also the
   *     idle time after which a slow client's connection is closed
   * @param maxInFlight capture requests handled at once; more get 503 with Retry-After
   */
  public record Limits(long maxBodyBytes, Duration requestTimeout, int maxInFlight) {
    public static Limits defaults() {
      return new Limits(4L << 20, Duration.ofSeconds(10), 256);
    }

    public Limits {
      if (maxBodyBytes < 1) {
        throw invalid("limits.max-body-bytes", String.valueOf(maxBodyBytes), "must be at least 1");
      }
      Objects.requireNonNull(requestTimeout, "limits.request-timeout");
      if (requestTimeout.isNegative() || requestTimeout.isZero()) {
        throw invalid("limits.request-timeout", requestTimeout.toString(), "must be positive");
      }
      if (maxInFlight < 1) {
        throw invalid("limits.max-in-flight", String.valueOf(maxInFlight), "must be at least 1");
      }
    }
  }

  /**
   * The WhatsApp Business Cloud API endpoint.
   *
   * @param appSecret the Meta app's secret: the key of {@code X-Hub-Signature-256}
   * @param verifyToken the token Meta echoes in the subscription handshake
   * @param accessToken bearer token for fetching media from the Graph API; null = media stays pending
   * @param graphUrl the Graph API's base URL (default {@code https://graph.facebook.com/v21.0})
   */
  public record WhatsApp(Secret appSecret, Secret verifyToken, Secret accessToken, URI graphUrl) {
    public WhatsApp {
      Objects.requireNonNull(appSecret, "whatsapp.app-secret");
      Objects.requireNonNull(verifyToken, "whatsapp.verify-token");
      graphUrl = graphUrl == null ? URI.create("https://graph.facebook.com/v21.0") : graphUrl;
    }
  }

  /**
   * The WeChat Official Account endpoint.
   *
   * @param token the token configured in the Official Account's server settings
   * @param aesKey the 43-character EncodingAESKey, or null for plain mode only
   * @param appId the Official Account's AppID (checked in decrypted messages), required with an AES key
   *     or an AppSecret
   * @param appSecret the AppSecret (开发者密码), for the access token that fetches media; null = media
   *     stay pending
   * @param apiUrl the WeChat API's base URL (default {@code https://api.weixin.qq.com}); https, or
   *     plain http to a loopback address only (the AppSecret and token travel in its query strings)
   */
  public record WeChat(Secret token, Secret aesKey, String appId, Secret appSecret, URI apiUrl) {
    /** WeChat's API base URL. */
    public static final URI DEFAULT_API_URL = URI.create("https://api.weixin.qq.com");

    public WeChat {
      Objects.requireNonNull(token, "wechat.token");
      apiUrl = apiUrl == null ? DEFAULT_API_URL : apiUrl;
      if (!dev.coffer.connectors.media.MediaHttp.tokenMayGoTo(apiUrl)) {
        throw invalid("wechat.api-url", apiUrl.toString(),
            "must be an https URL (plain http only to a loopback address, for tests): the AppSecret is sent to it");
      }
      if (appSecret != null && (appId == null || appId.isBlank())) {
        throw invalid("wechat.appid", appId, "is required when wechat.appsecret is set");
      }
      if (aesKey != null) {
        String k = aesKey.reveal();
        boolean ok = k.length() == 43;
        if (ok) {
          try {
            ok = Base64.getDecoder().decode(k + "=").length == 32;
          } catch (IllegalArgumentException e) {
            ok = false;
          }
        }
        if (!ok) {
          throw invalid("wechat.aes-key", null, "must be the 43-character EncodingAESKey (Base64 of 32 bytes)");
        }
        if (appId == null || appId.isBlank()) {
          throw invalid("wechat.appid", appId, "is required when wechat.aes-key is set");
        }
      }
    }
  }

  /** The silence window of one connector ({@link #DEFAULT_SILENCE} unless configured). */
  public Duration silenceOf(String connector) {
    return silence.getOrDefault(connector, DEFAULT_SILENCE);
  }

  /** True when metrics are served. */
  public boolean metricsEnabled() {
    return metricsPort >= 0;
  }

  /**
   * Loads the configuration: the properties file (if any), then the environment, then the overrides
   * (command-line options, by file key). Unknown file keys are refused, so a typo cannot silently
   * leave a setting at its default.
   *
   * @param file a {@code .properties} file (UTF-8), or null
   * @param environment usually {@code System.getenv()}
   * @param overrides settings by file key (e.g. {@code data}, {@code port}) that win over both
   * @throws IllegalArgumentException naming the setting when a value is missing or invalid
   * @throws IOException if the file cannot be read
   */
  public static ServerConfig load(Path file, Map<String, String> environment, Map<String, String> overrides)
      throws IOException {
    Map<String, String> v = new TreeMap<>();
    if (file != null) {
      Properties p = new Properties();
      try (InputStream in = Files.newInputStream(file);
          InputStreamReader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
        p.load(r);
      }
      for (String k : p.stringPropertyNames()) {
        if (!ENVIRONMENT.containsKey(k) && !k.startsWith("silence.")) {
          throw invalid(k, null, "is not a known setting in " + file + " (known: " + String.join(", ", ENVIRONMENT.keySet())
              + ", silence.<connector>)");
        }
        v.put(k, p.getProperty(k).strip());
      }
    }
    ENVIRONMENT.forEach((key, env) -> {
      String e = environment.get(env);
      if (e != null && !e.isBlank()) {
        v.put(key, e.strip());
      }
    });
    environment.forEach((env, value) -> {
      if (env.startsWith("COFFER_SILENCE_") && value != null && !value.isBlank()) {
        v.put("silence." + env.substring("COFFER_SILENCE_".length()).toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
            value.strip());
      }
    });
    overrides.forEach((k, value) -> {
      if (value != null) {
        v.put(k, value);
      }
    });
    return from(v);
  }

  private static ServerConfig from(Map<String, String> v) {
    String data = v.get("data");
    if (data == null || data.isBlank()) {
      data = "coffer-data";
    }
    Tls tls = null;
    if (v.containsKey("tls.keystore")) {
      Path ks = Path.of(v.get("tls.keystore"));
      if (!Files.isRegularFile(ks)) {
        throw invalid("tls.keystore", ks.toString(), "is not a readable file");
      }
      tls = new Tls(ks, secret(v, "tls.keystore-password", true));
    } else if (v.containsKey("tls.keystore-password")) {
      throw invalid("tls.keystore", null, "is required when tls.keystore-password is set");
    }
    int port = v.containsKey("port") ? integer(v, "port") : tls != null ? 8443 : 8080;
    Limits d = Limits.defaults();
    Limits limits = new Limits(
        v.containsKey("limits.max-body-bytes") ? longValue(v, "limits.max-body-bytes") : d.maxBodyBytes(),
        v.containsKey("limits.request-timeout") ? duration(v, "limits.request-timeout") : d.requestTimeout(),
        v.containsKey("limits.max-in-flight") ? integer(v, "limits.max-in-flight") : d.maxInFlight());
    WhatsApp wa = null;
    if (v.containsKey("whatsapp.app-secret") || v.containsKey("whatsapp.verify-token")
        || v.containsKey("whatsapp.access-token")) {
      URI graph = url(v, "whatsapp.graph-url");
      if (graph != null) {
        if (!"https".equals(graph.getScheme()) && !"http".equals(graph.getScheme())) {
          throw invalid("whatsapp.graph-url", v.get("whatsapp.graph-url"), "must be an http(s) URL");
        }
      }
      wa = new WhatsApp(secret(v, "whatsapp.app-secret", true), secret(v, "whatsapp.verify-token", true),
          secret(v, "whatsapp.access-token", false), graph);
    }
    WeChat wc = null;
    if (v.containsKey("wechat.token") || v.containsKey("wechat.aes-key") || v.containsKey("wechat.appid")
        || v.containsKey("wechat.appsecret")) {
      URI api = url(v, "wechat.api-url");
      wc = new WeChat(secret(v, "wechat.token", true), secret(v, "wechat.aes-key", false), v.get("wechat.appid"),
          secret(v, "wechat.appsecret", false), api);
    }
    Map<String, Duration> silence = new LinkedHashMap<>();
    v.forEach((k, value) -> {
      if (k.startsWith("silence.")) {
        silence.put(k.substring("silence.".length()), duration(v, k));
      }
    });
    return new ServerConfig(Path.of(data), v.get("host"), port, tls, limits, wa, wc,
        secret(v, "status.token", false), v.get("metrics.host"),
        v.containsKey("metrics.port") ? integer(v, "metrics.port") : -1, silence,
        optionalDuration(v, "verify.cycle", DEFAULT_VERIFY_CYCLE),
        v.containsKey("verify.bytes-per-second") ? longValue(v, "verify.bytes-per-second") : DEFAULT_VERIFY_RATE,
        optionalDuration(v, "dispose.every", null));
  }

  /** A duration setting that may be {@code off}; absent gives {@code dflt}. */
  private static Duration optionalDuration(Map<String, String> v, String key, Duration dflt) {
    String s = v.get(key);
    if (s == null || s.isBlank()) {
      return dflt;
    }
    if (s.strip().equalsIgnoreCase("off")) {
      return null;
    }
    Duration d = duration(v, key);
    if (d.compareTo(Duration.ofSeconds(1)) < 0) {
      throw invalid(key, s, "must be at least 1s, or off");
    }
    return d;
  }

  private static Secret secret(Map<String, String> v, String key, boolean required) {
    String s = v.get(key);
    if (s == null || s.isEmpty()) {
      if (required) {
        throw invalid(key, null, "is required");
      }
      return null;
    }
    return Secret.of(s);
  }

  private static int integer(Map<String, String> v, String key) {
    try {
      return Integer.parseInt(v.get(key));
    } catch (NumberFormatException e) {
      throw invalid(key, v.get(key), "is not a whole number");
    }
  }

  private static long longValue(Map<String, String> v, String key) {
    try {
      return Long.parseLong(v.get(key));
    } catch (NumberFormatException e) {
      throw invalid(key, v.get(key), "is not a whole number");
    }
  }

  /** Durations as {@code 500ms}, {@code 10s}, {@code 5m}, {@code 2h}, {@code 1d}, or ISO-8601 ({@code PT10S}). */
  static Duration duration(Map<String, String> v, String key) {
    String s = v.get(key);
    try {
      if (s.startsWith("P") || s.startsWith("p")) {
        return Duration.parse(s);
      }
      if (s.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
      }
      long n = Long.parseLong(s.substring(0, s.length() - 1));
      return switch (s.charAt(s.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        case 'd' -> Duration.ofDays(n);
        default -> throw new NumberFormatException();
      };
    } catch (RuntimeException e) {
      throw invalid(key, s, "is not a duration (e.g. 500ms, 10s, 5m, 2h, 1d, PT10S)");
    }
  }

  /** The URL under {@code key} without trailing slashes, or null when not set. */
  private static URI url(Map<String, String> v, String key) {
    if (!v.containsKey(key)) {
      return null;
    }
    try {
      return URI.create(v.get(key).replaceAll("/+$", ""));
    } catch (IllegalArgumentException e) {
      throw invalid(key, v.get(key), "is not a URL");
    }
  }

  static IllegalArgumentException invalid(String key, String value, String problem) {
    String env = ENVIRONMENT.get(key);
    if (env == null && key.startsWith("silence.")) {
      env = "COFFER_SILENCE_" + key.substring("silence.".length()).toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    }
    return new IllegalArgumentException("configuration: " + key + (env == null ? "" : " (" + env + ")") + " "
        + problem + (value == null ? "" : ", was '" + value + "'"));
  }

  private static Map<String, String> environmentNames() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("data", "COFFER_DATA");
    m.put("host", "COFFER_HOST");
    m.put("port", "COFFER_PORT");
    m.put("tls.keystore", "COFFER_TLS_KEYSTORE");
    m.put("tls.keystore-password", "COFFER_TLS_KEYSTORE_PASSWORD");
    m.put("limits.max-body-bytes", "COFFER_MAX_BODY_BYTES");
    m.put("limits.request-timeout", "COFFER_REQUEST_TIMEOUT");
    m.put("limits.max-in-flight", "COFFER_MAX_IN_FLIGHT");
    m.put("whatsapp.app-secret", "COFFER_WHATSAPP_APP_SECRET");
    m.put("whatsapp.verify-token", "COFFER_WHATSAPP_VERIFY_TOKEN");
    m.put("whatsapp.access-token", "COFFER_WHATSAPP_ACCESS_TOKEN");
    m.put("whatsapp.graph-url", "COFFER_WHATSAPP_GRAPH_URL");
    m.put("wechat.token", "COFFER_WECHAT_TOKEN");
    m.put("wechat.aes-key", "COFFER_WECHAT_AES_KEY");
    m.put("wechat.appid", "COFFER_WECHAT_APPID");
    m.put("wechat.appsecret", "COFFER_WECHAT_APPSECRET");
    m.put("wechat.api-url", "COFFER_WECHAT_API_URL");
    m.put("status.token", "COFFER_STATUS_TOKEN");
    m.put("metrics.host", "COFFER_METRICS_HOST");
    m.put("metrics.port", "COFFER_METRICS_PORT");
    m.put("verify.cycle", "COFFER_VERIFY_CYCLE");
    m.put("verify.bytes-per-second", "COFFER_VERIFY_BYTES_PER_SECOND");
    m.put("dispose.every", "COFFER_DISPOSE_EVERY");
    return java.util.Collections.unmodifiableMap(m);
  }
}
