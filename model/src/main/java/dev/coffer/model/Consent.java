package dev.coffer.model;

import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.Objects;

/**
 * A party agreeing or refusing to have their conversation archived (WeCom agree/disagree).
 *
 * @param status agree or disagree
 */
public record Consent(
    String id,
    String channel,
    Conversation conversation,
    Party sender,
    Instant sentAt,
    String sourceTime,
    Status status,
    Source source)
    implements Record {

  public Consent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(source, "source");
  }

  public enum Status {
    AGREE("agree"),
    DISAGREE("disagree");

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
