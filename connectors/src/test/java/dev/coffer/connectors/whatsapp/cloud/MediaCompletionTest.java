package dev.coffer.connectors.whatsapp.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.archive.StoredRecord;
import dev.coffer.model.Completion;
import dev.coffer.model.Message;
import dev.coffer.model.Record;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole media path as the server runs it: a webhook body is archived with its records (the
 * attachment pending), the media is fetched from a real local Graph API server, and a completion
 * record lands in a real archive; after a restart the pending list is rebuilt from the archive alone.
 */
class MediaCompletionTest {
  /** A clock tests move by hand, so "try again later" needs no sleeping. */
  static final class ManualClock extends Clock {
    Instant now = Instant.parse("2026-03-02T10:00:00Z");

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  static final byte[] PHOTO = "pretend this is a JPEG of a handwritten order".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;
  GraphApiFixture graph;
  ManualClock clock = new ManualClock();
  MediaFetcher fetcher;

  @BeforeEach
  void start() throws Exception {
    graph = new GraphApiFixture();
    fetcher = new MediaFetcher(graph.base(), GraphApiFixture.TOKEN, HttpClient.newHttpClient(),
        MediaFetcherTest.FAST);
  }

  @AfterEach
  void stop() {
    graph.close();
  }

  static byte[] webhook(String mediaId, byte[] bytes) {
    String b64 = Base64.getEncoder().encodeToString(HexFormat.of().parseHex(GraphApiFixture.sha256(bytes)));
    return CloudApiWebhookTest.envelope("messages", """
        "messages":[{"from":"34612345678","id":"wamid.IMG1","timestamp":"1772445600","type":"image",
          "image":{"id":"%s","mime_type":"image/jpeg","sha256":"%s","caption":"today's order"}}]"""
        .formatted(mediaId, b64)).getBytes(StandardCharsets.UTF_8);
  }

  /** What the server does on a POST: blob first, then the records, then hand over the media. */
  static WebhookParse receive(Archive archive, byte[] body) throws Exception {
    String raw = archive.putBlob(body);
    WebhookParse p = CloudApiWebhook.parse(body, raw, Instant.parse("2026-03-02T10:00:00Z"));
    archive.append(p.records());
    return p;
  }

  static List<Record> all(Archive archive) throws Exception {
    List<Record> out = new ArrayList<>();
    archive.scan(1, (StoredRecord sr) -> out.add(sr.record()));
    return out;
  }

  @Test
  void aPendingAttachmentIsCompletedByALaterRecordAndTheMessageStaysAsItWas() throws Exception {
    graph.files.put("media-77", PHOTO);
    try (Archive archive = Archives.create(dir.resolve("a"), ArchiveOptions.defaults())) {
      WebhookParse p = receive(archive, webhook("media-77", PHOTO));
      Message m = (Message) p.records().getFirst();
      assertThat(m.attachments()).singleElement().satisfies(a -> {
        assertThat(a.pending()).isTrue();
        assertThat(a.sha256()).isNull();
      });
      assertThat(p.media()).singleElement().satisfies(r -> {
        assertThat(r.recordId()).isEqualTo(m.id());
        assertThat(r.sha256()).isEqualTo(GraphApiFixture.sha256(PHOTO));
      });
      MediaCompletion completion = new MediaCompletion(archive, fetcher, clock);
      completion.enqueue(p.media());
      assertThat(completion.runDue()).isEqualTo(new dev.coffer.connectors.media.MediaQueue.Report(1, 0, 0));

      List<Record> records = all(archive);
      assertThat(records).hasSize(2);
      assertThat(records.get(0)).isEqualTo(m);
      assertThat(records.get(1)).isInstanceOfSatisfying(Completion.class, c -> {
        assertThat(c.target()).isEqualTo(m.id());
        assertThat(c.index()).isZero();
        assertThat(c.conversation()).isEqualTo(m.conversation());
        assertThat(c.attachment().sha256()).isEqualTo(GraphApiFixture.sha256(PHOTO));
        assertThat(c.attachment().caption()).isEqualTo("today's order");
        assertThat(c.attachment().pending()).isFalse();
        assertThat(c.source().nativeId()).isEqualTo("media-77");
        assertThat(c.source().raw()).isEqualTo(m.source().raw());
        assertThat(c.sentAt()).isEqualTo(clock.now);
      });
      try (var in = archive.openBlob(GraphApiFixture.sha256(PHOTO))) {
        assertThat(in.readAllBytes()).isEqualTo(PHOTO);
      }

      // The same webhook delivered again: no new record, nothing fetched again.
      WebhookParse again = receive(archive, webhook("media-77", PHOTO));
      completion.enqueue(again.media());
      assertThat(completion.pending()).isEmpty();
      assertThat(archive.size()).isEqualTo(2);
      assertThat(graph.lookups).hasValue(1);
    }
  }

