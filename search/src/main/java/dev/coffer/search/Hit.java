package dev.coffer.search;

import java.time.Instant;

/**
 * One search hit: enough to print a result line and to fetch the full record from the archive by
 * {@link #serial()}.
 *
 * @param id the record id
 * @param serial the record's archive serial
 * @param kind the record kind ({@code message}, {@code system}, …)
 * @param channel e.g. {@code whatsapp}
 * @param conversationId null for records outside a conversation (audit)
 * @param conversationTitle the conversation title this record carried; may be null
 * @param senderName may be null
 * @param senderHandle may be null
 * @param sentAt null when the source gave no readable time
 * @param snippet the text around the matches with each match between the request's highlight tags;
 *     the start of the text when the match was not in the text (a filter-only search, a sender
 *     match); null when the record has no text
 * @param score relevance score (0 when sorted by time)
 */
public record Hit(
    String id,
    long serial,
    String kind,
    String channel,
    String conversationId,
    String conversationTitle,
    String senderName,
    String senderHandle,
    Instant sentAt,
    String snippet,
    float score) {}
