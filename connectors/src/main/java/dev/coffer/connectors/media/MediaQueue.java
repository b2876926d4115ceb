package dev.coffer.connectors.media;

import dev.coffer.archive.Archive;
import dev.coffer.archive.StoredRecord;
import dev.coffer.model.Record;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes pending attachments: fetches each reference with its {@link MediaSource} and, once the
 * bytes are stored, archives the source's {@code completion} record. Nothing is held back: the
 * message was archived before its media was asked for, and a fetch that fails leaves the attachment
 * pending and is tried again later (1 minute doubling per round up to {@link #MAX_ROUND_DELAY};
 * refusals wait the longest).
 *
 * <p>The list lives in memory and is rebuilt from the archive by each connector at start (pending
 * attachments without a completion). Completion ids derive from (record id, attachment index):
 * running an item twice archives one completion. Thread-safe; {@link #runDue} runs one at a time.
 *
 * @param <R> the connector's media reference
 */
public final class MediaQueue<R> {
  private static final Logger LOG = LoggerFactory.getLogger(MediaQueue.class);

  /** The first wait after a failed round. */
  public static final Duration FIRST_ROUND_DELAY = Duration.ofMinutes(1);

  /** The longest wait between rounds for one item. */
  public static final Duration MAX_ROUND_DELAY = Duration.ofHours(6);

  /** One attachment waiting for its bytes. */
  public record Pending<R>(R ref, int rounds, String lastDiagnostic, Instant nextAttempt) {}

  /** What one {@link #runDue} did. */
  public record Report(int completed, int failed, int pending) {}

  private final Archive archive;
  private final MediaSource<R> source;
  private final Clock clock;
  private final Map<String, Pending<R>> pending = new ConcurrentHashMap<>();

  public MediaQueue(Archive archive, MediaSource<R> source, Clock clock) {
    this.archive = Objects.requireNonNull(archive, "archive");
    this.source = Objects.requireNonNull(source, "source");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** True if {@code key} ({@code recordId#index}) is on the list. */
  public boolean isPending(String key) {
    return pending.containsKey(key);
  }

  /**
   * Adds references to fetch, due at once; those already pending or already completed in the archive
   * are skipped. Call after the records they name are durable.
   */
  public void enqueue(List<R> refs) throws IOException {
    Instant now = clock.instant();
    for (R ref : refs) {
      String key = source.key(ref);
      if (pending.containsKey(key) || archive.contains(source.completionId(ref))) {
        continue;
      }
      pending.putIfAbsent(key, new Pending<>(ref, 0, null, now));
    }
  }

  /** A snapshot of the list, oldest due first (for health: "media pending"). */
  public List<Pending<R>> pending() {
    List<Pending<R>> out = new ArrayList<>(pending.values());
    out.sort(Comparator.comparing(Pending::nextAttempt));
    return out;
  }

  /**
   * Fetches every due item, one after another; a completed item's completion record is archived
   * (durable) before it leaves the list.
   *
   * @throws IOException when the archive fails; items stay pending
   */
  public synchronized Report runDue() throws IOException {
    int done = 0;
    int failed = 0;
    for (Pending<R> p : pending()) {
      if (p.nextAttempt().isAfter(clock.instant())) {
        continue;
      }
      R ref = p.ref();
      String key = source.key(ref);
      String id = source.completionId(ref);
      if (archive.contains(id)) {
        pending.remove(key);
        continue;
      }
      switch (source.fetch(ref, archive)) {
        case MediaSource.Fetched f -> {
          Record target = archive.get(key.substring(0, key.lastIndexOf('#'))).map(StoredRecord::record).orElse(null);
          archive.append(List.of(source.completion(id, ref, f.attachment(), target, clock.instant())));
          pending.remove(key);
          done++;
          LOG.info("{}: media stored as {}", key, f.attachment().sha256());
        }
        case MediaSource.Failed f -> {
          failed++;
          int rounds = p.rounds() + 1;
          pending.put(key, new Pending<>(ref, rounds, f.diagnostic(),
              clock.instant().plus(roundDelay(rounds, f.retryable()))));
        }
      }
    }
    return new Report(done, failed, pending.size());
  }

  /** Wait before the next round: 1 min doubling per round, capped; refusals wait the longest. */
  public static Duration roundDelay(int rounds, boolean retryable) {
    if (!retryable) {
      return MAX_ROUND_DELAY;
    }
    long minutes = FIRST_ROUND_DELAY.toMinutes() << Math.min(rounds - 1, 20);
    return Duration.ofMinutes(Math.min(minutes, MAX_ROUND_DELAY.toMinutes()));
  }

  /**
   * Runs {@link #runDue} every {@code every} on a daemon thread until the returned handle is closed.
   * A failing run is logged and the next one goes ahead.
   */
  public AutoCloseable start(Duration every, String threadName) {
    ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    });
    s.scheduleWithFixedDelay(() -> {
      try {
        runDue();
      } catch (IOException | RuntimeException e) {
        LOG.warn("{}: media completion run failed: {}", threadName, e.toString());
      }
    }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    return () -> {
      s.shutdownNow();
      s.awaitTermination(10, TimeUnit.SECONDS);
    };
  }
}
