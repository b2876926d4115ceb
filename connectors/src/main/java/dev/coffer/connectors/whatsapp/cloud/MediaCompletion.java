package dev.coffer.connectors.whatsapp.cloud;

import dev.coffer.archive.Archive;
import dev.coffer.archive.StoredRecord;
import dev.coffer.connectors.media.MediaQueue;
import dev.coffer.connectors.media.MediaSource;
import dev.coffer.model.Attachment;
import dev.coffer.model.Completion;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes pending attachments: fetches each {@link MediaRef} with {@link MediaFetcher} and, once
 * the bytes are verified and stored, archives a {@link Completion} record for it. Nothing is held
 * back: the message was archived before its media was asked for, and a fetch that fails leaves the
 * attachment pending and is tried again later (backoff per item, up to
 * {@link MediaQueue#MAX_ROUND_DELAY}; the shared queue is {@link MediaQueue}).
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

  /**
   * What {@link #rebuild} found: items now pending, attachments already completed, and items
   * ({@code record#index}) whose media reference could not be read again.
   */
  public record Rebuild(int pending, int alreadyComplete, List<String> unrecoverable) {}

  private final Archive archive;
  private final Clock clock;
  private final MediaQueue<MediaRef> queue;

  public MediaCompletion(Archive archive, MediaFetcher fetcher, Clock clock) {
    this.archive = Objects.requireNonNull(archive, "archive");
    this.clock = Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(fetcher, "fetcher");
    this.queue = new MediaQueue<>(archive, new GraphMedia(fetcher), clock);
  }

  /** The Graph API as a {@link MediaSource}: {@link MediaFetcher} and Cloud API completion records. */
  private record GraphMedia(MediaFetcher fetcher) implements MediaSource<MediaRef> {
    @Override
    public String key(MediaRef ref) {
      return ref.key();
    }

    @Override
    public String completionId(MediaRef ref) {
      return CloudIds.completion(ref.recordId(), ref.attachmentIndex());
    }

    @Override
    public MediaSource.Outcome fetch(MediaRef ref, Archive archive) throws IOException {
      return switch (fetcher.fetch(ref, archive)) {
        case MediaFetcher.Stored s -> new MediaSource.Fetched(s.attachment());
        case MediaFetcher.Failed f -> new MediaSource.Failed(f.diagnostic(), f.retryable());
      };
    }

    @Override
    public Completion completion(String id, MediaRef ref, Attachment attachment, Record target, Instant now) {
      return new Completion(id, ParseBuilder.CHANNEL, target == null ? null : target.conversation(), null, now,
          null, ref.recordId(), ref.attachmentIndex(), attachment,
          new Source(CloudApiWebhook.CONNECTOR, ref.mediaId(), ref.rawBlobDigest(),
              target == null ? null : target.source().range(), null));
    }
  }

  /**
   * Adds media references to fetch, due at once; references already pending or already completed
   * in the archive are skipped. Call after the records they name are durable.
   */
  public void enqueue(List<MediaRef> refs) throws IOException {
    queue.enqueue(refs);
  }

  /** A snapshot of the pending list, oldest due first (for health pages: "media pending"). */
  public List<MediaQueue.Pending<MediaRef>> pending() {
    return queue.pending();
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
      if (completed.contains(target + "#" + index) || queue.isPending(target + "#" + index)) {
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
    return new Rebuild(queue.pending().size(), complete, unrecoverable);
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
  public MediaQueue.Report runDue() throws IOException {
    return queue.runDue();
  }

  /**
   * Runs {@link #runDue} every {@code every} on a daemon thread until the returned handle is
   * closed. A failing run is logged and the next one goes ahead.
   */
  public AutoCloseable start(Duration every) {
    return queue.start(every, "coffer-media-completion");
  }
}
