package dev.coffer.web;

import java.time.Duration;
import java.util.Objects;

/**
 * How the web app guards sign-in and sessions. Validated on construction; a bad value fails naming
 * the field and the value.
 *
 * @param tls true when the app is served over HTTPS: session cookies get {@code Secure} and
 *     responses carry {@code Strict-Transport-Security}
 * @param idleTimeout a session with no request for this long is signed out (automatic log-off)
 * @param maxSessionAge a session ends this long after sign-in however active it is
 * @param maxFailures failed sign-ins in a row that lock a user name
 * @param lockout how long a locked user name stays locked
 * @param attemptsPerAddress sign-in attempts one address may make per {@link #attemptWindow}
 * @param attemptWindow the window of the per-address limit
 * @param breakGlass how long emergency access lasts once invoked
 */
public record WebSettings(
    boolean tls,
    Duration idleTimeout,
    Duration maxSessionAge,
    int maxFailures,
    Duration lockout,
    int attemptsPerAddress,
    Duration attemptWindow,
    Duration breakGlass) {

  public WebSettings {
    positive("idleTimeout", idleTimeout);
    positive("maxSessionAge", maxSessionAge);
    positive("lockout", lockout);
    positive("attemptWindow", attemptWindow);
    positive("breakGlass", breakGlass);
    if (maxFailures < 1 || maxFailures > 100) {
      throw new IllegalArgumentException("maxFailures: " + maxFailures + " is outside 1..100");
    }
    if (attemptsPerAddress < 1 || attemptsPerAddress > 10_000) {
      throw new IllegalArgumentException("attemptsPerAddress: " + attemptsPerAddress + " is outside 1..10000");
    }
  }

  /** Plain HTTP, 15 minutes idle, 12 hours at most, 5 failures lock for 15 minutes, 30 tries per address per 5 minutes, break-glass 30 minutes. */
  public static WebSettings defaults() {
    return new WebSettings(false, Duration.ofMinutes(15), Duration.ofHours(12), 5, Duration.ofMinutes(15), 30,
        Duration.ofMinutes(5), Duration.ofMinutes(30));
  }

  public WebSettings withTls(boolean t) {
    return new WebSettings(t, idleTimeout, maxSessionAge, maxFailures, lockout, attemptsPerAddress, attemptWindow, breakGlass);
  }

  public WebSettings withIdleTimeout(Duration d) {
    return new WebSettings(tls, d, maxSessionAge, maxFailures, lockout, attemptsPerAddress, attemptWindow, breakGlass);
  }

  public WebSettings withAttemptsPerAddress(int n) {
    return new WebSettings(tls, idleTimeout, maxSessionAge, maxFailures, lockout, n, attemptWindow, breakGlass);
  }

  private static void positive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + ": " + d + " must be positive");
    }
  }
}
