package dev.coffer.server;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Health of capture, per connector (REQUIREMENTS 7-8: a firm can see that a channel's capture is
 * healthy before it allows the channel; gaps and silent connectors raise alerts). Counters only:
 * nothing here holds content, handles or secrets. Thread-safe.
 */
public final class CaptureHealth {
  private final Clock clock;
  private final Instant started;
  private final Map<String, Counters> connectors = new ConcurrentHashMap<>();

  public CaptureHealth(Clock clock) {
    this.clock = clock;
    this.started = clock.instant();
  }

  /** Registers a connector with its silence window (done by the server for each enabled endpoint). */
  public void register(String connector, Duration silenceWindow) {
    connectors.computeIfAbsent(connector, c -> new Counters(silenceWindow));
  }

  /** Reports the count of media fetches waiting (queued or retrying) for a connector. */
  public void mediaPending(String connector, LongSupplier pending) {
    counters(connector).mediaPending = pending;
  }

  /** A request reached the connector's endpoint. */
  public void received(String connector) {
    Counters c = counters(connector);
    c.requests.incrementAndGet();
    c.lastRequest.set(clock.instant());
  }

  /**
   * Records were archived (durably) for a connector.
   *
   * @param appended records newly archived
   * @param duplicates records that were already archived (re-deliveries)
   * @param unparsed of the appended, how many are {@code unparsed}
   * @param newestSentAt the newest {@code sent_at} among them, or null (for the lag)
   */
  public void archived(String connector, long appended, long duplicates, long unparsed, Instant newestSentAt) {
    Counters c = counters(connector);
    Instant now = clock.instant();
    c.records.addAndGet(appended);
    c.duplicates.addAndGet(duplicates);
    c.unparsed.addAndGet(unparsed);
    if (appended + duplicates > 0) {
      c.lastRecord.set(now);
      c.alerted.set(false);
    }
    if (newestSentAt != null) {
      c.lagMillis.set(Math.max(0, Duration.between(newestSentAt, now).toMillis()));
    }
  }

  /** A request failed signature verification (counted; never its content). */
  public void signatureFailure(String connector) {
    counters(connector).signatureFailures.incrementAndGet();
  }

  /** A request was refused (too large, too slow, overloaded, malformed beyond keeping). */
  public void refused(String connector) {
    counters(connector).refused.incrementAndGet();
  }

  /** A request could not be made durable (the archive failed): the sender got 5xx and will retry. */
  public void failed(String connector) {
    counters(connector).failures.incrementAndGet();
  }

  /** A gap in a source's sequence was seen (e.g. a missing history chunk). */
  public void sequenceGap(String connector) {
    counters(connector).sequenceGaps.incrementAndGet();
  }

  /** Sets a named fact about a connector (e.g. back-fill progress per number); never content. */
  public void detail(String connector, String name, String value) {
    counters(connector).details.put(name, value);
  }

  /** Adds to a named count of a connector (e.g. contact-book changes received). */
  public void count(String connector, String name, long delta) {
    counters(connector).counts.merge(name, delta, Long::sum);
  }

  /**
   * Connectors silent beyond their window that have not been alerted since their last record; each is
   * returned once per silence (the caller logs and archives the alert).
   */
  public List<Silence> newlySilent() {
    Instant now = clock.instant();
    List<Silence> out = new ArrayList<>();
    connectors.forEach((name, c) -> {
      Instant last = c.lastRecord.get();
      Instant since = last == null ? started : last;
      Duration quiet = Duration.between(since, now);
      if (quiet.compareTo(c.window) > 0 && c.alerted.compareAndSet(false, true)) {
        c.alerts.incrementAndGet();
        out.add(new Silence(name, last, quiet, c.window));
      }
    });
    return out;
  }

  /** A connector found silent: its last record (null if none since start), how long, and its window. */
  public record Silence(String connector, Instant lastRecord, Duration quiet, Duration window) {}

  /** A point-in-time view of every connector, by name (sorted). */
  public Map<String, ConnectorStatus> snapshot() {
    Instant now = clock.instant();
    Map<String, ConnectorStatus> out = new java.util.TreeMap<>();
    connectors.forEach((name, c) -> {
      Instant last = c.lastRecord.get();
      Duration quiet = Duration.between(last == null ? started : last, now);
      out.put(name, new ConnectorStatus(c.requests.get(), c.records.get(), c.duplicates.get(), c.unparsed.get(),
          c.signatureFailures.get(), c.refused.get(), c.failures.get(), c.mediaPending.getAsLong(),
          c.sequenceGaps.get(), c.lagMillis.get(), last, c.lastRequest.get(), c.window,
          quiet.compareTo(c.window) > 0, c.alerts.get(), new java.util.TreeMap<>(c.counts),
          new java.util.TreeMap<>(c.details)));
    });
    return out;
  }

  /** When the server started (silence is counted from here for a connector with no record yet). */
  public Instant started() {
    return started;
  }

  /**
   * One connector's health.
   *
   * @param requests requests received
   * @param records records newly archived
   * @param duplicates re-delivered records already archived
   * @param unparsed records archived as {@code unparsed}
   * @param signatureFailures requests refused for a bad or missing signature
   * @param refused requests refused for size, time, overload or hostile input
   * @param failures requests that could not be made durable (5xx)
   * @param mediaPending media fetches queued or retrying
   * @param sequenceGaps gaps seen in the source's sequence
   * @param lagMillis delay between the newest record's {@code sent_at} and its archiving, last seen
   * @param lastRecord when the last record was archived (null: none since start)
   * @param lastRequest when the last request arrived (null: none since start)
   * @param silenceWindow how long without a record is an alert
   * @param silent true if silent beyond the window now
   * @param alerts silence alerts raised since start
   * @param counts connector-specific counts by name
   * @param details connector-specific facts by name (e.g. history back-fill progress)
   */
  public record ConnectorStatus(long requests, long records, long duplicates, long unparsed,
      long signatureFailures, long refused, long failures, long mediaPending, long sequenceGaps, long lagMillis,
      Instant lastRecord, Instant lastRequest, Duration silenceWindow, boolean silent, long alerts,
      Map<String, Long> counts, Map<String, String> details) {}

  private Counters counters(String connector) {
    return connectors.computeIfAbsent(connector, c -> new Counters(ServerConfig.DEFAULT_SILENCE));
  }

  private static final class Counters {
    final Duration window;
    final AtomicLong requests = new AtomicLong();
    final AtomicLong records = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong unparsed = new AtomicLong();
    final AtomicLong signatureFailures = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    final AtomicLong sequenceGaps = new AtomicLong();
    final AtomicLong lagMillis = new AtomicLong();
    final AtomicLong alerts = new AtomicLong();
    final AtomicReference<Instant> lastRecord = new AtomicReference<>();
    final AtomicReference<Instant> lastRequest = new AtomicReference<>();
    final java.util.concurrent.atomic.AtomicBoolean alerted = new java.util.concurrent.atomic.AtomicBoolean();
    volatile LongSupplier mediaPending = () -> 0;
    final Map<String, Long> counts = new ConcurrentHashMap<>();
    final Map<String, String> details = new ConcurrentHashMap<>();

    Counters(Duration window) {
      this.window = window;
    }
  }
}
