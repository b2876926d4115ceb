package dev.coffer.connectors.whatsapp.cloud;

/**
 * One chunk of a coexistence {@code history} back-fill, for showing progress. Chunks can arrive out
 * of order and more than once; {@code progress} 100 means Meta reports the sync complete.
 *
 * @param businessPhoneNumberId the business number's phone number id
 * @param phase 0 (day 0–1), 1 (day 1–90) or 2 (day 90–180); -1 when the payload did not say
 * @param chunkOrder the chunk's position within its phase; -1 when the payload did not say
 * @param progress 0–100 as Meta reports it; -1 when the payload did not say
 * @param threads conversations in the chunk
 * @param messages messages in the chunk
 * @param error the platform's error when the customer declined sharing history (code 2593109) or the
 *     back-fill failed, else null
 */
public record HistoryChunk(
    String businessPhoneNumberId,
    int phase,
    int chunkOrder,
    int progress,
    int threads,
    int messages,
    String error) {}
