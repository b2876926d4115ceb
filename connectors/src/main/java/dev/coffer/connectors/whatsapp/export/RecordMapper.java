package dev.coffer.connectors.whatsapp.export;

import dev.coffer.connectors.whatsapp.export.Entry.CallEntry;
import dev.coffer.connectors.whatsapp.export.Entry.MediaRef;
import dev.coffer.connectors.whatsapp.export.Entry.MessageEntry;
import dev.coffer.connectors.whatsapp.export.Entry.SystemEntry;
import dev.coffer.connectors.whatsapp.export.Entry.UnparsedEntry;
import dev.coffer.model.Attachment;
import dev.coffer.model.Call;
import dev.coffer.model.ContactCard;
import dev.coffer.model.Conversation;
import dev.coffer.model.Ids;
import dev.coffer.model.Message;
import dev.coffer.model.Party;
import dev.coffer.model.Record;
import dev.coffer.model.Source;
import dev.coffer.model.SystemEvent;
import dev.coffer.model.Unparsed;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns entries into {@code coffer/1} records: ids from natural keys, local times to UTC, parties,
 * attachments. One instance per imported file (it counts occurrences and follows DST in file order).
 *
 * <p>Record id = {@link Ids#derive}("whatsapp-export/record", conversation id, local time as ISO
 * text, author as written, full body as written, occurrence) where occurrence counts earlier entries
 * of this file with the same (time, author, body). The counter remembers at most
 * {@value #OCCURRENCE_MEMORY} keys (least recently used dropped): exports are chronological, so
 * identical messages sit close together; if a far repeat is ever counted from zero again, the
 * importer's duplicate check (same raw, different line range) moves it to the next occurrence.
 */
final class RecordMapper {
  static final String CONNECTOR = "whatsapp-export";
  static final String CHANNEL = "whatsapp";
  static final int OCCURRENCE_MEMORY = 8192;
  private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_LOCAL_DATE_TIME;

  /** Resolves a media reference to an attachment (storing bytes from the zip when present). */
  interface Media {
    Attachment attachment(MediaRef ref) throws IOException;

    /** Phone numbers in a stored vCard, or an empty list. */
    List<String> vcardPhones(String sha256) throws IOException;
  }

  private final Conversation conversation;
  private final String raw;
  private final LocalTimes times;
  private final Parties parties;
  private final Media media;
  private final Map<Object, Integer> occurrences =
      new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Object, Integer> eldest) {
          return size() > OCCURRENCE_MEMORY;
        }
      };

  RecordMapper(Conversation conversation, String raw, LocalTimes times, Parties parties,
      Media media) {
    this.conversation = conversation;
    this.raw = raw;
    this.times = times;
    this.parties = parties;
    this.media = media;
  }

  /** The natural key of a conversation: channel, owner phone (may be null), chat title. */
  static String conversationId(String ownerPhone, String title) {
    return Ids.derive("whatsapp-export/conversation", CHANNEL, ownerPhone, title);
  }

  /** Bodies up to this length are kept as they are in the occurrence memory, longer ones hashed. */
  static final int PLAIN_KEY_CHARS = 1024;

  /** An occurrence key held as its parts: equal exactly when the parts are equal. */
  private record Key(String time, String author, String body) {}

  /**
   * The occurrence index for this entry's (time, author, body) in this file, counting it. Short
   * keys are held as they are (no digest per entry); a body longer than {@value #PLAIN_KEY_CHARS}
   * characters is held as its digest, which bounds the memory to about 8,192 × 2 KiB. Either way two
   * keys match exactly when their parts are equal.
   */
  int occurrence(Entry e) {
    String body = e.body();
    Object key = body == null || body.length() <= PLAIN_KEY_CHARS
        ? new Key(timeKey(e), e.author(), body)
        : Ids.derive("whatsapp-export/key", timeKey(e), e.author(), body);
    Integer n = occurrences.get(key);
    int next = n == null ? 0 : n + 1;
    occurrences.put(key, next);
    return next;
  }

  String id(Entry e, int occurrence) {
    return Ids.derive("whatsapp-export/record", conversation.id(), timeKey(e), e.author(),
        e.body(), Integer.toString(occurrence));
  }

  private LocalDateTime lastTime;
  private String lastTimeKey;

  /** The entry's local time as ISO text; consecutive entries often share it, so it is cached. */
  private String timeKey(Entry e) {
    LocalDateTime t = e.time();
    if (t == null) {
      return null;
    }
    if (!t.equals(lastTime)) {
      lastTime = t;
      lastTimeKey = isoLocal(t);
    }
    return lastTimeKey;
  }

  /**
   * {@link DateTimeFormatter#ISO_LOCAL_DATE_TIME} text of {@code t}, written by hand for the years
   * exports have (1000-9999, no fraction of a second); other values go through the formatter.
   */
  static String isoLocal(LocalDateTime t) {
    int year = t.getYear();
    if (year < 1000 || year > 9999 || t.getNano() != 0) {
      return ISO.format(t);
    }
    char[] c = new char[19];
    put4(c, 0, year);
    c[4] = '-';
    put2(c, 5, t.getMonthValue());
    c[7] = '-';
    put2(c, 8, t.getDayOfMonth());
    c[10] = 'T';
    put2(c, 11, t.getHour());
    c[13] = ':';
    put2(c, 14, t.getMinute());
    c[16] = ':';
    put2(c, 17, t.getSecond());
    return new String(c);
  }

  private static void put2(char[] c, int at, int v) {
    c[at] = (char) ('0' + v / 10);
    c[at + 1] = (char) ('0' + v % 10);
  }

  private static void put4(char[] c, int at, int v) {
    put2(c, at, v / 100);
    put2(c, at + 2, v % 100);
  }

  String range(Entry e) {
    return "lines " + e.firstLine() + "-" + e.lastLine();
  }

  /** The record for an entry, with the given occurrence index. */
  Record map(Entry e, int occurrence) throws IOException {
    String id = id(e, occurrence);
    Source source = new Source(CONNECTOR, null, raw, range(e), times.zone().getId());
    Instant sentAt = e.time() == null ? null : times.toInstant(e.time());
    return switch (e) {
      case MessageEntry m -> message(m, id, sentAt, source);
      case SystemEntry s -> new SystemEvent(id, CHANNEL, conversation, null, sentAt,
          s.sourceTime(), s.event(), s.actorIsYou() ? parties.owner()
              : (s.actor() == null ? null : parties.author(s.actor())),
          subjects(s), s.text(), s.detail(), source);
      case CallEntry c -> new Call(id, CHANNEL, conversation, parties.author(c.author()), sentAt,
          c.sourceTime(), c.media(), c.status(), c.durationS(), c.group(), c.text(), source);
      case UnparsedEntry u -> new Unparsed(id, CHANNEL, conversation, null, sentAt,
          u.sourceTime(), u.body(), u.diagnostic(), source);
    };
  }

  private List<Party> subjects(SystemEntry s) {
    List<Party> out = new ArrayList<>();
    if (s.subjectIsYou()) {
      out.add(parties.owner());
    }
    if (s.subjects() != null) {
      for (String name : s.subjects()) {
        out.add(parties.named(name, BodyClassifier.isYou(name)));
      }
    }
    return out;
  }

  private Message message(MessageEntry m, String id, Instant sentAt, Source source)
      throws IOException {
    List<Attachment> attachments = new ArrayList<>();
    ContactCard contact = null;
    for (MediaRef ref : m.media()) {
      Attachment a = media.attachment(ref);
      attachments.add(a);
      if (m.contact()) {
        List<String> phones = a.sha256() == null ? List.of() : media.vcardPhones(a.sha256());
        contact = new ContactCard(m.contactName(), phones.isEmpty() ? null : phones, a.sha256());
      }
    }
    return Message.builder()
        .id(id)
        .channel(CHANNEL)
        .conversation(conversation)
        .sender(parties.author(m.author()))
        .sentAt(sentAt)
        .sourceTime(m.sourceTime())
        .text(m.text())
        .attachments(attachments)
        .edited(m.edited())
        .deleted(m.deleted())
        .location(m.location())
        .contact(contact)
        .poll(m.poll())
        .sticker(m.sticker())
        .viewOnce(m.viewOnce())
        .source(source)
        .build();
  }
}
