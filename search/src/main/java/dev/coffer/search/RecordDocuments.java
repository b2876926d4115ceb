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
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.InvertableType;
import org.apache.lucene.document.LongField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StoredValue;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DocValuesType;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexableField;
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
  static final String SENDER_NAME = "sender_name";
  static final String SENDER_HANDLE = "sender_handle";
  static final String SENDER_PHONE = "sender_phone";
  static final String HAS_ATTACHMENT = "has_attachment";
  static final String TEXT = "text";
  static final String DIRECTION = "direction";
  /** Stored (the value 1) on a record without {@code sent_at}: a hit's sent_at is otherwise its {@link #TIME}. */
  static final String UNTIMED = "untimed";

  /** Bytes of a derived record id (32 hex digits): the id term and stored id of such a record. */
  static final int ID_BYTES = 16;
  private static final HexFormat HEX = HexFormat.of();
  private static final int REMEMBERED_TERMS = 4096;

  private static final FieldType KEYWORD = keywordType(false, false);
  private static final FieldType KEYWORD_STORED = keywordType(true, false);
  /** The conversation id: a term, sorted-set doc values (conversation lists) and stored. */
  private static final FieldType CONVERSATION_TYPE = keywordType(true, true);

  private static FieldType keywordType(boolean stored, boolean docValues) {
    FieldType t = new FieldType();
    t.setOmitNorms(true);
    t.setIndexOptions(IndexOptions.DOCS);
    t.setTokenized(false);
    t.setStored(stored);
    if (docValues) {
      t.setDocValuesType(DocValuesType.SORTED_SET);
    }
    t.freeze();
    return t;
  }

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
  private final ConcurrentHashMap<String, BytesRef> terms = new ConcurrentHashMap<>();

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
    BytesRef id = idTerm(record.id());
    doc.add(new StringField(ID, id, Field.Store.NO));
    doc.add(id.length == 1 + ID_BYTES
        ? new StoredField(ID, new BytesRef(id.bytes, id.offset + 1, ID_BYTES))
        : new StoredField(ID, record.id()));
    doc.add(new LongField(SERIAL, stored.serial(), Field.Store.NO));
    doc.add(keyword(KIND, kind(record), true));
    doc.add(keyword(CHANNEL, record.channel().toLowerCase(Locale.ROOT), true));
    doc.add(new LongField(TIME, time, Field.Store.NO));
    if (record.sentAt() == null) {
      doc.add(new StoredField(UNTIMED, 1));
    }
    Conversation conversation = record.conversation();
    if (conversation != null) {
      doc.add(new Keyword(CONVERSATION, conversation.id(), term(conversation.id()), CONVERSATION_TYPE));
      String title = conversation.title();
      if (title != null) {
        doc.add(new StoredField(CONVERSATION_TITLE, title));
        doc.add(keyword(CONVERSATION_TITLE_KEY, titleKey(title), false));
      }
      String meta = conversation.kind().json() + META_SEPARATOR + record.channel()
          + META_SEPARATOR + (title == null ? "" : title);
      doc.add(new SortedDocValuesField(CONVERSATION_META, term(meta)));
    }
    Party sender = record.sender();
    if (sender != null) {
      if (sender.name() != null) {
        doc.add(new TextField(SENDER_NAME, sender.name(), Field.Store.YES));
      }
      if (sender.handle() != null) {
        doc.add(keyword(SENDER_HANDLE, sender.handle(), true));
        phones.normalize(sender.handle())
            .ifPresent(p -> doc.add(keyword(SENDER_PHONE, p, false)));
      }
    }
    String direction = Directions.of(record);
    if (direction != null) {
      doc.add(keyword(DIRECTION, direction, false));
    }
    if (record instanceof Message m) {
      doc.add(keyword(HAS_ATTACHMENT, Boolean.toString(!m.attachmentList().isEmpty()), false));
    }
    String body = body(record);
    if (!body.isEmpty()) {
      doc.add(new BodyField(body, phones.find(body), textAnalyzer));
    }
    return doc;
  }

  /**
   * The {@link #ID} term of a record id: an id of 32 lowercase hex digits (what Coffer derives) is
   * the byte {@code 0xFF} followed by its 16 bytes, any other id its UTF-8 bytes. No UTF-8 string
   * starts with {@code 0xFF}, so two ids never share a term.
   */
  static BytesRef idTerm(String id) {
    if (id.length() != 2 * ID_BYTES) {
      return new BytesRef(id);
    }
    byte[] t = new byte[1 + ID_BYTES];
    t[0] = (byte) 0xFF;
    for (int i = 0; i < ID_BYTES; i++) {
      int hi = lowerHexDigit(id.charAt(2 * i));
      int lo = lowerHexDigit(id.charAt(2 * i + 1));
      if (hi < 0 || lo < 0) {
        return new BytesRef(id);
      }
      t[1 + i] = (byte) (hi << 4 | lo);
    }
    return new BytesRef(t);
  }

  /** The record id a hit's stored {@link #ID} holds: 16 bytes for a hex id, else the id itself. */
  static String storedId(IndexableField field) {
    BytesRef b = field.binaryValue();
    return b == null ? field.stringValue() : HEX.formatHex(b.bytes, b.offset, b.offset + b.length);
  }

  private static int lowerHexDigit(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
  }

  /**
   * {@link Record#kind()}, looked up by the record's class: the kind is a pattern switch over the
   * sealed type, whose type dispatch showed as 4 % of building a document in an indexing profile.
   */
  private static String kind(Record record) {
    String kind = KINDS.get(record.getClass());
    if (kind == null) {
      kind = record.kind();
      KINDS.put(record.getClass(), kind);
    }
    return kind;
  }

  private static final ConcurrentHashMap<Class<?>, String> KINDS = new ConcurrentHashMap<>();

  /** An untokenized term, stored as its string when {@code store}. */
  private Field keyword(String name, String value, boolean store) {
    return new Keyword(name, value, term(value), store ? KEYWORD_STORED : KEYWORD);
  }

  /**
   * The UTF-8 bytes of a term value, remembered: kinds, channels, directions, conversations, handles
   * repeat on almost every record, and encoding each one again for every document (a new array and
   * a new BytesRef per field) was 5 % of indexing. Lucene copies term bytes; it never changes them.
   */
  private BytesRef term(String value) {
    BytesRef known = terms.get(value);
    if (known != null) {
      return known;
    }
    BytesRef b = new BytesRef(value);
    if (terms.size() >= REMEMBERED_TERMS) {
      terms.clear();
    }
    terms.put(value, b);
    return b;
  }

  /**
   * An indexed, untokenized field with its term bytes given (see {@link #term}): what
   * {@link StringField} and {@link org.apache.lucene.document.KeywordField} do, without encoding the
   * value again.
   */
  private static final class Keyword extends Field {
    private final BytesRef bytes;
    private final StoredValue stored;

    Keyword(String name, String value, BytesRef bytes, FieldType type) {
      super(name, value, type);
      this.bytes = bytes;
      this.stored = type.stored() ? new StoredValue(value) : null;
    }

    @Override
    public InvertableType invertableType() {
      return InvertableType.BINARY;
    }

    @Override
    public BytesRef binaryValue() {
      return bytes;
    }

    @Override
    public StoredValue storedValue() {
      return stored;
    }
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
