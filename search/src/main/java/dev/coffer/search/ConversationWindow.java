package dev.coffer.search;

import java.util.List;

/**
 * A record with the records around it in its conversation, in chronological order (record time,
 * then serial): what {@code coffer show CONVERSATION --around RECORD --context N} prints.
 *
 * @param conversationId the record's conversation
 * @param serials the window's serials in order; fetch the records from the archive
 * @param targetIndex index of the requested record in {@code serials}
 * @param position the requested record's 0-based position in the whole conversation
 * @param total number of records in the conversation
 */
public record ConversationWindow(
    String conversationId, List<Long> serials, int targetIndex, long position, long total) {
  public ConversationWindow {
    serials = List.copyOf(serials);
  }
}
