package dev.coffer.web.auth;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A local user of the web app, as {@link UserStore} keeps it.
 *
 * @param name the sign-in name: 1-64 of {@code a-z 0-9 . _ -}, starting with a letter or digit
 * @param role what the user may do
 * @param passwordHash Argon2id in PHC string form ({@link Passwords})
 * @param mustChangePassword true after a one-time password was issued (add, reset)
 * @param totpSecret the TOTP secret (base32) once enrolled; null when not enrolled
 * @param totpRequired an admin requires a second factor: sign-in refuses until enrolled
 * @param disabled a disabled user cannot sign in
 * @param assignments what a reviewer may see
 * @param savedSearches the user's saved searches
 * @param created when the user was added
 */
public record User(
    String name,
    Role role,
    String passwordHash,
    boolean mustChangePassword,
    String totpSecret,
    boolean totpRequired,
    boolean disabled,
    Assignments assignments,
    List<SavedSearch> savedSearches,
    Instant created) {

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  public User {
    checkName(name);
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(passwordHash, "passwordHash");
    assignments = assignments == null ? Assignments.NONE : assignments;
    savedSearches = savedSearches == null ? List.of() : List.copyOf(savedSearches);
    Objects.requireNonNull(created, "created");
  }

  /** @throws IllegalArgumentException naming the value when it is not a valid user name */
  public static String checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("name: '" + name
          + "' is not a user name (1-64 of a-z 0-9 . _ -, starting with a letter or digit)");
    }
    return name;
  }

  /** Leaves out the password hash and the TOTP secret, so a log line or a dump never carries them. */
  @Override
  public String toString() {
    return "User[name=" + name + ", role=" + role.label() + ", totp=" + totpEnrolled() + ", disabled=" + disabled + "]";
  }

  /** True when the user has enrolled a TOTP second factor. */
  public boolean totpEnrolled() {
    return totpSecret != null;
  }

  public User withRole(Role r) {
    return new User(name, r, passwordHash, mustChangePassword, totpSecret, totpRequired, disabled, assignments, savedSearches, created);
  }

  public User withPassword(String hash, boolean mustChange) {
    return new User(name, role, hash, mustChange, totpSecret, totpRequired, disabled, assignments, savedSearches, created);
  }

  public User withTotp(String secret, boolean required) {
    return new User(name, role, passwordHash, mustChangePassword, secret, required, disabled, assignments, savedSearches, created);
  }

  public User withDisabled(boolean d) {
    return new User(name, role, passwordHash, mustChangePassword, totpSecret, totpRequired, d, assignments, savedSearches, created);
  }

  public User withAssignments(Assignments a) {
    return new User(name, role, passwordHash, mustChangePassword, totpSecret, totpRequired, disabled, a, savedSearches, created);
  }

  public User withSavedSearches(List<SavedSearch> s) {
    return new User(name, role, passwordHash, mustChangePassword, totpSecret, totpRequired, disabled, assignments, s, created);
  }

  /** A search the user named and kept: {@code query} is the search page's query string. */
  public record SavedSearch(String label, String query) {
    public SavedSearch {
      if (label == null || label.isBlank() || label.length() > 100) {
        throw new IllegalArgumentException("label: a saved search needs a name of 1-100 characters");
      }
      label = label.strip();
      query = query == null ? "" : query;
      if (query.length() > 4000) {
        throw new IllegalArgumentException("query: a saved search is at most 4000 characters");
      }
    }
  }
}
