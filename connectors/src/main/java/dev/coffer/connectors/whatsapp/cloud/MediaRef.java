package dev.coffer.connectors.whatsapp.cloud;

import java.util.Objects;

/**
 * A media file a webhook announced but did not carry: the message record is archived at once with
 * the attachment marked {@code pending}, and {@link MediaCompletion} fetches the bytes later with
 * {@link MediaFetcher}.
 *
 * @param recordId id of the archived record whose attachment this is (a {@code message})
 * @param attachmentIndex position of the attachment in that record's {@code attachments}
 * @param mediaId the Graph API media id
 * @param sha256 the digest the webhook declared, as lowercase hex (the webhook sends base64 or
 *     hex; both are normalised), or null when the webhook gave none that could be read
 * @param mimeType the webhook's {@code mime_type}, may be null
 * @param fileName the document's file name, may be null
 * @param caption the caption the sender wrote, may be null
 * @param phoneNumberId the business phone number id that received or sent it (the Graph API's
 *     optional {@code phone_number_id} parameter), may be null
 * @param rawBlobDigest SHA-256 of the archived webhook body that announced the media
 */
public record MediaRef(
    String recordId,
    int attachmentIndex,
    String mediaId,
    String sha256,
    String mimeType,
    String fileName,
    String caption,
    String phoneNumberId,
    String rawBlobDigest) {
  public MediaRef {
    Objects.requireNonNull(recordId, "recordId");
    Objects.requireNonNull(mediaId, "mediaId");
    if (attachmentIndex < 0) {
      throw new IllegalArgumentException("attachmentIndex must be >= 0, not " + attachmentIndex);
    }
  }

  /** The key a pending attachment is known by: one record, one position. */
  public String key() {
    return recordId + "#" + attachmentIndex;
  }
}
