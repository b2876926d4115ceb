package dev.coffer.web;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sessions in memory, keyed by an unguessable id (256 random bits). A server restart signs everyone
 * out, which is the safe direction. Expired sessions are dropped when next seen and swept on creation.
 */
final class Sessions {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final Map<String, Session> byId = new ConcurrentHashMap<>();
  private final Clock clock;
  private final WebSettings settings;

  Sessions(Clock clock, WebSettings settings) {
    this.clock = clock;
    this.settings = settings;
  }

  /** The live session with this id, touched; null when unknown or expired (then it is dropped). */
  Session find(String id) {
    if (id == null) {
      return null;
    }
    Session s = byId.get(id);
    if (s == null) {
      return null;
    }
    Instant now = clock.instant();
    if (expired(s, now)) {
      byId.remove(id);
      return null;
    }
    s.lastSeen = now;
    return s;
  }

  /** True when the session was signed in and has timed out (idle or too old). */
  boolean expired(Session s, Instant now) {
    return now.isAfter(s.lastSeen.plus(settings.idleTimeout()))
        || (s.user != null && now.isAfter(s.created.plus(settings.maxSessionAge())));
  }

  Session create() {
    Instant now = clock.instant();
    if (byId.size() > 1000) {
      byId.values().removeIf(s -> expired(s, now));
    }
    Session s = new Session(token(), token(), now);
    byId.put(s.id, s);
    return s;
  }

  /** A fresh session (new id and CSRF token) for a user who just signed in; the old one ends. */
  Session signIn(Session old, String user) {
    byId.remove(old.id);
    Session s = create();
    s.user = user;
    return s;
  }

  void end(Session s) {
    byId.remove(s.id);
  }

  /** Ends every session of a user (disabled, password reset, role changed). */
  void endAll(String user) {
    byId.values().removeIf(s -> user.equals(s.user) || user.equals(s.pendingUser));
  }

  private static String token() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
