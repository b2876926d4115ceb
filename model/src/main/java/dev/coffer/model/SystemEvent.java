package dev.coffer.model;

import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Something the platform recorded about a conversation rather than a message someone wrote.
 *
 * @param event what happened
 * @param actor who did it, when the source says
 * @param subjects whom it concerned (added, removed members), when the source says
 * @param text the source's own wording, kept verbatim (localized)
 * @param detail further facts by name, e.g. {@code from}/{@code to} for a subject change
 */
public record SystemEvent(
    String id,
    String channel,
    Conversation conversation,
    Party sender,
    Instant sentAt,
    String sourceTime,
    Event event,
    Party actor,
    List<Party> subjects,
    String text,
    Map<String, String> detail,
    Source source)
    implements Record {

  public SystemEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(source, "source");
    subjects = subjects == null || subjects.isEmpty() ? null : List.copyOf(subjects);
    detail = detail == null || detail.isEmpty() ? null : Map.copyOf(detail);
  }

  /** The kinds of system event; {@link #OTHER} keeps anything not recognized, with its text. */
  public enum Event {
    ENCRYPTION_NOTICE("encryption_notice"),
    GROUP_CREATED("group_created"),
    MEMBER_ADDED("member_added"),
    MEMBER_LEFT("member_left"),
    MEMBER_REMOVED("member_removed"),
    JOINED_BY_LINK("joined_by_link"),
    SUBJECT_CHANGED("subject_changed"),
    ICON_CHANGED("icon_changed"),
    DESCRIPTION_CHANGED("description_changed"),
    ADMIN_CHANGED("admin_changed"),
    SETTINGS_CHANGED("settings_changed"),
    SECURITY_CODE_CHANGED("security_code_changed"),
    DISAPPEARING_TIMER("disappearing_timer"),
    NUMBER_CHANGED("number_changed"),
    CONTACT_NOTICE("contact_notice"),
    OTHER("other");

    private final String json;

    Event(String json) {
      this.json = json;
    }

    @JsonValue
    public String json() {
      return json;
    }
  }
}
