package dev.coffer.archive.blob;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.time.Instant;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The fast reader of blob references (a token pass over canonical JSON) finds exactly what the record
 * object says, whatever the text, captions and audit details around them hold: digests quoted in text,
 * JSON-looking strings, and detail keys named like reference fields are not references.
 */
class BlobReferencesProperties {

  @Provide
  Arbitrary<String> digests() {
    return Arbitraries.strings().withChars("0123456789abcdef").ofLength(64);
  }

  /** Text that tries to look like a reference. */
  @Provide
  Arbitrary<String> texts() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(40),
        digests().map(d -> "\"sha256\":\"" + d + "\""),
        digests().map(d -> "{\"raw\":\"" + d + "\",\"vcard_sha256\":\"" + d + "\"}"),
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
    Arbitrary<Record> audits = Combinators.combine(digests(), texts(), sources())
        .as((sha, text, src) -> new Audit("a-" + sha.substring(0, 8), "coffer", null, new Party("os:x", null),
            Instant.parse("2026-01-03T00:00:00Z"), null, "view", List.of("m-1"),
            Map.of("sha256", sha, "raw", sha, "note", text), null, src));
    return Arbitraries.oneOf(messages, completions, audits);
  }

  @Property(tries = 400)
  void theByteReaderFindsExactlyTheRecordsReferences(@ForAll("records") Record record) {
    assertThat(BlobReferences.in(RecordJson.canonical(record))).isEqualTo(BlobReferences.of(record));
  }
}
