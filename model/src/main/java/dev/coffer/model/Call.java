package dev.coffer.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.Objects;

/**
 * A voice or video call, as the source recorded it.
 *
 * @param media voice or video
 * @param status missed, completed or declined
 * @param durationS length in seconds when the source gives it
 * @param group true for a group call
 * @param text the source's own wording, kept verbatim
 */
public record Call(
    String id,
    String channel,
    Conversation conversation,
    Party sender,
    Instant sentAt,
    String sourceTime,
    Media media,
    Status status,
    Long durationS,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean group,
    String text,
    Source source)
    implements Record {

  public Call {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(media, "media");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(source, "source");
  }

  public enum Media {
    VOICE("voice"),
    VIDEO("video");

    private final String json;

    Media(String json) {
      this.json = json;
    }

    @JsonValue
    public String json() {
      return json;
    }
  }

  public enum Status {
    MISSED("missed"),
    COMPLETED("completed"),
    DECLINED("declined");

    private final String json;

    Status(String json) {
      this.json = json;
    }

    @JsonValue
    public String json() {
      return json;
    }
  }
}
