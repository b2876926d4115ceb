package dev.coffer.connectors.whatsapp.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.model.Ids;
import dev.coffer.model.Unparsed;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/**
 * Reads a WhatsApp Business Platform (Cloud API) webhook body into {@code coffer/1} records.
 *
 * <p>Contract:
 * <ul>
 *   <li><b>Never throws on content.</b> Malformed JSON, an envelope that is not a WhatsApp Business
 *       webhook, an unknown field or message type: each becomes an {@link Unparsed} record holding
 *       the text and a diagnostic. Every part of the body is accounted for by a record; a non-empty
 *       body yields at least one record.
 *   <li><b>Idempotent.</b> Record ids derive from the platform's ids (the wamid and the record's
 *       kind; for receipts the status, recipient and the status's time), never from the body or the
 *       item's position in it, so re-deliveries, re-batching and out-of-order arrival give the same
 *       ids and the archive keeps each item once.
 *   <li><b>Provenance.</b> Every record's {@code source} is connector {@code whatsapp-cloud-api}, the
 *       native id (wamid) when there is one, {@code raw} = {@code rawBlobDigest} and {@code range} =
 *       the JSON Pointer (RFC 6901) of the item in the body, e.g. {@code /entry/0/changes/0/value/messages/1}.
 *   <li><b>Media</b> is not in the body: a message with media is archived at once with its attachment
 *       {@code pending}, and {@link WebhookParse#media()} says what to fetch ({@link MediaCompletion}).
 * </ul>
 *
 * <p>The body must already be authenticated ({@link CloudApiSignature#verify}) and archived as a blob
 * whose SHA-256 is {@code rawBlobDigest}. The mapping per field and type is in
 * {@code docs/whatsapp-cloud-api.md}. Thread-safe: it holds no state.
 */
public final class CloudApiWebhook {
  /** The connector name in every record's {@code source}. */
  public static final String CONNECTOR = ParseBuilder.CONNECTOR;

  private CloudApiWebhook() {}

  /**
   * Parses one webhook body.
   *
   * @param body the raw request body, as received and signature-checked
   * @param rawBlobDigest lowercase hex SHA-256 of {@code body} as archived (used in each record's
   *     {@code source.raw})
   * @param receivedAt when Coffer received the body: the {@code sent_at} of records about items
   *     that carry no time of their own (unreadable parts, some platform events)
   */
  public static WebhookParse parse(byte[] body, String rawBlobDigest, Instant receivedAt) {
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(rawBlobDigest, "rawBlobDigest");
    Objects.requireNonNull(receivedAt, "receivedAt");
    ParseBuilder out = new ParseBuilder(rawBlobDigest, receivedAt);
    JsonNode root;
    try {
      root = Json.read(body);
    } catch (Exception e) {
      whole(out, body, "not JSON: " + firstLine(e.getMessage()));
      return out.build();
    }
    try {
      new ChangeMapper(out).envelope(root);
    } catch (RuntimeException e) {
      // A defect in a mapper must not lose the body: keep it whole, with what went wrong.
      out.records.clear();
      out.media.clear();
      out.history.clear();
      out.contacts.clear();
      whole(out, body, "could not be read (" + e.getClass().getSimpleName() + ")");
    }
    if (out.records.isEmpty()) {
      whole(out, body, "a webhook body with nothing to archive in it");
    }
    return out.build();
  }

  /** Keeps the whole body as one unparsed record; its id is the body's digest, so repeats are one. */
  private static void whole(ParseBuilder out, byte[] body, String diagnostic) {
    String text = Json.clean(new String(body, StandardCharsets.UTF_8));
    String id = Ids.derive(CloudIds.NS + "unparsed-body", dev.coffer.model.Digests.sha256Hex(body));
    out.add(new Unparsed(id, ParseBuilder.CHANNEL, null, null, out.receivedAt, null, text,
        diagnostic, out.source(null, "bytes 0-" + Math.max(0, body.length - 1))));
    out.diagnostic("/", "kept as unparsed: " + diagnostic);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    // Jackson quotes a few characters of the input in its messages: keep only its own words.
    int quote = line.indexOf('\'');
    return (quote > 0 ? line.substring(0, quote) : line).strip();
  }
}