  @Test
  void failuresKeepTheAttachmentPendingAcrossARestartUntilTheApiRecovers() throws Exception {
    graph.files.put("media-88", PHOTO);
    for (int i = 0; i < 20; i++) {
      graph.lookupFailures.add(500);
    }
    Path data = dir.resolve("b");
    String messageId;
    try (Archive archive = Archives.create(data, ArchiveOptions.defaults())) {
      WebhookParse p = receive(archive, webhook("media-88", PHOTO));
      messageId = p.records().getFirst().id();
      MediaCompletion completion = new MediaCompletion(archive, fetcher, clock);
      completion.enqueue(p.media());
      assertThat(completion.runDue()).isEqualTo(new dev.coffer.connectors.media.MediaQueue.Report(0, 1, 1));
      dev.coffer.connectors.media.MediaQueue.Pending<MediaRef> pending = completion.pending().getFirst();
      assertThat(pending.rounds()).isEqualTo(1);
      assertThat(pending.lastDiagnostic()).contains("HTTP 500");
      assertThat(pending.nextAttempt()).isEqualTo(clock.now.plus(Duration.ofMinutes(1)));
      // Not due yet: nothing is tried.
      int lookups = graph.lookups.get();
      assertThat(completion.runDue()).isEqualTo(new dev.coffer.connectors.media.MediaQueue.Report(0, 0, 1));
      assertThat(graph.lookups).hasValue(lookups);
      assertThat(archive.size()).isEqualTo(1);
    }
    // Restart: the pending list comes back from the archive alone.
    graph.lookupFailures.clear();
    try (Archive archive = Archives.open(data, ArchiveOptions.defaults())) {
      MediaCompletion completion = new MediaCompletion(archive, fetcher, clock);
      MediaCompletion.Rebuild rebuilt = completion.rebuild();
      assertThat(rebuilt.pending()).isEqualTo(1);
      assertThat(rebuilt.unrecoverable()).isEmpty();
      assertThat(completion.pending().getFirst().ref().mediaId()).isEqualTo("media-88");
      assertThat(completion.runDue().completed()).isEqualTo(1);
      assertThat(all(archive)).last().isInstanceOfSatisfying(Completion.class,
          c -> assertThat(c.target()).isEqualTo(messageId));
      // Rebuilt again, nothing is left to do.
      MediaCompletion afterwards = new MediaCompletion(archive, fetcher, clock);
      assertThat(afterwards.rebuild()).isEqualTo(new MediaCompletion.Rebuild(0, 1, List.of()));
    }
  }

