package dev.coffer.model;

import com.fasterxml.jackson.annotation.JsonValue;

/** Whether a conversation is between two parties or a group. */
public enum ConversationKind {
  DIRECT("direct"),
  GROUP("group");

  private final String json;

  ConversationKind(String json) {
    this.json = json;
  }

  @JsonValue
  public String json() {
    return json;
  }
}
