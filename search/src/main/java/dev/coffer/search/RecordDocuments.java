package dev.coffer.search;

import dev.coffer.archive.StoredRecord;
import dev.coffer.model.Attachment;
import dev.coffer.model.Audit;
import dev.coffer.model.Call;
import dev.coffer.model.Consent;
import dev.coffer.model.ContactCard;
import dev.coffer.model.Conversation;
import dev.coffer.model.Delete;
import dev.coffer.model.Edit;
import dev.coffer.model.Location;
import dev.coffer.model.Message;
import dev.coffer.model.Party;
import dev.coffer.model.Poll;
import dev.coffer.model.Reaction;
import dev.coffer.model.Receipt;
import dev.coffer.model.Record;
import dev.coffer.model.SystemEvent;
import dev.coffer.model.Unparsed;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.KeywordField;
import org.apache.lucene.document.LongField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.util.BytesRef;

/**
 * Turns an archived record into its Lucene document. The field list is documented in
 * {@code docs/search.md}; changing it changes {@link SearchIndex#FORMAT}.
 */
final class RecordDocuments {
  static final String ID = "id";
  static final String SERIAL = "serial";
  static final String KIND = "kind";
  static final String CHANNEL = "channel";
  static final String CONVERSATION = "conversation";
  static final String CONVERSATION_TITLE = "conversation_title";
  static final String CONVERSATION_TITLE_KEY = "conversation_title_key";
  static final String CONVERSATION_META = "conversation_meta";
  static final String TIME = "time";
  static final String SENT_AT = "sent_at";
  static final String SENDER_NAME = "sender_name";
  static final String SENDER_HANDLE = "sender_handle";
  static final String SENDER_PHONE = "sender_phone";
  static final String HAS_ATTACHMENT = "has_attachment";
  static final String TEXT = "text";
  static final String DIRECTION = "direction";

  /** Separates the parts of {@link #CONVERSATION_META}: kind, channel, title. */
  static final char META_SEPARATOR = '\u001f';

  /**
   * Stored, tokenized, with positions (phrases) but no offsets: snippets re-analyse the text of the
   * hits shown ({@link Snippets}), which is cheaper than reading offsets back from the index.
   */
  private static final FieldType TEXT_TYPE = new FieldType();

  static {
    TEXT_TYPE.setStored(true);
    TEXT_TYPE.setTokenized(true);
    TEXT_TYPE.setIndexOptions(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS);
    TEXT_TYPE.freeze();
  }

  private final PhoneNumbers phones;
  private final Analyzer textAnalyzer;

  RecordDocuments(PhoneNumbers phones, Analyzer textAnalyzer) {
    this.phones = phones;
    this.textAnalyzer = textAnalyzer;
  }

  /**
   * The document for a record.
   *
   * @param time the record's position on the time axis in epoch milliseconds: its sent_at, or for a
   *     record without one the time the caller carried forward (see {@link SearchIndex})
   */
  Document document(StoredRecord stored, Record record, long time) {
    Document doc = new Document();
    doc.add(new StringField(ID, record.id(), Field.Store.YES));
    doc.add(new LongField(SERIAL, stored.serial(), Field.Store.YES));
    doc.add(new StringField(KIND, record.kind(), Field.Store.YES));
    doc.add(new StringField(CHANNEL, record.channel().toLowerCase(Locale.ROOT), Field.Store.YES));
    doc.add(new LongField(TIME, time, Field.Store.NO));
    if (record.sentAt() != null) {
      doc.add(new StoredField(SENT_AT, record.sentAt().toEpochMilli()));
    }
    Conversation conversation = record.conversation();
    if (conversation != null) {
      doc.add(new KeywordField(CONVERSATION, conversation.id(), Field.Store.YES));
      String title = conversation.title();
      if (title != null) {
        doc.add(new StoredField(CONVERSATION_TITLE, title));
        doc.add(new StringField(CONVERSATION_TITLE_KEY, titleKey(title), Field.Store.NO));
      }
      String meta = conversation.kind().json() + META_SEPARATOR + record.channel()
          + META_SEPARATOR + (title == null ? "" : title);
      doc.add(new SortedDocValuesField(CONVERSATION_META, new BytesRef(meta)));
    }
    Party sender = record.sender();
    if (sender != null) {
      if (sender.name() != null) {
        doc.add(new TextField(SENDER_NAME, sender.name(), Field.Store.YES));
      }
      if (sender.handle() != null) {
        doc.add(new StringField(SENDER_HANDLE, sender.handle(), Field.Store.YES));
        phones.normalize(sender.handle())
            .ifPresent(p -> doc.add(new StringField(SENDER_PHONE, p, Field.Store.NO)));
      }
    }
    String direction = Directions.of(record);
    if (direction != null) {
      doc.add(new StringField(DIRECTION, direction, Field.Store.NO));
    }
    if (record instanceof Message m) {
      doc.add(new StringField(HAS_ATTACHMENT, Boolean.toString(!m.attachmentList().isEmpty()),
          Field.Store.NO));
    }
    String body = body(record);
    if (!body.isEmpty()) {
      doc.add(new BodyField(body, phones.find(body), textAnalyzer));
    }
    return doc;
  }

