package dev.coffer.server;

import dev.coffer.archive.ArchiveOptions;
import dev.coffer.connectors.media.MediaQueue;
import dev.coffer.connectors.wechat.oa.OaMediaRef;
import dev.coffer.connectors.wechat.oa.OfficialAccountMedia;
import dev.coffer.connectors.whatsapp.cloud.MediaCompletion;
import dev.coffer.connectors.whatsapp.cloud.MediaFetcher;
import dev.coffer.connectors.whatsapp.cloud.MediaRef;
import dev.coffer.connectors.whatsapp.cloud.RetryPolicy;
import dev.coffer.search.IndexedArchive;
import dev.coffer.search.SearchOptions;
import dev.coffer.server.directory.DirectoryInbox;
import dev.coffer.server.directory.DirectoryView;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Coffer server: one process hosting the capture endpoints, {@code GET /health}, and whatever
 * {@link ServerExtension}s are installed (the reviewer web app), over one open archive and its search
 * index.
 *
 * <pre>{@code
 * try (CofferServer server = CofferServer.start(config, CofferServer.discoverExtensions())) {
 *   server.awaitStop();
 * }
 * }</pre>
 *
 * <p>Start opens the archive at {@link ServerConfig#dataDir()} (it must exist: {@code coffer init})
 * and brings the index up to date before listening. {@link #close()} stops listening, lets requests in
 * progress finish, stops the extensions, then closes index and archive.
 */
public final class CofferServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CofferServer.class);

  /** How often the media queue looks for due fetches. */
  static final Duration MEDIA_POLL = Duration.ofSeconds(1);

  /**
   * How often records captured since the last refresh become searchable. Half a second keeps the
   * promise of "searchable within a second" (refresh time included) while a busy webhook pays for a
   * reader reopen on the encrypted index 2 times a second instead of 5 (at 200 ms it was 13 % of the
   * capture server's CPU, and each reopen leaves a small segment for merges to fold in).
   */
  static final Duration SEARCH_REFRESH = Duration.ofMillis(500);

  private final Javalin app;
  private final IndexedArchive opened;
  private final ServerContext context;
  private final List<ServerExtension> extensions;
  private final List<AutoCloseable> parts;
  private final ServerConnector connector;
  private final MetricsListener metrics;
  private final Object stopLock = new Object();
  private boolean stopped;

  private CofferServer(Javalin app, IndexedArchive opened, ServerContext context, List<ServerExtension> extensions,
      List<AutoCloseable> parts, ServerConnector connector, MetricsListener metrics) {
    this.metrics = metrics;
    this.app = app;
    this.opened = opened;
    this.context = context;
    this.extensions = extensions;
    this.parts = parts;
    this.connector = connector;
  }

  /** The extensions on the class path ({@code META-INF/services/dev.coffer.server.ServerExtension}). */
  public static List<ServerExtension> discoverExtensions() {
    List<ServerExtension> out = new ArrayList<>();
    ServiceLoader.load(ServerExtension.class).forEach(out::add);
    return out;
  }

  /** Starts with the system clock. */
  public static CofferServer start(ServerConfig config, List<? extends ServerExtension> extensions)
      throws IOException {
    return start(config, extensions, Clock.systemUTC());
  }

  /**
   * Opens the archive and index, installs the endpoints and the extensions, and listens.
   *
   * @throws dev.coffer.archive.NoArchiveException if there is no archive at the data directory
   * @throws IllegalArgumentException naming the setting if the TLS key store cannot be used
   * @throws IOException if the archive, the index or the port cannot be opened
   */
  public static CofferServer start(ServerConfig config, List<? extends ServerExtension> extensions, Clock clock)
      throws IOException {
    SslContextFactory.Server ssl = config.tls() == null ? null : sslContext(config.tls());
    IndexedArchive opened = IndexedArchive.open(config.dataDir(), ArchiveOptions.defaults(),
        SearchOptions.defaults().withRefreshInterval(SEARCH_REFRESH), behind -> {
          LOG.info("search index is {} records behind the archive; catching up", behind);
          return done -> {};
        });
    List<AutoCloseable> parts = new ArrayList<>();
    List<ServerExtension> installed = new ArrayList<>();
    try {
      // Captured records are indexed on the index's own thread, in commit order, not inside the
      // archive's group commit: requests waiting for that commit are answered sooner (docs/server.md).
      // Closed last of the parts, so every record archived before close is indexed.
      parts.add(opened.index().indexInBackground());
      CaptureHealth health = new CaptureHealth(clock);
      ServerContext context = new ServerContext(config.dataDir(), opened.archive(), opened.index(), clock, config,
          health, new DirectoryView(opened.archive(), config.dataDir()));
      parts.add(rebuildContacts(context));
      // coffer directory import while the server runs: requests left in <data>/directory/inbox
      parts.add(new DirectoryInbox(opened.archive(), config.dataDir())
          .start(Duration.ofMillis(500)));
      ServerConnector[] connector = new ServerConnector[1];
      Exception[] installFailure = new Exception[1];
      CaptureStatus[] statusHolder = new CaptureStatus[1];
      Javalin app = Javalin.create(jc -> {
        configure(jc, config, ssl, connector);
        jc.routes.get("/health", ctx -> ctx.json(java.util.Map.of("status", "ok")));
        installCapture(jc, context, parts);
        Housekeeping housekeeping = new Housekeeping(context);
        parts.add(housekeeping);
        CaptureStatus status = new CaptureStatus(context, CaptureStatus.interval(config), housekeeping);
        parts.add(status);
        statusHolder[0] = status;
        status.install(jc);
        for (ServerExtension e : extensions) {
          try {
            e.install(jc, context);
            installed.add(e);
          } catch (Exception ex) {
            installFailure[0] = ex;
            return;
          }
        }
      });
      if (installFailure[0] != null) {
        throw new IOException("a server extension failed to install: " + installFailure[0], installFailure[0]);
      }
      MetricsListener metrics = null;
      if (config.metricsEnabled()) {
        metrics = new MetricsListener(config, statusHolder[0]);
        parts.add(metrics);
      }
      app.start();
      CofferServer server = new CofferServer(app, opened, context, installed, parts, connector[0], metrics);
      LOG.info("coffer server listening on {} (data {}, archive {} records)", server.uri(), config.dataDir(),
          opened.archive().size());
      return server;
    } catch (IOException | RuntimeException e) {
      closeQuietly(parts, installed);
      opened.close();
      throw e;
    }
  }

  /**
   * Rebuilds the external contacts from the archive's contact-sync records in the background (they are
   * derived state); contact syncs archived meanwhile are applied as they come.
   */
  private static AutoCloseable rebuildContacts(ServerContext context) {
    Thread t = Thread.ofVirtual().name("coffer-contacts-rebuild").start(() -> {
      try {
        int n = context.directories().rebuildContacts();
        LOG.info("directory: {} contact-book change(s) read from the archive", n);
      } catch (IOException | RuntimeException e) {
        LOG.error("directory: could not rebuild the external contacts from the archive: {}", e.toString());
      }
    });
    return t::join;
  }

  /** The capture endpoints that are configured, sharing one in-flight bound. */
  private static void installCapture(JavalinConfig jc, ServerContext context, List<AutoCloseable> parts) {
    // The capture POSTs are answered by a Jetty handler ahead of Javalin's servlet (CapturePosts);
    // Javalin attaches its servlet after it in the sequence, so every other request reaches Javalin.
    CapturePosts posts = new CapturePosts();
    jc.jetty.modifyServer(server -> server.setHandler(new Handler.Sequence(posts)));
    ServerConfig config = context.config();
    CaptureHealth health = context.health();
    Semaphore inFlight = new Semaphore(config.limits().maxInFlight());
    if (config.whatsApp() != null) {
      health.register(WhatsAppEndpoint.CONNECTOR, config.silenceOf(WhatsAppEndpoint.CONNECTOR));
      new WhatsAppEndpoint(config.whatsApp(), context,
          new CapturePipeline(context, WhatsAppEndpoint.CONNECTOR, inFlight),
          mediaQueue(context, parts)).install(jc, posts);
    }
    if (config.weChat() != null) {
      if (config.limits().requestTimeout().compareTo(Duration.ofMillis(4500)) > 0) {
        LOG.warn("{}: limits.request-timeout is {} ms; WeChat gives up after 5 s and retries, so a slow request "
            + "is archived once but answered too late: consider 4s", WeChatEndpoint.CONNECTOR,
            config.limits().requestTimeout().toMillis());
      }
      health.register(WeChatEndpoint.CONNECTOR, config.silenceOf(WeChatEndpoint.CONNECTOR));
      new WeChatEndpoint(config.weChat(), context,
          new CapturePipeline(context, WeChatEndpoint.CONNECTOR, inFlight), weChatMediaQueue(context, parts)).install(jc, posts);
    }
  }

  /**
   * Where a webhook's media references go once its records are durable: the media completion queue
   * (fetch, verify, store, archive a completion record; retried with backoff; rebuilt from the archive
   * at start, so a restart loses nothing), or, without an access token, nowhere: the attachments stay
   * pending in the archive and a later start with a token completes them.
   */
  private static Consumer<List<MediaRef>> mediaQueue(ServerContext context,
      List<AutoCloseable> parts) {
    ServerConfig.WhatsApp wa = context.config().whatsApp();
    String connector = WhatsAppEndpoint.CONNECTOR;
    if (wa.accessToken() == null) {
      LOG.warn("{}: no access token (whatsapp.access-token): media stay pending until one is configured", connector);
      return refs -> context.health().count(connector, "media_not_fetched_no_token", refs.size());
    }
    MediaFetcher fetcher = new MediaFetcher(wa.graphUrl(), wa.accessToken().reveal(),
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(),
        RetryPolicy.defaults());
    MediaCompletion completion = new MediaCompletion(context.archive(), fetcher, context.clock());
    context.health().mediaPending(connector, () -> completion.pending().size());
    return runQueue(connector, parts, () -> {
      MediaCompletion.Rebuild r = completion.rebuild();
      LOG.info("{}: media pending from before this start: {} ({} unrecoverable)", connector, r.pending(),
          r.unrecoverable().size());
    }, () -> completion.start(MEDIA_POLL), completion::enqueue);
  }

  /**
   * The Official Account's media queue (access token, {@code media/get}, blob, completion record;
   * retried with backoff; rebuilt from the archive at start), or, without an AppSecret, nowhere: the
   * attachments stay pending and a later start with one completes those WeChat still keeps (3 days).
   */
  private static Consumer<List<OaMediaRef>> weChatMediaQueue(
      ServerContext context, List<AutoCloseable> parts) {
    ServerConfig.WeChat wc = context.config().weChat();
    String connector = WeChatEndpoint.CONNECTOR;
    if (wc.appSecret() == null) {
      LOG.warn("{}: no AppSecret (wechat.appsecret): media stay pending until one is configured", connector);
      return refs -> context.health().count(connector, "media_not_fetched_no_appsecret", refs.size());
    }
    OfficialAccountMedia source = new OfficialAccountMedia(
        wc.apiUrl(), wc.appId(), wc.appSecret().reveal(),
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(),
        RetryPolicy.defaults(), context.clock());
    MediaQueue<OaMediaRef> queue =
        new MediaQueue<>(context.archive(), source, context.clock());
    context.health().mediaPending(connector, () -> queue.pending().size());
    return runQueue(connector, parts, () -> {
      var pending = OfficialAccountMedia.pendingIn(context.archive());
      queue.enqueue(pending);
      LOG.info("{}: media pending from before this start: {}", connector, pending.size());
    }, () -> queue.start(MEDIA_POLL, "coffer-wechat-media"), queue::enqueue);
  }

  /** Reads the archive at start. */
  @FunctionalInterface
  private interface ArchiveTask {
    void run() throws IOException;
  }

  /** Something that takes media references once their records are durable. */
  @FunctionalInterface
  private interface Enqueue<R> {
    void accept(List<R> refs) throws IOException;
  }

  /**
   * Rebuilds a media queue from the archive in the background, then starts its loop; the returned
   * consumer queues the references of each webhook once its records are durable.
   */
  private static <R> Consumer<List<R>> runQueue(String connector, List<AutoCloseable> parts,
      ArchiveTask rebuild, java.util.function.Supplier<AutoCloseable> start, Enqueue<R> enqueue) {
    AtomicReference<AutoCloseable> loop = new AtomicReference<>();
    Thread starter = Thread.ofVirtual().name("coffer-media-rebuild-" + connector).start(() -> {
      try {
        rebuild.run();
      } catch (IOException | RuntimeException e) {
        LOG.error("{}: could not rebuild the pending media list from the archive: {}", connector, e.toString());
      }
      loop.set(start.get());
    });
    parts.add(() -> {
      starter.join();
      AutoCloseable l = loop.get();
      if (l != null) {
        l.close();
      }
    });
    return refs -> {
      try {
        enqueue.accept(refs);
      } catch (IOException | RuntimeException e) {
        // The message records are durable with their attachments pending: the next start's rebuild finds them.
        LOG.error("{}: could not queue {} media fetch(es); they stay pending until the next start: {}", connector,
            refs.size(), e.toString());
      }
    };
  }

  private static void configure(JavalinConfig jc, ServerConfig config, SslContextFactory.Server ssl,
      ServerConnector[] connector) {
    jc.startup.showJavalinBanner = false;
    jc.startup.showOldJavalinVersionWarning = false;
    jc.concurrency.useVirtualThreads = true;
    // Bodies are read by the endpoints themselves within these bounds; this is the backstop.
    jc.http.maxRequestSize = config.limits().maxBodyBytes();
    // Javalin copies every response body through a new buffer of this size, by default Jetty's whole
    // output buffer (32 KiB, allocated and zeroed per response: 4 % of the capture server's CPU samples
    // for 14-byte answers); larger bodies still reach Jetty's own pooled buffer, in 4 KiB writes.
    jc.http.responseBufferSize = 4096;
    jc.jetty.modifyHttpConfiguration(h -> {
      h.setSendServerVersion(false);
      h.setSendXPoweredBy(false);
      // A capture POST is admitted (in-flight bound) when its headers arrive, not once its body has:
      // a slow body holds its slot and is cut off by the request time limit (CaptureLimitsTest).
      h.setDelayDispatchUntilContent(false);
    });
    jc.jetty.addConnector((server, httpConfig) -> {
      ServerConnector c = connector(server, httpConfig, ssl);
      c.setHost(config.host());
      c.setPort(config.port());
      // A client that sends nothing for this long is cut off (slow clients cannot hold threads).
      c.setIdleTimeout(config.limits().requestTimeout().toMillis());
      connector[0] = c;
      return c;
    });
  }

  private static ServerConnector connector(Server server, HttpConfiguration httpConfig, SslContextFactory.Server ssl) {
    if (ssl == null) {
      return new ServerConnector(server, new HttpConnectionFactory(httpConfig));
    }
    HttpConfiguration https = new HttpConfiguration(httpConfig);
    https.addCustomizer(new SecureRequestCustomizer());
    return new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
  }

  /** Loads the key store now, so a wrong password or file fails at start naming the setting. */
  static SslContextFactory.Server sslContext(ServerConfig.Tls tls) {
    KeyStore ks;
    try (InputStream in = Files.newInputStream(tls.keyStore())) {
      ks = KeyStore.getInstance(tls.keyStore().toString().endsWith(".jks") ? "JKS" : "PKCS12");
      ks.load(in, tls.password().chars());
    } catch (Exception e) {
      throw ServerConfig.invalid("tls.keystore", tls.keyStore().toString(),
          "cannot be opened with tls.keystore-password (" + e.getClass().getSimpleName() + ")");
    }
    SslContextFactory.Server f = new SslContextFactory.Server();
    f.setKeyStore(ks);
    f.setKeyStorePassword(tls.password().reveal());
    f.setKeyManagerPassword(tls.password().reveal());
    f.setIncludeProtocols("TLSv1.3", "TLSv1.2");
    return f;
  }

  /** The port the server listens on (the real one when configured as 0). */
  public int port() {
    return connector.getLocalPort();
  }

  /** The metrics listener's port, or -1 when metrics are off. */
  public int metricsPort() {
    return metrics == null ? -1 : metrics.port();
  }

  /** The server's base URI, e.g. {@code https://localhost:8443}. */
  public URI uri() {
    String host = context.config().host();
    if (host.equals("0.0.0.0") || host.equals("::")) {
      host = "localhost";
    }
    return URI.create((context.config().tls() == null ? "http" : "https") + "://" + host + ":" + port());
  }

  /** What the endpoints and extensions share. */
  public ServerContext context() {
    return context;
  }

  /** Blocks until {@link #close()} is called from another thread (or the process is stopped). */
  public void awaitStop() throws InterruptedException {
    synchronized (stopLock) {
      while (!stopped) {
        stopLock.wait();
      }
    }
  }

  /** Stops listening, then closes extensions, the capture parts, the index and the archive. */
  @Override
  public void close() throws IOException {
    synchronized (stopLock) {
      if (stopped) {
        return;
      }
      stopped = true;
      stopLock.notifyAll();
    }
    try {
      app.stop();
    } finally {
      closeQuietly(parts, extensions);
      opened.close();
      LOG.info("coffer server stopped");
    }
  }

  private static void closeQuietly(List<AutoCloseable> parts, List<ServerExtension> extensions) {
    for (ServerExtension e : extensions) {
      try {
        e.close();
      } catch (Exception ex) {
        LOG.warn("server extension {} failed to close: {}", e.getClass().getName(), ex.toString());
      }
    }
    for (AutoCloseable p : parts.reversed()) {
      try {
        p.close();
      } catch (Exception ex) {
        LOG.warn("{} failed to close: {}", p.getClass().getSimpleName(), ex.toString());
      }
    }
  }
}
