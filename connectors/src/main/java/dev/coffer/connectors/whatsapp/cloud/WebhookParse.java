package dev.coffer.connectors.whatsapp.cloud;

import dev.coffer.model.Record;
import dev.coffer.model.Unparsed;
import java.util.List;

/**
 * What one webhook body became. Every part of the body is accounted for by {@link #records}: what
 * could not be read is an {@link Unparsed} record holding the text and the reason.
 *
 * @param records the records to archive, in payload order; never empty for a non-empty body
 * @param media attachments to fetch: each names a record in {@link #records} whose attachment is
 *     pending (or, for history messages that arrived earlier without media, missing)
 * @param diagnostics what an operator should know (unreadable parts, placeholder values), without
 *     message content or phone numbers
 * @param history back-fill progress, one entry per {@code history} item in the body
 * @param contacts contact-book changes from {@code smb_app_state_sync}, for the directory
 */
public record WebhookParse(
    List<Record> records,
    List<MediaRef> media,
    List<String> diagnostics,
    List<HistoryChunk> history,
    List<ContactSync> contacts) {
  public WebhookParse {
    records = List.copyOf(records);
    media = List.copyOf(media);
    diagnostics = List.copyOf(diagnostics);
    history = List.copyOf(history);
    contacts = List.copyOf(contacts);
  }

  /** Number of {@link Unparsed} records. */
  public long unparsedCount() {
    return records.stream().filter(r -> r instanceof Unparsed).count();
  }
}
