package dev.coffer.model;

import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.Objects;

/**
 * A delivery status of a message: sent, delivered, read, played or failed.
 *
 * @param target id of the record the status is about
 * @param status the status
 * @param recipient whose status it is
 * @param error the platform's error description for {@code failed}
 */
public record Receipt(
    String id,
    String channel,
    Conversation conversation,
    Party sender,
    Instant sentAt,
    String sourceTime,
    String target,
    Status status,
    Party recipient,
    String error,
    Source source)
    implements Record {

  public Receipt {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(source, "source");
  }

  public enum Status {
    SENT("sent"),
    DELIVERED("delivered"),
    READ("read"),
    PLAYED("played"),
    FAILED("failed");

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
