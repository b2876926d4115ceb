package dev.coffer.connectors.media;

import dev.coffer.archive.Archive;
import dev.coffer.model.Attachment;
import dev.coffer.model.Completion;
import dev.coffer.model.Record;
import java.io.IOException;
import java.time.Instant;

/**
 * Where a connector's pending media come from, for a {@link MediaQueue}: how to fetch one reference
 * and store its bytes, and the completion record that says so.
 *
 * @param <R> the connector's media reference (what it needs to fetch one attachment)
 */
public interface MediaSource<R> {
  /** The key of the pending attachment {@code ref} is for: {@code recordId#index}. */
  String key(R ref);

  /** The id of the completion record for {@code ref} (derived from record id and attachment index). */
  String completionId(R ref);

  /**
   * Fetches, checks and stores {@code ref}'s bytes as a blob of {@code archive}.
   *
   * @return {@link Fetched} with the completed attachment, or {@link Failed}; never throws for remote
   *     failures
   * @throws IOException only when the archive could not store the bytes
   */
  Outcome fetch(R ref, Archive archive) throws IOException;

  /**
   * The completion record to archive once {@code attachment}'s bytes are stored.
   *
   * @param target the record whose attachment it completes, as archived (null if not found)
   */
  Completion completion(String id, R ref, Attachment attachment, Record target, Instant now);

  /** What one fetch came to. */
  sealed interface Outcome {}

  /** The bytes are stored; {@code attachment} is the completed attachment. */
  record Fetched(Attachment attachment) implements Outcome {}

  /**
   * Nothing was stored. {@code retryable}: trying again later may succeed (the API was failing);
   * false when the same request will fail the same way until something changes.
   */
  record Failed(String diagnostic, boolean retryable) implements Outcome {}
}
