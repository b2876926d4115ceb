package dev.coffer.web.auth;

import java.util.Set;
import java.util.TreeSet;

/**
 * What a barrier-confined user (a reviewer) is assigned: the people whose conversations they review,
 * whole conversations, and whole channels. A record is visible when its conversation is assigned,
 * its channel is assigned, or an assigned person took part in its conversation.
 *
 * @param people handles or phone numbers (any notation) or names, read as a search's sender filter
 * @param conversations conversation ids
 * @param channels channel names such as {@code whatsapp}
 */
public record Assignments(Set<String> people, Set<String> conversations, Set<String> channels) {
  /** Nothing assigned: a reviewer with these sees nothing. */
  public static final Assignments NONE = new Assignments(Set.of(), Set.of(), Set.of());

  public Assignments {
    people = clean(people);
    conversations = clean(conversations);
    channels = clean(channels);
  }

  private static Set<String> clean(Set<String> in) {
    Set<String> out = new TreeSet<>();
    if (in != null) {
      for (String s : in) {
        if (s != null && !s.isBlank()) {
          out.add(s.strip());
        }
      }
    }
    return Set.copyOf(out);
  }

  /** True when nothing is assigned. */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean isEmpty() {
    return people.isEmpty() && conversations.isEmpty() && channels.isEmpty();
  }
}
