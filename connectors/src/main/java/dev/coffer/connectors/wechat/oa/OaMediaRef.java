package dev.coffer.connectors.wechat.oa;

import java.util.Objects;

/**
 * A media file an Official Account message announced by its MediaId only (image, voice, video,
 * shortvideo): the message is archived at once with the attachment {@code pending}, and
 * {@link OfficialAccountMedia} fetches the bytes later.
 *
 * @param recordId id of the archived message
 * @param attachmentIndex the attachment's position in that message
 * @param mediaId WeChat's MediaId (temporary media: fetchable for 3 days)
 * @param mediaType the media type the message implies (e.g. {@code image/jpeg}), may be null
 * @param rawBlobDigest SHA-256 of the archived XML the message was read from
 */
public record OaMediaRef(String recordId, int attachmentIndex, String mediaId, String mediaType,
    String rawBlobDigest) {
  public OaMediaRef {
    Objects.requireNonNull(recordId, "recordId");
    Objects.requireNonNull(mediaId, "mediaId");
  }

  /** The key a pending attachment is known by: one record, one position. */
  public String key() {
    return recordId + "#" + attachmentIndex;
  }
}
