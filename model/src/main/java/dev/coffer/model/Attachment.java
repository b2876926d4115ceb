package dev.coffer.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A file attached to a message.
 *
 * @param name the file name as the source gives it
 * @param mediaType detected from the bytes when they were archived, else guessed from the name
 * @param size bytes, when known
 * @param sha256 digest (lowercase hex) of the archived blob; null when the bytes are missing
 * @param caption the caption the sender wrote, if any
 * @param missing true when the source said a file was sent but did not deliver its bytes
 *     (e.g. an export "without media"); the record keeps the placeholder
 * @param pending true when the bytes are expected later (fetch failed, will be completed by a later record)
 */
public record Attachment(
    String name,
    String mediaType,
    Long size,
    String sha256,
    String caption,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean missing,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean pending) {

  /** An attachment whose bytes were not delivered by the source. */
  public static Attachment missing(String name, String mediaType, String caption) {
    return new Attachment(name, mediaType, null, null, caption, true, false);
  }
}
