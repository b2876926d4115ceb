package dev.coffer.model;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Writes a record's RFC 8785 bytes straight from the Java objects, byte for byte what {@link
 * CanonicalJson#serialize} makes of {@link RecordJson#tree} (the reference, kept as {@code
 * RecordJson.canonicalViaTree} and compared in {@code CanonicalRecordsProperties}).
 *
 * <p>Why: building a Jackson tree per record, then collecting and sorting its members, was the
 * largest single share of an import's CPU time. Here each type's members are listed once with the
 * names Jackson gives them (snake_case) and sorted once, at class initialisation, by UTF-16 code
 * units, which is RFC 8785's order. The inclusion rules are Jackson's as {@link RecordJson}
 * configures it: {@code null} members are omitted, {@code false} flags (the {@code NON_DEFAULT}
 * booleans) are omitted, empty lists are written as {@code []}, map entries are sorted by key.
 * Strings, numbers and refusals (unpaired surrogates, integers beyond ±2<sup>53</sup>) follow
 * {@link CanonicalJson}.
 */
final class CanonicalRecords {
  private static final long MAX_SAFE = (1L << 53);
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private CanonicalRecords() {}

  /** One member of an object: its name and how to get its JSON value (null = omitted). */
  private record Member<T>(String name, byte[] prefix, Function<T, Object> value) {
    Member(String name, Function<T, Object> value) {
      this(name, ("\"" + name + "\":").getBytes(StandardCharsets.US_ASCII), value);
    }
  }

  /** The members of one type in RFC 8785 order. */
  private static final class Shape<T> {
    private final List<Member<T>> draft = new ArrayList<>();
    private Member<?>[] sorted;

    Shape<T> add(String name, Function<T, Object> value) {
      draft.add(new Member<>(name, value));
      return this;
    }

    /** A {@code NON_DEFAULT} boolean: written only when true. */
    Shape<T> flag(String name, Predicate<T> value) {
      draft.add(new Member<T>(name, t -> value.test(t) ? Boolean.TRUE : null));
      return this;
    }

    /** An enum with a {@code @JsonValue}: written as that string. */
    <E> Shape<T> json(String name, Function<T, E> value, Function<E, String> json) {
      draft.add(new Member<T>(name, t -> {
        E e = value.apply(t);
        return e == null ? null : json.apply(e);
      }));
      return this;
    }

    Shape<T> done() {
      draft.sort(Comparator.comparing(Member::name));
      sorted = draft.toArray(new Member<?>[0]);
      return this;
    }

    @SuppressWarnings("unchecked")
    void write(T t, Out out) {
      out.write('{');
      boolean first = true;
      for (Member<?> m : sorted) {
        Object v = ((Member<T>) m).value().apply(t);
        if (v == null) {
          continue;
        }
        if (!first) {
          out.write(',');
        }
        first = false;
        out.write(m.prefix());
        writeValue(v, out);
      }
      out.write('}');
    }
  }

  /** The members every record has, plus {@code kind} and {@code schema}. */
  private static <T extends Record> Shape<T> record(String kind) {
    return new Shape<T>()
        .add("id", Record::id)
        .add("channel", Record::channel)
        .add("conversation", Record::conversation)
        .add("sender", Record::sender)
        .add("sent_at", Record::sentAt)
        .add("source_time", Record::sourceTime)
        .add("source", Record::source)
        .add("kind", r -> kind)
        .add("schema", r -> Record.SCHEMA);
  }

  private static final Shape<Conversation> CONVERSATION = new Shape<Conversation>()
      .add("id", Conversation::id)
      .json("kind", Conversation::kind, ConversationKind::json)
      .add("title", Conversation::title)
      .done();
  private static final Shape<Party> PARTY = new Shape<Party>()
      .add("handle", Party::handle)
      .add("name", Party::name)
      .done();
  private static final Shape<Source> SOURCE = new Shape<Source>()
      .add("connector", Source::connector)
      .add("native_id", Source::nativeId)
      .add("raw", Source::raw)
      .add("range", Source::range)
      .add("zone", Source::zone)
      .done();
  private static final Shape<Attachment> ATTACHMENT = new Shape<Attachment>()
      .add("name", Attachment::name)
      .add("media_type", Attachment::mediaType)
      .add("size", Attachment::size)
      .add("sha256", Attachment::sha256)
      .add("caption", Attachment::caption)
      .flag("missing", Attachment::missing)
      .flag("pending", Attachment::pending)
      .done();
  private static final Shape<Location> LOCATION = new Shape<Location>()
      .add("latitude", Location::latitude)
      .add("longitude", Location::longitude)
      .add("name", Location::name)
      .add("address", Location::address)
      .add("url", Location::url)
      .flag("live", Location::live)
      .done();
  private static final Shape<ContactCard> CONTACT = new Shape<ContactCard>()
      .add("name", ContactCard::name)
      .add("phones", ContactCard::phones)
      .add("vcard_sha256", ContactCard::vcardSha256)
      .done();
  private static final Shape<Poll> POLL = new Shape<Poll>()
      .add("question", Poll::question)
      .add("options", Poll::options)
      .done();
  private static final Shape<Poll.Option> POLL_OPTION = new Shape<Poll.Option>()
      .add("text", Poll.Option::text)
      .add("votes", Poll.Option::votes)
      .done();

