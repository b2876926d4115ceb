package dev.coffer.connectors.whatsapp.export;

import dev.coffer.model.Attachment;
import dev.coffer.model.Conversation;
import dev.coffer.model.ConversationKind;
import dev.coffer.model.Digests;
import dev.coffer.model.Record;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/** Test helper: the importer's pure part (parse + map) for a .txt, without an archive. */
final class Pipeline {
  private Pipeline() {}

  static List<Record> records(byte[] chat, String title, ZoneId zone, String ownerPhone,
      String ownerName, DateOrder order) {
    Parsing.Result r = Parsing.parse(chat, order);
    Conversation c = new Conversation(RecordMapper.conversationId(ownerPhone, title),
        r.scan().group() ? ConversationKind.GROUP : ConversationKind.DIRECT, title);
    RecordMapper mapper = new RecordMapper(c, Digests.sha256Hex(chat), new LocalTimes(zone),
        new Parties(ownerPhone, ownerName), new RecordMapper.Media() {
          @Override
          public Attachment attachment(Entry.MediaRef ref) {
            return WhatsAppExportImporter.withoutBytes(ref);
          }

          @Override
          public List<String> vcardPhones(String sha256) {
            return List.of();
          }
        });
    List<Record> out = new ArrayList<>();
    try {
      for (Entry e : r.entries()) {
        out.add(mapper.map(e, mapper.occurrence(e)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
