package dev.coffer.web;

import java.time.Instant;

/**
 * One browser's session. Anonymous until sign-in; the id is replaced at sign-in (no fixation).
 * Mutable fields are touched by one request at a time in practice and are volatile for visibility.
 */
final class Session {
  final String id;
  final String csrf;
  final Instant created;
  volatile Instant lastSeen;
  /** The signed-in user's name, or null. */
  volatile String user;
  /** A user who passed the password but still owes a TOTP code, or null. */
  volatile String pendingUser;
  volatile Instant breakGlassUntil;
  volatile String breakGlassReason;

  Session(String id, String csrf, Instant now) {
    this.id = id;
    this.csrf = csrf;
    this.created = now;
    this.lastSeen = now;
  }

  boolean breakGlassActive(Instant now) {
    Instant u = breakGlassUntil;
    return u != null && now.isBefore(u);
  }
}