  private static final Shape<Message> MESSAGE = CanonicalRecords.<Message>record("message")
      .add("text", Message::text)
      .add("attachments", Message::attachments)
      .add("reply_to", Message::replyTo)
      .flag("forwarded", Message::forwarded)
      .flag("edited", Message::edited)
      .flag("deleted", Message::deleted)
      .add("location", Message::location)
      .add("contact", Message::contact)
      .add("poll", Message::poll)
      .flag("sticker", Message::sticker)
      .flag("view_once", Message::viewOnce)
      .add("recipients", Message::recipients)
      .done();
  private static final Shape<SystemEvent> SYSTEM = CanonicalRecords.<SystemEvent>record("system")
      .json("event", SystemEvent::event, SystemEvent.Event::json)
      .add("actor", SystemEvent::actor)
      .add("subjects", SystemEvent::subjects)
      .add("text", SystemEvent::text)
      .add("detail", SystemEvent::detail)
      .done();
  private static final Shape<Call> CALL = CanonicalRecords.<Call>record("call")
      .json("media", Call::media, Call.Media::json)
      .json("status", Call::status, Call.Status::json)
      .add("duration_s", Call::durationS)
      .flag("group", Call::group)
      .add("text", Call::text)
      .done();
  private static final Shape<Reaction> REACTION = CanonicalRecords.<Reaction>record("reaction")
      .add("target", Reaction::target)
      .add("emoji", Reaction::emoji)
      .done();
  private static final Shape<Edit> EDIT = CanonicalRecords.<Edit>record("edit")
      .add("target", Edit::target)
      .add("text", Edit::text)
      .done();
  private static final Shape<Delete> DELETE = CanonicalRecords.<Delete>record("delete")
      .add("target", Delete::target)
      .add("by", Delete::by)
      .done();
  private static final Shape<Receipt> RECEIPT = CanonicalRecords.<Receipt>record("receipt")
      .add("target", Receipt::target)
      .json("status", Receipt::status, Receipt.Status::json)
      .add("recipient", Receipt::recipient)
      .add("error", Receipt::error)
      .done();
  private static final Shape<Consent> CONSENT = CanonicalRecords.<Consent>record("consent")
      .json("status", Consent::status, Consent.Status::json)
      .done();
  private static final Shape<Unparsed> UNPARSED = CanonicalRecords.<Unparsed>record("unparsed")
      .add("text", Unparsed::text)
      .add("diagnostic", Unparsed::diagnostic)
      .done();
  private static final Shape<Audit> AUDIT = CanonicalRecords.<Audit>record("audit")
      .add("action", Audit::action)
      .add("targets", Audit::targets)
      .add("detail", Audit::detail)
      .add("address", Audit::address)
      .done();

  private static final Shape<Completion> COMPLETION = CanonicalRecords.<Completion>record("completion")
      .add("target", Completion::target)
      .add("index", Completion::index)
      .add("attachment", Completion::attachment)
      .done();

  /** The RFC 8785 bytes of {@code record}. */
  static byte[] canonical(Record record) {
    Out out = Out.forThisThread();
    switch (record) {
      case Message m -> MESSAGE.write(m, out);
      case SystemEvent s -> SYSTEM.write(s, out);
      case Call c -> CALL.write(c, out);
      case Reaction r -> REACTION.write(r, out);
      case Edit e -> EDIT.write(e, out);
      case Delete d -> DELETE.write(d, out);
      case Receipt r -> RECEIPT.write(r, out);
      case Consent c -> CONSENT.write(c, out);
      case Unparsed u -> UNPARSED.write(u, out);
      case Audit a -> AUDIT.write(a, out);
      case Completion c -> COMPLETION.write(c, out);
    }
    return out.finish();
  }

  private static void writeValue(Object v, Out out) {
    switch (v) {
      case null -> out.write(NULL);
      case String s -> writeString(s, out);
      case Instant i -> writeString(i.toString(), out); // Jackson's InstantSerializer: ISO_INSTANT
      case Boolean b -> out.write(b ? TRUE : FALSE);
      case Long l -> writeLong(l, out);
      case Integer i -> writeLong(i, out);
      case Conversation c -> CONVERSATION.write(c, out);
      case Party p -> PARTY.write(p, out);
      case Source s -> SOURCE.write(s, out);
      case Attachment a -> ATTACHMENT.write(a, out);
      case Location l -> LOCATION.write(l, out);
      case ContactCard c -> CONTACT.write(c, out);
      case Poll p -> POLL.write(p, out);
      case Poll.Option o -> POLL_OPTION.write(o, out);
      case List<?> list -> {
        out.write('[');
        for (int i = 0; i < list.size(); i++) {
          if (i > 0) {
            out.write(',');
          }
          writeValue(list.get(i), out);
        }
        out.write(']');
      }
      case Map<?, ?> map -> writeMap(map, out);
      default -> throw new IllegalStateException("no canonical form for " + v.getClass().getName());
    }
  }

