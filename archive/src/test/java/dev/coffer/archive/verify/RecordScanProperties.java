package dev.coffer.archive.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.archive.blob.BlobReferences;
import dev.coffer.model.Attachment;
import dev.coffer.model.Audit;
import dev.coffer.model.Completion;
import dev.coffer.model.ContactCard;
import dev.coffer.model.Conversation;
import dev.coffer.model.ConversationKind;
import dev.coffer.model.Message;
import dev.coffer.model.Party;
import dev.coffer.model.Record;
import dev.coffer.model.RecordJson;
import dev.coffer.model.Source;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Verify's one-pass scanner of canonical JSON finds what the reference paths find: the top-level id
 * ({@link TopLevelId}), the blob references ({@link BlobReferences#in}) and whether the record is a
 * disposition; and on bytes it cannot read with certainty it declines, so the reference paths decide.
 */
class RecordScanProperties {

  @Provide
  Arbitrary<String> digests() {
    return Arbitraries.strings().withChars("0123456789abcdef").ofLength(64);
  }

  /** Text that tries to look like a reference, an id or an action, with escapes and control characters. */
  Arbitrary<String> texts() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(60),
        Arbitraries.strings().withChars("\"\\\n\t\u0001{}[],:ab 中").ofMaxLength(30),
        digests().map(d -> "\"sha256\":\"" + d + "\""),
        digests().map(d -> "{\"raw\":\"" + d + "\",\"vcard_sha256\":\"" + d + "\"}"),
        Arbitraries.just("\"action\":\"disposition\",\"id\":\"x\" 😀"),
        digests());
  }

  Arbitrary<String> maybeDigest() {
    return Arbitraries.oneOf(digests(), Arbitraries.just(null), Arbitraries.just("not-a-digest"));
  }

  Arbitrary<Attachment> attachments() {
    return Combinators.combine(texts(), maybeDigest(), texts().injectNull(0.5), Arbitraries.of(true, false))
        .as((name, sha, caption, missing) -> new Attachment(name, "image/jpeg", 1L, sha, caption, missing && sha == null, false));
  }

  Arbitrary<Source> sources() {
    return Combinators.combine(maybeDigest(), texts()).as((raw, range) -> new Source("test", null, raw, range, null));
  }

  @Provide
  Arbitrary<Record> records() {
    Arbitrary<Record> messages = Combinators.combine(texts(), attachments().list().ofMaxSize(4), sources(),
        maybeDigest(), Arbitraries.of(true, false)).as((text, atts, src, vcard, contact) -> Message.builder()
            .id("m-" + Math.abs(text.hashCode()))
            .channel("whatsapp")
            .conversation(new Conversation("c", ConversationKind.DIRECT, text))
            .sender(new Party("+15550001111", text))
            .sentAt(Instant.parse("2026-01-01T00:00:00Z"))
            .text(text)
            .attachments(atts.isEmpty() ? null : atts)
            .contact(contact ? new ContactCard(text, List.of("+15550002222"), vcard) : null)
            .source(src)
            .build());
    Arbitrary<Record> completions = Combinators.combine(attachments(), sources(), digests())
        .as((att, src, sha) -> new Completion("c-" + sha.substring(0, 8), "whatsapp", null, null,
            Instant.parse("2026-01-02T00:00:00Z"), null, "m-1", 0,
            new Attachment(att.name(), att.mediaType(), att.size(), sha, att.caption(), false, false), src));
    Arbitrary<Record> audits = Combinators.combine(digests(), texts(), sources(), Arbitraries.of("view", "disposition"))
        .as((sha, text, src, action) -> new Audit("a-" + sha.substring(0, 8), "coffer", null, new Party("os:x", null),
            Instant.parse("2026-01-03T00:00:00Z"), null, action, List.of("m-1"),
            Map.of("sha256", sha, "raw", sha, "note", text, "digests", "{\"m-1\":\"" + sha + "\"}"), null, src));
    return Arbitraries.oneOf(messages, completions, audits);
  }

  @Property(tries = 500)
  void findsWhatTheReferencePathsFindInEveryCanonicalRecord(@ForAll("records") Record record) {
    byte[] canonical = RecordJson.canonical(record);
    // Inside a larger array, as in a segment body.
    byte[] body = new byte[canonical.length + 10];
    System.arraycopy(canonical, 0, body, 5, canonical.length);
    RecordScan scan = new RecordScan();
    assertThat(scan.scan(body, 5, canonical.length)).as("canonical JSON takes the fast path").isTrue();
    assertThat(id(scan, body)).isEqualTo(TopLevelId.of(canonical)).isEqualTo(record.id());
    assertThat(refs(scan, body)).isEqualTo(BlobReferences.in(canonical));
    Map<String, String> authorized = new java.util.HashMap<>();
    Dispositions.read(canonical, authorized);
    assertThat(scan.disposition).isEqualTo(record instanceof Audit a && a.action().equals("disposition"));
    if (!scan.disposition) {
      assertThat(authorized).isEmpty();
    }
  }

  /** Mutated canonical bytes: where the scanner answers, its answers equal the reference paths'. */
  @Property(tries = 500)
  void eitherDeclinesOrAgreesOnDamagedBytes(@ForAll("records") Record record, @ForAll int position, @ForAll byte value) {
    byte[] bytes = RecordJson.canonical(record);
    bytes[Math.floorMod(position, bytes.length)] = value;
    RecordScan scan = new RecordScan();
    if (!scan.scan(bytes, 0, bytes.length)) {
      return;
    }
    assertThat(id(scan, bytes)).isEqualTo(TopLevelId.of(bytes));
    Set<String> reference;
    try {
      reference = BlobReferences.in(bytes);
    } catch (IllegalArgumentException notJson) {
      return; // e.g. invalid UTF-8 or number syntax, which the scanner does not validate: it may only check more
    }
    assertThat(refs(scan, bytes)).isEqualTo(reference);
  }

  @Example
  void declinesWhatItCannotReadWithCertainty() {
    RecordScan scan = new RecordScan();
    for (String json : List.of(
        "{ \"id\":\"a\"}",                                  // whitespace: TopLevelId depends on the exact form
        "{\"id\":\"a\",\"id\":\"b\"}",                      // a repeated id
        "{\"id\":\"a\\u0062\"}",                            // an escaped id
        "{\"action\":\"dispositio\\u006e\",\"id\":\"a\"}",  // an escaped action
        "{\"id\":\"a\",\"source\":{\"raw\":\"\\u0061" + "0".repeat(63) + "\"}}", // an escaped digest
        "{\"id\":\"a\",\"te\\\"xt\":1}",                    // an escaped name
        "{\"id\":\"a\"}x",                                   // trailing bytes
        "{\"id\":\"a\"",                                     // unterminated
        "{\"id\":\"a\u0001\"}",                             // a control character
        "[\"id\"]", "", "{\"id\":tru}")) {
      byte[] b = json.getBytes(StandardCharsets.UTF_8);
      assertThat(scan.scan(b, 0, b.length)).as(json).isFalse();
    }
  }

  @Example
  void readsReferencesOnlyInTheirPlaces() {
    String d = "ab".repeat(32);
    String e = "cd".repeat(32);
    String json = "{\"attachments\":[{\"sha256\":\"" + d + "\"},[\"" + e + "\"]],\"contact\":{\"vcard_sha256\":\"" + e
        + "\"},\"detail\":{\"raw\":\"" + e + "\"},\"id\":\"m\",\"source\":{\"raw\":\"" + d + "\",\"x\":{\"raw\":\"" + e
        + "\"}},\"text\":\"" + e + "\"}";
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    RecordScan scan = new RecordScan();
    assertThat(scan.scan(b, 0, b.length)).isTrue();
    assertThat(refs(scan, b)).containsExactly(d, e).isEqualTo(BlobReferences.in(b));
    assertThat(id(scan, b)).isEqualTo("m");
  }

  private static String id(RecordScan scan, byte[] b) {
    return scan.idStart < 0 ? null : new String(b, scan.idStart, scan.idEnd - scan.idStart, StandardCharsets.UTF_8);
  }

  private static Set<String> refs(RecordScan scan, byte[] b) {
    Set<String> out = new LinkedHashSet<>();
    for (int i = 0; i < scan.refCount; i++) {
      out.add(new String(b, scan.refs[i], 64, StandardCharsets.US_ASCII));
    }
    return out;
  }
}
