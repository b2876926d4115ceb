package dev.coffer.connectors.whatsapp.cloud;

import dev.coffer.archive.Archive;
import dev.coffer.archive.StoredRecord;
import dev.coffer.model.Attachment;
import dev.coffer.model.Completion;
import dev.coffer.model.Conversation;
import dev.coffer.model.Message;
import dev.coffer.model.Record;
import dev.coffer.model.Source;
import dev.coffer.model.SystemEvent;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes pending attachments: fetches each {@link MediaRef} with {@link MediaFetcher} and, once
 * the bytes are verified and stored, archives a {@link Completion} record for it. Nothing is held
 * back: the message was archived before its media was asked for, and a fetch that fails leaves the
 * attachment pending and is tried again later (backoff per item, up to {@link #MAX_ROUND_DELAY}).
 *
 * <p>The pending list lives in memory and is <b>rebuildable from the archive</b> ({@link #rebuild}):
 * pending = cloud API messages with a {@code pending} attachment, and history media offers (a later
 * history webhook giving the media id of a message archived without one), with no
 * {@code completion} for them; each one's media reference is read again from the archived webhook
 * body its {@code source.raw} names. So a restart loses nothing: call {@code rebuild()} on start, {@link #enqueue} after each
 * webhook's records are durable, and {@link #runDue} (or {@link #start}) to work the list.
 *
 * <p>Completion ids derive from (target record id, attachment index): running the same item twice,
 * or on two machines, archives one completion. Thread-safe; {@link #runDue} runs one at a time.
 */
public final class MediaCompletion {
  private static final Logger LOG = LoggerFactory.getLogger(MediaCompletion.class);

  /** The first wait after a failed round. */
  static final Duration FIRST_ROUND_DELAY = Duration.ofMinutes(1);

  /** The longest wait between rounds for one item (media ids stay retrievable for weeks). */
  static final Duration MAX_ROUND_DELAY = Duration.ofHours(6);

  /** One attachment waiting for its bytes. */
  public record Pending(MediaRef ref, int rounds, String lastDiagnostic, Instant nextAttempt) {}

  /** What one {@link #runDue} did. */
  public record Report(int completed, int failed, int pending) {}

  /**
   * What {@link #rebuild} found: items now pending, attachments already completed, and items
   * ({@code record#index}) whose media reference could not be read again.
   */
  public record Rebuild(int pending, int alreadyComplete, List<String> unrecoverable) {}

  private final Archive archive;
  private final MediaFetcher fetcher;
  private final Clock clock;
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();

  public MediaCompletion(Archive archive, MediaFetcher fetcher, Clock clock) {
    this.archive = Objects.requireNonNull(archive, "archive");
    this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Adds media references to fetch, due at once; references already pending or already completed
   * in the archive are skipped. Call after the records they name are durable.
   */
  public void enqueue(List<MediaRef> refs) throws IOException {
    Instant now = clock.instant();
    for (MediaRef ref : refs) {
      if (pending.containsKey(ref.key())
          || archive.contains(CloudIds.completion(ref.recordId(), ref.attachmentIndex()))) {
        continue;
      }
      pending.putIfAbsent(ref.key(), new Pending(ref, 0, null, now));
    }
  }

  /** A snapshot of the pending list, oldest due first (for health pages: "media pending"). */
  public List<Pending> pending() {
    List<Pending> out = new ArrayList<>(pending.values());
    out.sort(Comparator.comparing(Pending::nextAttempt));
    return out;
  }

  /**
   * Rebuilds the pending list from the archive alone (one pass over all records): every cloud API
   * message with a pending attachment and no completion for it is enqueued, its reference read again
   * from the archived webhook body. An item whose body is missing or names no such media is listed
   * as unrecoverable (and logged by record id).
   */
  public Rebuild rebuild() throws IOException {
    Map<String, Message> waiting = new LinkedHashMap<>();
    Set<String> completed = new HashSet<>();
    List<SystemEvent> offers = new ArrayList<>();
    archive.scan(1, (StoredRecord sr) -> {
      switch (sr.record()) {
        case Message m when CloudApiWebhook.CONNECTOR.equals(m.source().connector())
            && m.attachmentList().stream().anyMatch(Attachment::pending) -> waiting.put(m.id(), m);
        case SystemEvent s when CloudApiWebhook.CONNECTOR.equals(s.source().connector())
            && s.detail() != null && s.detail().containsKey(MessageMapper.OFFER_TARGET) -> offers.add(s);
        case Completion c -> completed.add(c.target() + "#" + c.index());
        default -> { }
      }
      return true;
    });
    int complete = 0;
    List<String> unrecoverable = new ArrayList<>();
    Map<String, List<MediaRef>> byRaw = new LinkedHashMap<>();
    for (Message m : waiting.values()) {
      List<Attachment> atts = m.attachmentList();
      for (int i = 0; i < atts.size(); i++) {
        if (!atts.get(i).pending()) {
          continue;
        }
        if (completed.contains(m.id() + "#" + i)) {
          complete++;
          continue;
        }
        MediaRef ref = refFromRaw(m.id(), i, m.source().raw(), byRaw);
        if (ref == null) {
          unrecoverable.add(m.id() + "#" + i);
          LOG.warn("record {} attachment {}: pending, but its webhook body {} names no media for it",
              m.id(), i, m.source().raw());
        } else {
          enqueue(List.of(ref));
        }
      }
    }
    // History media offered later, for messages archived without a media id.
    for (SystemEvent offer : offers) {
      String target = offer.detail().get(MessageMapper.OFFER_TARGET);
      int index = Integer.parseInt(offer.detail().get(MessageMapper.OFFER_INDEX));
      if (completed.contains(target + "#" + index) || pending.containsKey(target + "#" + index)) {
        continue;
      }
      MediaRef ref = refFromRaw(target, index, offer.source().raw(), byRaw);
      if (ref == null) {
        unrecoverable.add(target + "#" + index);
        LOG.warn("record {} attachment {}: media offered by {}, but that body names none", target,
            index, offer.source().raw());
      } else {
        enqueue(List.of(ref));
      }
    }
    return new Rebuild(pending.size(), complete, unrecoverable);
  }

  private MediaRef refFromRaw(String recordId, int index, String raw,
      Map<String, List<MediaRef>> byRaw) throws IOException {
    if (raw == null) {
      return null;
    }
    List<MediaRef> refs = byRaw.get(raw);
    if (refs == null) {
      if (!archive.hasBlob(raw)) {
        return null;
      }
      byte[] body;
      try (InputStream in = archive.openBlob(raw)) {
        body = in.readAllBytes();
      }
      refs = CloudApiWebhook.parse(body, raw, clock.instant()).media();
      if (byRaw.size() > 64) {
        byRaw.clear(); // bodies are read in archive order; a small memory is enough
      }
      byRaw.put(raw, refs);
    }
    for (MediaRef r : refs) {
      if (r.recordId().equals(recordId) && r.attachmentIndex() == index) {
        return r;
      }
    }
    return null;
  }

  /**
   * Fetches every pending item that is due, one after another; a completed item's
   * {@link Completion} is archived (durable) before it leaves the list.
   *
   * @throws IOException when the archive fails; items stay pending
   */
  public synchronized Report runDue() throws IOException {
    int done = 0;
    int failed = 0;
    for (Pending p : pending()) {
      if (p.nextAttempt().isAfter(clock.instant())) {
        continue;
      }
      MediaRef ref = p.ref();
      String id = CloudIds.completion(ref.recordId(), ref.attachmentIndex());
      if (archive.contains(id)) {
        pending.remove(ref.key());
        continue;
      }
      MediaFetcher.Result result = fetcher.fetch(ref, archive);
      switch (result) {
        case MediaFetcher.Stored s -> {
          archive.append(List.of(completion(id, ref, s.attachment())));
          pending.remove(ref.key());
          done++;
          LOG.info("record {} attachment {}: media {} stored as {}", ref.recordId(),
              ref.attachmentIndex(), ref.mediaId(), s.attachment().sha256());
        }
        case MediaFetcher.Failed f -> {
          failed++;
          int rounds = p.rounds() + 1;
          pending.put(ref.key(), new Pending(ref, rounds, f.diagnostic(),
              clock.instant().plus(roundDelay(rounds, f.retryable()))));
        }
      }
    }
    return new Report(done, failed, pending.size());
  }

  /** Wait before the next round: 1 min doubling per round, capped; refusals wait the longest. */
  static Duration roundDelay(int rounds, boolean retryable) {
    if (!retryable) {
      return MAX_ROUND_DELAY;
    }
    long minutes = FIRST_ROUND_DELAY.toMinutes() << Math.min(rounds - 1, 20);
    return Duration.ofMinutes(Math.min(minutes, MAX_ROUND_DELAY.toMinutes()));
  }

  private Completion completion(String id, MediaRef ref, Attachment attachment) throws IOException {
    Conversation conversation = null;
    String range = null;
    Record target = archive.get(ref.recordId()).map(StoredRecord::record).orElse(null);
    if (target != null) {
      conversation = target.conversation();
      range = target.source().range();
    }
    return new Completion(id, ParseBuilder.CHANNEL, conversation, null, clock.instant(), null,
        ref.recordId(), ref.attachmentIndex(), attachment,
        new Source(CloudApiWebhook.CONNECTOR, ref.mediaId(), ref.rawBlobDigest(), range, null));
  }

  /**
   * Runs {@link #runDue} every {@code every} on a daemon thread until the returned handle is
   * closed. A failing run is logged and the next one goes ahead.
   */
  public AutoCloseable start(Duration every) {
    ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "coffer-media-completion");
      t.setDaemon(true);
      return t;
    });
    s.scheduleWithFixedDelay(() -> {
      try {
        runDue();
      } catch (IOException | RuntimeException e) {
        LOG.warn("media completion run failed: {}", e.toString());
      }
    }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    return () -> {
      s.shutdownNow();
      s.awaitTermination(10, TimeUnit.SECONDS);
    };
  }
}