  private static void writeMap(Map<?, ?> map, Out out) {
    String[] keys = new String[map.size()];
    int n = 0;
    for (Object k : map.keySet()) {
      keys[n++] = (String) k;
    }
    Arrays.sort(keys);
    out.write('{');
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        out.write(',');
      }
      writeString(keys[i], out);
      out.write(':');
      writeValue(map.get(keys[i]), out);
    }
    out.write('}');
  }

  private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);

  private static void writeLong(long v, Out out) {
    if (v > MAX_SAFE || v < -MAX_SAFE) {
      throw new IllegalArgumentException("integer outside ±2^53 cannot be canonical: " + v);
    }
    out.write(Long.toString(v).getBytes(StandardCharsets.US_ASCII));
  }

  private static void writeString(String s, Out out) {
    int n = s.length();
    out.ensure(n * 3 + 2); // the most a char can take outside an escape; escapes grow as they go
    out.writeUnchecked('"');
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        if (c >= 0x20 && c != '"' && c != '\\') {
          out.writeUnchecked(c);
          continue;
        }
        out.ensure(6 + (n - i) * 3);
        switch (c) {
          case '"' -> out.escape('"');
          case '\\' -> out.escape('\\');
          case '\b' -> out.escape('b');
          case '\t' -> out.escape('t');
          case '\n' -> out.escape('n');
          case '\f' -> out.escape('f');
          case '\r' -> out.escape('r');
          default -> {
            out.writeUnchecked('\\');
            out.writeUnchecked('u');
            out.writeUnchecked('0');
            out.writeUnchecked('0');
            out.writeUnchecked(HEX[c >> 4]);
            out.writeUnchecked(HEX[c & 0xF]);
          }
        }
      } else if (c < 0x800) {
        out.writeUnchecked(0xC0 | (c >> 6));
        out.writeUnchecked(0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c)) {
        if (i + 1 >= n || !Character.isLowSurrogate(s.charAt(i + 1))) {
          throw new IllegalArgumentException("unpaired surrogate at index " + i);
        }
        int cp = Character.toCodePoint(c, s.charAt(++i));
        out.writeUnchecked(0xF0 | (cp >> 18));
        out.writeUnchecked(0x80 | ((cp >> 12) & 0x3F));
        out.writeUnchecked(0x80 | ((cp >> 6) & 0x3F));
        out.writeUnchecked(0x80 | (cp & 0x3F));
      } else if (Character.isLowSurrogate(c)) {
        throw new IllegalArgumentException("unpaired surrogate at index " + i);
      } else {
        out.writeUnchecked(0xE0 | (c >> 12));
        out.writeUnchecked(0x80 | ((c >> 6) & 0x3F));
        out.writeUnchecked(0x80 | (c & 0x3F));
      }
    }
    out.ensure(1);
    out.writeUnchecked('"');
  }

  /**
   * A growable byte buffer without ByteArrayOutputStream's per-byte locking. Each thread reuses one
   * ({@link #forThisThread}): a record is written into it and copied out once at its exact length,
   * so the buffer is neither allocated nor regrown per record ({@link #writeString} reserves room for
   * the longest UTF-8 a string could take, which regrew a fresh 512-byte buffer for most texts).
   */
  private static final class Out {
    /** A thread's buffer that grew beyond this (a huge record) is not kept for the next one. */
    private static final int KEPT_CAPACITY = 64 << 10;
    private static final ThreadLocal<Out> PER_THREAD = ThreadLocal.withInitial(() -> new Out(1024));

    private byte[] buf;
    private int len;

    Out(int capacity) {
      buf = new byte[capacity];
    }

    /** This thread's buffer, empty. */
    static Out forThisThread() {
      Out out = PER_THREAD.get();
      out.len = 0;
      return out;
    }

    /** The bytes written, as a new array; the buffer is left for the thread's next record. */
    byte[] finish() {
      byte[] bytes = Arrays.copyOf(buf, len);
      if (buf.length > KEPT_CAPACITY) {
        buf = new byte[1024];
      }
      len = 0;
      return bytes;
    }

    void ensure(int more) {
      if (len + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
      }
    }

    void write(int b) {
      ensure(1);
      buf[len++] = (byte) b;
    }

    void write(byte[] b) {
      ensure(b.length);
      System.arraycopy(b, 0, buf, len, b.length);
      len += b.length;
    }

    void writeUnchecked(int b) {
      buf[len++] = (byte) b;
    }

    void escape(char c) {
      buf[len++] = '\\';
      buf[len++] = (byte) c;
    }
  }
}
