package dev.coffer.server;

import dev.coffer.model.Audit;
import dev.coffer.model.Ids;
import dev.coffer.model.Party;
import dev.coffer.model.Source;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Health of capture, shown and acted on: {@code GET /status} (JSON; a bearer token when
 * {@code status.token} is set, else loopback callers only), Prometheus text for the metrics listener,
 * and the silence watch — a connector with no record for longer than its window raises an alert once
 * per silence: an ERROR log line and an {@code audit} record ({@code capture-silence-alert}) in the
 * archive, so the gap in capture is itself evidence.
 */
final class CaptureStatus implements AutoCloseable {
  static final String PATH = "/status";
  static final String ALERT_ACTION = "capture-silence-alert";
  private static final Logger LOG = LoggerFactory.getLogger(CaptureStatus.class);

  private final ServerContext context;
  private final ScheduledExecutorService watch;
  private final Housekeeping housekeeping;

  CaptureStatus(ServerContext context, Duration every, Housekeeping housekeeping) {
    this.context = context;
    this.housekeeping = housekeeping;
    this.watch = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "coffer-capture-watch");
      t.setDaemon(true);
      return t;
    });
    long ms = Math.max(10, every.toMillis());
    watch.scheduleWithFixedDelay(this::checkSilence, ms, ms, TimeUnit.MILLISECONDS);
  }

  /** How often to look: often enough for the shortest window, at most every 30 s. */
  static Duration interval(ServerConfig config) {
    Duration shortest = Duration.ofSeconds(120);
    for (Duration d : config.silence().values()) {
      if (d.compareTo(shortest) < 0) {
        shortest = d;
      }
    }
    return shortest.dividedBy(4);
  }

  void install(JavalinConfig jc) {
    jc.routes.get(PATH, ctx -> {
      if (!allowed(ctx, context.config())) {
        ctx.header("WWW-Authenticate", "Bearer").status(401).result("unauthorized");
        return;
      }
      ctx.header("Cache-Control", "no-store").json(report());
    });
  }

  /** A bearer token when one is configured, else only callers on this machine. */
  static boolean allowed(Context ctx, ServerConfig config) {
    if (config.statusToken() != null) {
      String h = ctx.header("Authorization");
      return h != null && h.startsWith("Bearer ") && config.statusToken().matches(h.substring(7).strip());
    }
    return isLoopback(ctx.req().getRemoteAddr());
  }

  static boolean isLoopback(String address) {
    try {
      return InetAddress.getByName(address).isLoopbackAddress();
    } catch (Exception e) {
      return false;
    }
  }

  /** Which directory the server uses: its version and counts (no names, no handles). */
  private Map<String, Object> directory() {
    Map<String, Object> d = new LinkedHashMap<>();
    try {
      dev.coffer.server.directory.Directory dir = context.directory();
      d.put("version", context.directories().version());
      d.put("employees", dir.employees().size());
      d.put("contacts", dir.contacts().size());
    } catch (java.io.IOException | RuntimeException e) {
      d.put("error", e.getClass().getSimpleName());
    }
    return d;
  }

  /** The report {@code GET /status} answers and {@code coffer status} prints. */
  Map<String, Object> report() {
    Map<String, Object> out = new LinkedHashMap<>();
    Map<String, CaptureHealth.ConnectorStatus> snap = context.health().snapshot();
    boolean healthy = snap.values().stream().noneMatch(CaptureHealth.ConnectorStatus::silent);
    out.put("status", healthy ? "ok" : "alert");
    out.put("now", context.clock().instant().toString());
    out.put("started", context.health().started().toString());
    out.put("archive_records", context.archive().size());
    out.put("index_records", context.index().indexedThrough());
    out.put("directory", directory());
    Map<String, Object> connectors = new LinkedHashMap<>();
    snap.forEach((name, s) -> {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("silent", s.silent());
      c.put("last_record", s.lastRecord() == null ? null : s.lastRecord().toString());
      c.put("last_request", s.lastRequest() == null ? null : s.lastRequest().toString());
      c.put("silence_window_s", s.silenceWindow().toSeconds());
      c.put("requests", s.requests());
      c.put("records", s.records());
      c.put("duplicates", s.duplicates());
      c.put("unparsed", s.unparsed());
      c.put("signature_failures", s.signatureFailures());
      c.put("refused", s.refused());
      c.put("failures", s.failures());
      c.put("media_pending", s.mediaPending());
      c.put("sequence_gaps", s.sequenceGaps());
      c.put("lag_ms", s.lagMillis());
      c.put("alerts", s.alerts());
      c.put("counts", s.counts());
      c.put("details", s.details());
      connectors.put(name, c);
    });
    out.put("connectors", connectors);
    out.put("archive", housekeeping.report());
    return out;
  }

  /** Prometheus text exposition format (version 0.0.4). Counters only: no content, no handles. */
  String metrics() {
    StringBuilder b = new StringBuilder();
    Map<String, CaptureHealth.ConnectorStatus> snap = context.health().snapshot();
    metric(b, "coffer_archive_records", "gauge", "Records in the archive.", Map.of("", context.archive().size()));
    metric(b, "coffer_capture_requests_total", "counter", "Requests received per connector.", per(snap, s -> s.requests()));
    metric(b, "coffer_capture_records_total", "counter", "Records newly archived per connector.", per(snap, s -> s.records()));
    metric(b, "coffer_capture_duplicates_total", "counter", "Re-delivered records already archived.", per(snap, s -> s.duplicates()));
    metric(b, "coffer_capture_unparsed_total", "counter", "Records archived as unparsed.", per(snap, s -> s.unparsed()));
    metric(b, "coffer_capture_signature_failures_total", "counter", "Requests refused for a bad or missing signature.",
        per(snap, s -> s.signatureFailures()));
    metric(b, "coffer_capture_refused_total", "counter", "Requests refused for size, time or overload.", per(snap, s -> s.refused()));
    metric(b, "coffer_capture_failures_total", "counter", "Requests that could not be made durable.", per(snap, s -> s.failures()));
    metric(b, "coffer_capture_media_pending", "gauge", "Media fetches queued or retrying.", per(snap, s -> s.mediaPending()));
    metric(b, "coffer_capture_sequence_gaps_total", "counter", "Gaps seen in a source's sequence.", per(snap, s -> s.sequenceGaps()));
    metric(b, "coffer_capture_lag_milliseconds", "gauge", "Delay from the newest record's sent_at to its archiving.",
        per(snap, s -> s.lagMillis()));
    metric(b, "coffer_capture_last_record_timestamp_seconds", "gauge", "When the last record was archived (0: none since start).",
        per(snap, s -> s.lastRecord() == null ? 0 : s.lastRecord().getEpochSecond()));
    metric(b, "coffer_capture_silent", "gauge", "1 if the connector is silent beyond its window.", per(snap, s -> s.silent() ? 1 : 0));
    metric(b, "coffer_capture_alerts_total", "counter", "Silence alerts raised.", per(snap, s -> s.alerts()));
    housekeeping.metrics(b);
    return b.toString();
  }

  private static Map<String, Long> per(Map<String, CaptureHealth.ConnectorStatus> snap,
      java.util.function.ToLongFunction<CaptureHealth.ConnectorStatus> f) {
    Map<String, Long> m = new LinkedHashMap<>();
    snap.forEach((name, s) -> m.put(name, f.applyAsLong(s)));
    return m;
  }

  private static void metric(StringBuilder b, String name, String type, String help, Map<String, Long> values) {
    b.append("# HELP ").append(name).append(' ').append(help).append('\n');
    b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    values.forEach((connector, v) -> {
      b.append(name);
      if (!connector.isEmpty()) {
        b.append("{connector=\"").append(connector).append("\"}");
      }
      b.append(' ').append(v).append('\n');
    });
  }

  /** Raises an alert for each connector newly silent beyond its window. */
  void checkSilence() {
    try {
      List<CaptureHealth.Silence> silent = context.health().newlySilent();
      for (CaptureHealth.Silence s : silent) {
        LOG.error("capture alert: connector {} has archived nothing for {} s (window {} s; last record {})",
            s.connector(), s.quiet().toSeconds(), s.window().toSeconds(),
            s.lastRecord() == null ? "none since start" : s.lastRecord());
        Instant now = context.clock().instant();
        Map<String, String> detail = new LinkedHashMap<>();
        detail.put("connector", s.connector());
        detail.put("quiet_s", String.valueOf(s.quiet().toSeconds()));
        detail.put("window_s", String.valueOf(s.window().toSeconds()));
        detail.put("last_record", s.lastRecord() == null ? "none since start" : s.lastRecord().toString());
        String id = Ids.derive("coffer/audit", "coffer-server", now.toString(), ALERT_ACTION, s.connector());
        context.archive().append(List.of(new Audit(id, "coffer", null, new Party("coffer-server", null), now, null,
            ALERT_ACTION, null, detail, null, new Source("coffer-server", null, null, null, null))));
      }
    } catch (Exception e) {
      LOG.error("capture watch: could not check or record silence: {}", e.toString());
    }
  }

  @Override
  public void close() {
    watch.shutdownNow();
  }
}