  /** How a conversation title is matched by the conversation filter: case-insensitive, trimmed. */
  static String titleKey(String title) {
    return title.strip().toLowerCase(Locale.ROOT);
  }

  /** The searchable text of a record: everything a person wrote or the platform said in words. */
  static String body(Record record) {
    StringBuilder b = new StringBuilder();
    switch (record) {
      case Message m -> {
        append(b, m.text());
        for (Attachment a : m.attachmentList()) {
          append(b, a.name());
          append(b, a.caption());
        }
        Poll poll = m.poll();
        if (poll != null) {
          append(b, poll.question());
          if (poll.options() != null) {
            for (Poll.Option o : poll.options()) {
              append(b, o.text());
            }
          }
        }
        Location location = m.location();
        if (location != null) {
          append(b, location.name());
          append(b, location.address());
        }
        ContactCard contact = m.contact();
        if (contact != null) {
          append(b, contact.name());
          if (contact.phones() != null) {
            contact.phones().forEach(p -> append(b, p));
          }
        }
      }
      case SystemEvent s -> {
        append(b, s.text());
        appendValues(b, s.detail());
      }
      case Call c -> append(b, c.text());
      case Reaction r -> append(b, r.emoji());
      case Edit e -> append(b, e.text());
      case Delete d -> { }
      case Receipt r -> append(b, r.error());
      case Consent c -> { }
      case Unparsed u -> append(b, u.text());
      case dev.coffer.model.Completion c -> {
        append(b, c.attachment().name());
        append(b, c.attachment().caption());
      }
      case Audit a -> {
        append(b, a.action());
        appendValues(b, a.detail());
      }
    }
    return b.toString();
  }

  private static void appendValues(StringBuilder b, Map<String, String> detail) {
    if (detail != null) {
      // sorted by key: the same record always gives the same text (rebuild equals incremental)
      new TreeMap<>(detail).values().forEach(v -> append(b, v));
    }
  }

  private static void append(StringBuilder b, String part) {
    if (part == null || part.isBlank()) {
      return;
    }
    if (!b.isEmpty()) {
      b.append('\n');
    }
    b.append(part);
  }

  /** The text field, whose token stream carries the phone numbers found in it. */
  private static final class BodyField extends Field {
    private final List<PhoneNumbers.Span> spans;
    private final Analyzer analyzer;

    BodyField(String body, List<PhoneNumbers.Span> spans, Analyzer analyzer) {
      super(TEXT, body, TEXT_TYPE);
      this.spans = spans;
      this.analyzer = analyzer;
    }

    @Override
    public TokenStream tokenStream(Analyzer ignored, TokenStream reuse) {
      TokenStream words = analyzer.tokenStream(TEXT, stringValue());
      return spans.isEmpty() ? words : new Analysis.PhoneTokens(words, spans);
    }
  }
}
