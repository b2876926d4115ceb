package dev.coffer.archive.blob;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.coffer.model.Attachment;
import dev.coffer.model.Audit;
import dev.coffer.model.Call;
import dev.coffer.model.Completion;
import dev.coffer.model.Consent;
import dev.coffer.model.Delete;
import dev.coffer.model.Digests;
import dev.coffer.model.Edit;
import dev.coffer.model.Message;
import dev.coffer.model.Reaction;
import dev.coffer.model.Receipt;
import dev.coffer.model.Record;
import dev.coffer.model.SystemEvent;
import dev.coffer.model.Unparsed;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Which blobs a record refers to: its raw original ({@code source.raw}), its attachments'
 * {@code sha256}, a completion's {@code attachment.sha256} and a shared contact's
 * {@code contact.vcard_sha256}. Disposition removes a blob only when no live record refers to it, and
 * verify reports a missing blob that a live record refers to; both use {@link #in(byte[])}.
 *
 * <p>Only those structural places count: a digest quoted in a message's text or in an audit record's
 * detail (the web app's "viewed attachment" audit names one) is not a reference, so it neither keeps a
 * blob nor makes verify ask for one.
 */
public final class BlobReferences {
  private static final JsonFactory JSON = JsonFactory.builder().build();

  private BlobReferences() {}

  /**
   * The blob digests (lowercase hex SHA-256, in document order, no repeats) the record with these
   * canonical JSON bytes refers to. Reads the bytes as a token stream (no object is built), so it costs
   * about as much as one pass over them.
   *
   * @throws IllegalArgumentException if the bytes are not a JSON object
   */
  public static Set<String> in(byte[] canonical) {
    Set<String> out = new LinkedHashSet<>(4);
    try (JsonParser p = JSON.createParser(canonical)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("a record is a JSON object");
      }
      int depth = 1;
      String top = null;
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        switch (t) {
          case START_OBJECT, START_ARRAY -> depth++;
          case END_OBJECT, END_ARRAY -> depth--;
          case FIELD_NAME -> {
            if (depth == 1) {
              top = p.currentName();
            }
          }
          case VALUE_STRING -> {
            if (top != null && depth > 1 && reference(top, depth, p.currentName())) {
              String v = p.getText();
              if (Digests.isSha256Hex(v)) {
                out.add(v);
              }
            }
          }
          default -> {
            // numbers, booleans, nulls: never a reference
          }
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("not a JSON record: " + e.getMessage(), e);
    }
    return out;
  }

  /** True for the (top-level field, depth, field) places that hold a blob digest. */
  private static boolean reference(String top, int depth, String field) {
    return switch (top) {
      case "source" -> depth == 2 && "raw".equals(field);
      case "attachment" -> depth == 2 && "sha256".equals(field);
      case "attachments" -> depth == 3 && "sha256".equals(field);
      case "contact" -> depth == 2 && "vcard_sha256".equals(field);
      default -> false;
    };
  }

  /**
   * The same references read from the record object (what {@link #in(byte[])} finds in its canonical
   * JSON): the definition, kept beside the fast path so a new kind that carries a blob has to be
   * added here.
   */
  public static Set<String> of(Record record) {
    Set<String> out = new LinkedHashSet<>(4);
    switch (record) {
      case Message m -> {
        for (Attachment a : m.attachmentList()) {
          add(out, a.sha256());
        }
        if (m.contact() != null) {
          add(out, m.contact().vcardSha256());
        }
      }
      case Completion c -> add(out, c.attachment().sha256());
      case SystemEvent s -> { }
      case Call c -> { }
      case Reaction r -> { }
      case Edit e -> { }
      case Delete d -> { }
      case Receipt r -> { }
      case Consent c -> { }
      case Unparsed u -> { }
      case Audit a -> { }
    }
    if (record.source() != null) {
      add(out, record.source().raw());
    }
    return out;
  }

  private static void add(Set<String> out, String digest) {
    if (Digests.isSha256Hex(digest)) {
      out.add(digest);
    }
  }
}
