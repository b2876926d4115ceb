package dev.coffer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The direct canonical writer ({@link CanonicalRecords}, behind {@link RecordJson#canonical}) gives
 * the same bytes as the Jackson tree path it replaced ({@code RecordJson.canonicalViaTree}), or the
 * same refusal, for records of every kind with every optional member present or absent, and a record
 * read back from its bytes equals the record written.
 */
class CanonicalRecordsProperties {

  @Property(tries = 3000)
  void directBytesEqualTheTreeBytes(@ForAll("records") Record record) {
    Throwable treeError = catchThrowable(() -> RecordJson.canonicalViaTree(record));
    if (treeError != null) {
      Throwable directError = catchThrowable(() -> RecordJson.canonical(record));
      assertThat(directError).isInstanceOf(IllegalArgumentException.class)
          .hasMessage(treeError.getMessage());
      assertThat(treeError).isInstanceOf(IllegalArgumentException.class);
      return;
    }
    byte[] direct = RecordJson.canonical(record);
    assertThat(direct).isEqualTo(RecordJson.canonicalViaTree(record));
    assertThat(RecordJson.parse(direct)).isEqualTo(record);
  }

  @Provide
  Arbitrary<Record> records() {
    return Arbitraries.randomValue(CanonicalRecordsProperties::record);
  }

  // ------------------------------------------------------------- generators

  static Record record(Random r) {
    String id = str(r, false);
    String channel = oneOf(r, "whatsapp", "wechat", "wecom", "coffer", "");
    Conversation conv = maybe(r, () -> new Conversation(str(r, false),
        r.nextBoolean() ? ConversationKind.GROUP : ConversationKind.DIRECT, nstr(r)));
    Party sender = maybe(r, () -> party(r));
    Instant sentAt = maybe(r, () -> instant(r));
    String sourceTime = nstr(r);
    Source source = new Source(str(r, false), nstr(r), nstr(r), nstr(r), nstr(r));
    return switch (r.nextInt(11)) {
      case 0 -> new Message(id, channel, conv, sender, sentAt, sourceTime, nstr(r),
          maybe(r, () -> list(r, () -> attachment(r))), nstr(r), r.nextBoolean(), r.nextBoolean(),
          r.nextBoolean(), maybe(r, () -> location(r)), maybe(r, () -> contact(r)), maybe(r, () -> poll(r)),
          r.nextBoolean(), r.nextBoolean(), maybe(r, () -> list(r, () -> party(r))), source);
      case 1 -> new SystemEvent(id, channel, conv, sender, sentAt, sourceTime,
          SystemEvent.Event.values()[r.nextInt(SystemEvent.Event.values().length)], maybe(r, () -> party(r)),
          maybe(r, () -> list(r, () -> party(r))), nstr(r), maybe(r, () -> map(r)), source);
      case 2 -> new Call(id, channel, conv, sender, sentAt, sourceTime,
          Call.Media.values()[r.nextInt(2)], Call.Status.values()[r.nextInt(3)], maybe(r, () -> number(r)),
          r.nextBoolean(), nstr(r), source);
      case 3 -> new Reaction(id, channel, conv, sender, sentAt, sourceTime, str(r, false), str(r, false), source);
      case 4 -> new Edit(id, channel, conv, sender, sentAt, sourceTime, str(r, false), nstr(r), source);
      case 5 -> new Delete(id, channel, conv, sender, sentAt, sourceTime, str(r, false), maybe(r, () -> party(r)),
          source);
      case 6 -> new Receipt(id, channel, conv, sender, sentAt, sourceTime, str(r, false),
          Receipt.Status.values()[r.nextInt(Receipt.Status.values().length)], maybe(r, () -> party(r)), nstr(r),
          source);
      case 7 -> new Consent(id, channel, conv, sender, sentAt, sourceTime,
          r.nextBoolean() ? Consent.Status.AGREE : Consent.Status.DISAGREE, source);
      case 8 -> new Unparsed(id, channel, conv, sender, sentAt, sourceTime, nstr(r), str(r, false), source);
      case 9 -> new Completion(id, channel, conv, sender, sentAt, sourceTime, str(r, false), r.nextInt(4),
          attachment(r), source);
      default -> new Audit(id, channel, conv, party(r), instant(r), sourceTime, str(r, false),
          maybe(r, () -> list(r, () -> str(r, false))), maybe(r, () -> map(r)), nstr(r), source);
    };
  }

  private static Party party(Random r) {
    return r.nextBoolean() ? new Party(str(r, false), nstr(r)) : new Party(nstr(r), str(r, false));
  }

  private static Attachment attachment(Random r) {
    return new Attachment(nstr(r), nstr(r), maybe(r, () -> number(r)), nstr(r), nstr(r), r.nextBoolean(),
        r.nextBoolean());
  }

  private static Location location(Random r) {
    return new Location(nstr(r), nstr(r), nstr(r), nstr(r), nstr(r), r.nextBoolean());
  }

  private static ContactCard contact(Random r) {
    // phones is not normalised by ContactCard: empty lists are written as [] and kept.
    return new ContactCard(nstr(r), maybe(r, () -> r.nextInt(4) == 0 ? List.of() : list(r, () -> str(r, false))),
        nstr(r));
  }

  private static Poll poll(Random r) {
    return new Poll(nstr(r), maybe(r, () -> r.nextInt(4) == 0 ? List.of()
        : list(r, () -> new Poll.Option(nstr(r), maybe(r, () -> number(r))))));
  }

  private static Map<String, String> map(Random r) {
    Map<String, String> m = new HashMap<>();
    int n = r.nextInt(6);
    for (int i = 0; i < n; i++) {
      m.put(str(r, false), str(r, false));
    }
    return m;
  }

  /** Mostly small numbers, sometimes at or beyond the ±2^53 limit (which both paths must refuse alike). */
  private static Long number(Random r) {
    return switch (r.nextInt(10)) {
      case 0 -> (1L << 53) * (r.nextBoolean() ? 1 : -1);
      case 1 -> ((1L << 53) + 1 + r.nextInt(1000)) * (r.nextBoolean() ? 1 : -1);
      case 2 -> 0L;
      case 3 -> -(long) r.nextInt(1_000_000);
      default -> (long) r.nextInt(Integer.MAX_VALUE) * (r.nextBoolean() ? 1 : 1000);
    };
  }

  private static Instant instant(Random r) {
    long seconds = r.nextLong(-62_135_596_800L, 253_402_300_799L); // years 1 to 9999
    long nanos = switch (r.nextInt(4)) {
      case 0 -> 0;
      case 1 -> r.nextInt(1000) * 1_000_000L;
      case 2 -> r.nextInt(1_000_000) * 1_000L;
      default -> r.nextInt(1_000_000_000);
    };
    return Instant.ofEpochSecond(seconds, nanos);
  }

  private static <T> List<T> list(Random r, Supplier<T> element) {
    int n = r.nextInt(20) == 0 ? 100 + r.nextInt(200) : 1 + r.nextInt(4);
    List<T> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(element.get());
    }
    return out;
  }

  private static <T> T maybe(Random r, Supplier<T> value) {
    return r.nextBoolean() ? value.get() : null;
  }

  private static String nstr(Random r) {
    return r.nextInt(3) == 0 ? null : str(r, true);
  }

  @SafeVarargs
  private static <T> T oneOf(Random r, T... values) {
    return values[r.nextInt(values.length)];
  }

  private static final String[] PIECES = {
    "a", "Z", "0", " ", "\"", "\\", "/", "\n", "\r", "\t", "\b", "\f", "\u0000", "\u0001", "\u001f", "\u007f",
    "é", "ß", "\u0080", "\u07ff", "\u0800", "北京", "\uffff", "\ufeff", "😀", "👍🏽", "\ud83d\ude00", "\udbff\udfff",
    "+1 555 0100", "lorem ipsum ", "<b>&amp;</b>", "\u2028", "\u00a0",
  };

  /**
   * Strings from pieces that exercise every escaping and UTF-8 branch; rarely empty, rarely long,
   * rarely with an unpaired surrogate (which both paths must refuse alike).
   */
  private static String str(Random r, boolean allowEmpty) {
    int shape = r.nextInt(40);
    if (shape == 0 && allowEmpty) {
      return "";
    }
    if (shape == 1) {
      return r.nextBoolean() ? "x\ud83d" : "\ude00x";
    }
    int n = shape == 2 ? 500 + r.nextInt(2000) : 1 + r.nextInt(8);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      if (r.nextInt(8) == 0) {
        sb.append((char) (0x20 + r.nextInt(0xd7ff - 0x20))); // any BMP char outside the surrogates
      } else {
        sb.append(PIECES[r.nextInt(PIECES.length)]);
      }
    }
    return sb.toString();
  }
}
