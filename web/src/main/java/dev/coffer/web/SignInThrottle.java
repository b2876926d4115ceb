package dev.coffer.web;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Limits sign-in attempts: per address (a sliding window) and per user name (consecutive failures
 * lock the name for a while, whichever address they come from). Kept in memory: a restart clears it.
 */
final class SignInThrottle {
  private final Clock clock;
  private final WebSettings settings;
  private final Map<String, Deque<Instant>> byAddress = new ConcurrentHashMap<>();
  private final Map<String, Failures> byUser = new ConcurrentHashMap<>();

  private record Failures(int count, Instant lockedUntil) {}

  SignInThrottle(Clock clock, WebSettings settings) {
    this.clock = clock;
    this.settings = settings;
  }

  /** Records an attempt from {@code address}; false when the address is over its limit. */
  boolean attempt(String address) {
    Instant now = clock.instant();
    Deque<Instant> q = byAddress.computeIfAbsent(address, a -> new ArrayDeque<>());
    synchronized (q) {
      while (!q.isEmpty() && q.peekFirst().isBefore(now.minus(settings.attemptWindow()))) {
        q.pollFirst();
      }
      if (q.size() >= settings.attemptsPerAddress()) {
        return false;
      }
      q.addLast(now);
      return true;
    }
  }

  /** True while the user name is locked. */
  boolean locked(String user) {
    Failures f = byUser.get(user);
    return f != null && f.lockedUntil() != null && clock.instant().isBefore(f.lockedUntil());
  }

  /** Counts a failure; @return true when this failure locked the name */
  boolean failed(String user) {
    Instant now = clock.instant();
    Failures f = byUser.compute(user, (k, old) -> {
      int n = (old == null || (old.lockedUntil() != null && !now.isBefore(old.lockedUntil()))) ? 1 : old.count() + 1;
      return new Failures(n, n >= settings.maxFailures() ? now.plus(settings.lockout()) : null);
    });
    return f.lockedUntil() != null && f.count() == settings.maxFailures();
  }

  void succeeded(String user) {
    byUser.remove(user);
  }

  /** An admin lifts a lock (with a password reset). */
  void unlock(String user) {
    byUser.remove(user);
  }
}
