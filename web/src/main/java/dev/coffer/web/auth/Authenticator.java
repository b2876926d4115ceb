package dev.coffer.web.auth;

/**
 * Checks who someone is. The local implementation checks a password against {@link UserStore};
 * single sign-on (OpenID Connect) plugs in here by returning the user it established, so the rest of
 * the app (roles, barriers, sessions, audit) does not change.
 */
public interface Authenticator {
  /**
   * Checks a sign-in attempt.
   *
   * @return the outcome; never throws for a wrong name or password
   */
  Outcome authenticate(String name, char[] password);

  /** What an attempt gave. */
  sealed interface Outcome {
    /** The credentials are right and the user may continue (to a second factor, if enrolled). */
    record Accepted(User user) implements Outcome {}

    /** Wrong name or password, or a disabled user: the page says the same for all three. */
    record Refused(String reason) implements Outcome {}
  }

  /** Passwords checked against the local user database. */
  static Authenticator local(UserStore users) {
    return (name, password) -> {
      User u = users.find(name).orElse(null);
      if (u == null) {
        // Hash anyway: the answer takes as long for an unknown name as for a wrong password.
        users.passwords().verify(password, DUMMY_HASH);
        return new Outcome.Refused("unknown user");
      }
      if (!users.passwords().verify(password, u.passwordHash())) {
        return new Outcome.Refused("wrong password");
      }
      if (u.disabled()) {
        return new Outcome.Refused("disabled");
      }
      return new Outcome.Accepted(u);
    };
  }

  /** A hash of no one's password, for timing parity. */
  String DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$"
      + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
}
