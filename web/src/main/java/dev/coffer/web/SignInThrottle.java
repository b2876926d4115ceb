package dev.coffer.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.coffer.web.auth.SealedFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Limits sign-in attempts: per address (a sliding window, in memory) and per user name (consecutive
 * failures lock the name for a while, whichever address they come from).
 *
 * <p>The per-name failures and locks are kept in {@code web/sign-in.sealed} (sealed with the archive's
 * keys like the user database, see {@link SealedFile}) and written before a failure is answered, so
 * restarting the server does not reset an attacker's count or lift a lock. The per-address window is
 * only a brake on speed and starts again after a restart. The command line's {@code --as USER} counts
 * in the same file ({@link SignInLocks}); a running server re-reads it when it changed.
 *
 * <p>The same file keeps, per user, the last TOTP step a web sign-in accepted ({@link #acceptTotpStep}),
 * written before the sign-in is answered: a code works once, also after a restart (RFC 6238, 5.2).
 * Format {@code coffer-sign-in/2} adds that map ({@code totpSteps}) to {@code /1}, which is still read.
 */
final class SignInThrottle {
  static final String FILE = "sign-in.sealed";
  static final String PLAIN_FILE = "sign-in.json";
  private static final String FORMAT = "coffer-sign-in/2";
  /** The format before the TOTP steps were kept: read, never written. */
  private static final String FORMAT_1 = "coffer-sign-in/1";
  /** Names remembered at most (guessed names included); beyond, the oldest unlocked are forgotten. */
  private static final int MAX_NAMES = 10_000;
  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private final Clock clock;
  private final WebSettings settings;
  private final SealedFile file;
  private final Map<String, Deque<Instant>> byAddress = new ConcurrentHashMap<>();
  private final Map<String, Failures> byUser = new ConcurrentHashMap<>();
  /** The last TOTP step accepted per user; only users who passed their password get one, so it is not capped. */
  private final Map<String, Long> totpSteps = new ConcurrentHashMap<>();

  /** Consecutive failures of one name, the last one's time, and the end of its lock (or null). */
  record Failures(int count, Instant last, Instant lockedUntil) {}

  /** The file's shape ({@code totpSteps} is absent in format {@code /1}). */
  record Stored(String format, Map<String, Failures> names, Map<String, Long> totpSteps) {}

  /** A throttle kept in memory only (a restart forgets it). */
  SignInThrottle(Clock clock, WebSettings settings) {
    this.clock = clock;
    this.settings = settings;
    this.file = null;
  }

  /** A throttle whose per-name state lives in {@code file}, loaded now. */
  SignInThrottle(Clock clock, WebSettings settings, SealedFile file) throws IOException {
    this.clock = clock;
    this.settings = settings;
    this.file = file;
    load();
  }

  /** The file's modification time when this throttle last read or wrote it. */
  private java.nio.file.attribute.FileTime seen;

  /** Reads the per-name state from the file (replacing what is in memory). */
  private void load() throws IOException {
    seen = modified();
    byte[] bytes = file.read();
    byUser.clear();
    totpSteps.clear();
    if (bytes != null) {
      Stored s;
      try {
        s = JSON.readValue(bytes, Stored.class);
      } catch (IOException e) {
        throw new IOException(file.path() + " is not readable sign-in state: " + e.getClass().getSimpleName(), e);
      }
      if (!FORMAT.equals(s.format()) && !FORMAT_1.equals(s.format())) {
        throw new IOException(file.path() + ": format '" + s.format() + "' is not " + FORMAT + " (or " + FORMAT_1 + ")");
      }
      if (s.names() != null) {
        byUser.putAll(s.names());
      }
      if (s.totpSteps() != null) {
        totpSteps.putAll(s.totpSteps());
      }
    }
  }

  private java.nio.file.attribute.FileTime modified() throws IOException {
    try {
      return java.nio.file.Files.getLastModifiedTime(file.path());
    } catch (java.nio.file.NoSuchFileException e) {
      return null;
    }
  }

  /**
   * Re-reads the file when another process (the command line's {@code --as USER}, docs/retention.md)
   * changed it since this throttle last read or wrote it, so failures counted there count here.
   */
  private void refresh() {
    if (file == null) {
      return;
    }
    try {
      if (!java.util.Objects.equals(modified(), seen)) {
        load();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the sign-in state in " + file.path(), e);
    }
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
  synchronized boolean locked(String user) {
    refresh();
    Failures f = byUser.get(user);
    return f != null && f.lockedUntil() != null && clock.instant().isBefore(f.lockedUntil());
  }

  /** Until when the user name is locked, or null. */
  synchronized Instant lockedUntil(String user) {
    return locked(user) ? byUser.get(user).lockedUntil() : null;
  }

  /** Counts a failure, durably; @return true when this failure locked the name */
  synchronized boolean failed(String user) {
    refresh();
    Instant now = clock.instant();
    Failures f = byUser.compute(user, (k, old) -> {
      int n = (old == null || (old.lockedUntil() != null && !now.isBefore(old.lockedUntil()))) ? 1 : old.count() + 1;
      return new Failures(n, now, n >= settings.maxFailures() ? now.plus(settings.lockout()) : null);
    });
    save();
    return f.lockedUntil() != null && f.count() == settings.maxFailures();
  }

  synchronized void succeeded(String user) {
    refresh();
    if (byUser.remove(user) != null) {
      save();
    }
  }

  /**
   * Accepts TOTP {@code step} for {@code user} when it is later than the last step accepted for them,
   * and keeps it durably before returning (a server answering after a crash must not accept the
   * same code again).
   *
   * @return false when {@code step} (or a later one) was already accepted: the code is being replayed
   */
  synchronized boolean acceptTotpStep(String user, long step) {
    refresh();
    Long used = totpSteps.get(user);
    if (used != null && step <= used) {
      return false;
    }
    totpSteps.put(user, step);
    save();
    return true;
  }

  /** An admin lifts a lock (with a password reset). */
  synchronized void unlock(String user) {
    succeeded(user);
  }

  private void save() {
    if (file == null) {
      return;
    }
    Instant now = clock.instant();
    // a lock that has run out counts nothing any more (the next failure starts at 1)
    byUser.values().removeIf(f -> f.lockedUntil() != null && !now.isBefore(f.lockedUntil()));
    if (byUser.size() > MAX_NAMES) {
      byUser.entrySet().stream().filter(e -> e.getValue().lockedUntil() == null)
          .sorted(Comparator.comparing(e -> e.getValue().last()))
          .limit(byUser.size() - MAX_NAMES).map(Map.Entry::getKey).toList().forEach(byUser::remove);
    }
    try {
      file.write(JSON.writeValueAsBytes(new Stored(FORMAT, new TreeMap<>(byUser), new TreeMap<>(totpSteps))));
      seen = modified();
    } catch (IOException e) {
      // Refuse the sign-in rather than answer with a count that a restart would forget.
      throw new UncheckedIOException("cannot keep the sign-in state in " + file.path(), e);
    }
  }
}
