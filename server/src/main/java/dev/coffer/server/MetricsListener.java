package dev.coffer.server;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * Prometheus metrics on their own port, off unless {@code metrics.port} is set, bound to loopback by
 * default (REQUIREMENTS 19: management on its own port, off by default, never open without
 * authentication). When bound elsewhere, scrapers must send the status bearer token.
 */
final class MetricsListener implements AutoCloseable {
  private final HttpServer http;

  MetricsListener(ServerConfig config, CaptureStatus status) throws IOException {
    http = HttpServer.create(new InetSocketAddress(config.metricsHost(), config.metricsPort()), 16);
    http.setExecutor(Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "coffer-metrics");
      t.setDaemon(true);
      return t;
    }));
    http.createContext("/metrics", exchange -> {
      try (exchange) {
        boolean ok;
        if (config.statusToken() != null) {
          String h = exchange.getRequestHeaders().getFirst("Authorization");
          ok = h != null && h.startsWith("Bearer ") && config.statusToken().matches(h.substring(7).strip());
        } else {
          ok = exchange.getRemoteAddress().getAddress().isLoopbackAddress();
        }
        if (!ok || !"GET".equals(exchange.getRequestMethod())) {
          exchange.sendResponseHeaders(ok ? 405 : 401, -1);
          return;
        }
        byte[] body = status.metrics().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    });
    http.start();
  }

  int port() {
    return http.getAddress().getPort();
  }

  @Override
  public void close() {
    http.stop(0);
    ((java.util.concurrent.ExecutorService) http.getExecutor()).shutdownNow();
  }
}
