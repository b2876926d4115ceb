package dev.coffer.archive.retention;

import java.util.Objects;

/**
 * Who performs a retention act and from where; written into the act's audit record.
 *
 * @param name the actor's user name (e.g. {@code os:alice}, or a web app user)
 * @param address host or IP address the act came from, when known
 * @param role the role the actor acts in ({@code compliance}, {@code reviewer}, {@code admin}, …), as
 *     asserted by the caller that authenticated the actor; recorded, and checked where a role matters
 */
public record Actor(String name, String address, String role) {
  /** The role allowed to see restricted records and to restrict them. */
  public static final String COMPLIANCE = "compliance";

  public Actor {
    Objects.requireNonNull(name, "Actor.name");
    Objects.requireNonNull(role, "Actor.role");
    if (name.isBlank() || role.isBlank()) {
      throw new IllegalArgumentException("Actor.name and Actor.role must not be blank");
    }
  }

  /** True if this actor acts in the compliance role. */
  public boolean compliance() {
    return COMPLIANCE.equals(role);
  }
}
