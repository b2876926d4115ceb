package dev.coffer.search;

import java.time.Instant;

/**
 * A conversation as the index knows it.
 *
 * @param id the conversation id
 * @param title the title carried by its latest record (titles change: group subjects); may be null
 * @param kind {@code direct} or {@code group}
 * @param channel e.g. {@code whatsapp}
 * @param records how many records belong to it (every kind)
 * @param first time of its earliest record
 * @param last time of its latest record
 */
public record ConversationSummary(
    String id, String title, String kind, String channel, long records, Instant first, Instant last) {}