  @Test
  void aDigestMismatchStaysPendingWithItsDiagnosticAndIsRetriedSlowly() throws Exception {
    graph.files.put("media-99", "other bytes".getBytes(StandardCharsets.UTF_8));
    try (Archive archive = Archives.create(dir.resolve("c"), ArchiveOptions.defaults())) {
      WebhookParse p = receive(archive, webhook("media-99", PHOTO));
      MediaCompletion completion = new MediaCompletion(archive, fetcher, clock);
      completion.enqueue(p.media());
      assertThat(completion.runDue().failed()).isEqualTo(1);
      dev.coffer.connectors.media.MediaQueue.Pending<MediaRef> pending = completion.pending().getFirst();
      assertThat(pending.lastDiagnostic()).contains("SHA-256 mismatch");
      assertThat(pending.nextAttempt()).isEqualTo(clock.now.plus(dev.coffer.connectors.media.MediaQueue.MAX_ROUND_DELAY));
      assertThat(archive.size()).isEqualTo(1);
      // Meta fixes the file; hours later the next round completes it.
      graph.files.put("media-99", PHOTO);
      clock.now = clock.now.plus(dev.coffer.connectors.media.MediaQueue.MAX_ROUND_DELAY);
      assertThat(completion.runDue().completed()).isEqualTo(1);
    }
  }

  static byte[] history(String mediaJson) {
    return CloudApiWebhookTest.envelope("history", """
        "history":[{"metadata":{"phase":0,"chunk_order":1,"progress":100},"threads":[{"id":"34612345678",
          "messages":[{"from":"34612345678","id":"wamid.HM","timestamp":"1767225720","type":"image",
          "image":{%s"mime_type":"image/jpeg"}}]}]}]""".formatted(mediaJson)).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void historyMediaOfferedLaterIsFoundAgainAfterARestart() throws Exception {
    graph.files.put("media-h1", PHOTO);
    Path data = dir.resolve("h");
    String messageId;
    try (Archive archive = Archives.create(data, ArchiveOptions.defaults())) {
      // The back-fill first delivers the message without a media id: the attachment is missing.
      WebhookParse first = receive(archive, history(""));
      Message m = (Message) first.records().getFirst();
      messageId = m.id();
      assertThat(m.attachments().getFirst().missing()).isTrue();
      assertThat(first.media()).isEmpty();
      // A later history webhook carries the id: the message is a duplicate, the offer is new.
      String b64 = Base64.getEncoder().encodeToString(HexFormat.of().parseHex(GraphApiFixture.sha256(PHOTO)));
      WebhookParse later = receive(archive, history("\"id\":\"media-h1\",\"sha256\":\"" + b64 + "\","));
      assertThat(later.media()).singleElement().satisfies(r -> assertThat(r.recordId()).isEqualTo(messageId));
      assertThat(archive.size()).isEqualTo(2);
      // The server stops before the media was fetched.
    }
    try (Archive archive = Archives.open(data, ArchiveOptions.defaults())) {
      MediaCompletion completion = new MediaCompletion(archive, fetcher, clock);
      assertThat(completion.rebuild().pending()).isEqualTo(1);
      assertThat(completion.runDue().completed()).isEqualTo(1);
      assertThat(all(archive)).last().isInstanceOfSatisfying(Completion.class, c -> {
        assertThat(c.target()).isEqualTo(messageId);
        assertThat(c.attachment().sha256()).isEqualTo(GraphApiFixture.sha256(PHOTO));
      });
      assertThat(new MediaCompletion(archive, fetcher, clock).rebuild().pending()).isZero();
    }
  }

  @Test
  void roundDelaysDoubleUpToTheCap() {
    assertThat(dev.coffer.connectors.media.MediaQueue.roundDelay(1, true)).isEqualTo(Duration.ofMinutes(1));
    assertThat(dev.coffer.connectors.media.MediaQueue.roundDelay(3, true)).isEqualTo(Duration.ofMinutes(4));
    assertThat(dev.coffer.connectors.media.MediaQueue.roundDelay(30, true)).isEqualTo(dev.coffer.connectors.media.MediaQueue.MAX_ROUND_DELAY);
    assertThat(dev.coffer.connectors.media.MediaQueue.roundDelay(1, false)).isEqualTo(dev.coffer.connectors.media.MediaQueue.MAX_ROUND_DELAY);
  }
}
