package dev.coffer.search;

import dev.coffer.archive.StoredRecord;
import dev.coffer.model.Attachment;
import dev.coffer.model.Conversation;
import dev.coffer.model.ConversationKind;
import dev.coffer.model.Message;
import dev.coffer.model.Party;
import dev.coffer.model.Record;
import dev.coffer.model.RecordJson;
import dev.coffer.model.Source;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Records and stored records for tests, written for these tests. */
final class Fixtures {
  static final Source SOURCE = new Source("test", null, null, "lines 1-1", "UTC");
  static final Conversation DESK = new Conversation("c-desk", ConversationKind.GROUP, "Trading Desk");
  static final Conversation ANNA = new Conversation("c-anna", ConversationKind.DIRECT, "Anna Müller");
  static final Party ALEX = new Party("+15551234567", "Alex Doe");
  static final Party BEA = new Party("+447946095800", "Béatrice Lefèvre");
  static final Party WEI = new Party("wxid_wei88", "王伟");
  static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");

  private Fixtures() {}

  static Message message(String id, Conversation c, Party sender, Instant at, String text) {
    return Message.builder().id(id).channel("whatsapp").conversation(c).sender(sender).sentAt(at)
        .text(text).source(SOURCE).build();
  }

  static Message withAttachment(String id, Conversation c, Party sender, Instant at, String text,
      String fileName, String caption) {
    return Message.builder().id(id).channel("whatsapp").conversation(c).sender(sender).sentAt(at)
        .text(text).attachments(List.of(new Attachment(fileName, "image/jpeg", 10L, null, caption, false, false)))
        .source(SOURCE).build();
  }

  static StoredRecord stored(long serial, Record r) {
    byte[] canonical = RecordJson.canonical(r);
    return new StoredRecord(serial, RecordJson.digest(canonical), canonical, T0.toEpochMilli() + serial);
  }

  /** Stores records with serials from {@code firstSerial}, in order. */
  static List<StoredRecord> stored(long firstSerial, List<? extends Record> records) {
    List<StoredRecord> out = new ArrayList<>(records.size());
    long serial = firstSerial;
    for (Record r : records) {
      out.add(stored(serial++, r));
    }
    return out;
  }

  static List<StoredRecord> stored(Record... records) {
    return stored(1, List.of(records));
  }
}
