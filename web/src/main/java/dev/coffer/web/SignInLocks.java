package dev.coffer.web;

import dev.coffer.archive.crypto.Encryption;
import dev.coffer.web.auth.SealedFile;
import dev.coffer.web.auth.UserStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;

/**
 * The web sign-in's per-name failure count and lock ({@code web/sign-in.sealed}), for other ways in:
 * the command line's {@code --as USER} checks the lock, counts its failures and clears the count on
 * success in the same file, so a name locked on one side is locked on the other. Each instance reads
 * the file when opened; a running server re-reads it when it changed.
 */
public final class SignInLocks {
  private final SignInThrottle throttle;

  private SignInLocks(SignInThrottle throttle) {
    this.throttle = throttle;
  }

  /** The sign-in state of the archive in {@code dataDir}, sealed with its {@code encryption}, under the default settings. */
  public static SignInLocks open(Path dataDir, Encryption encryption, Clock clock) throws IOException {
    return new SignInLocks(new SignInThrottle(clock, WebSettings.defaults(), file(dataDir, encryption)));
  }

  /** The file the per-name state is kept in. */
  static SealedFile file(Path dataDir, Encryption encryption) {
    return new SealedFile(dataDir.resolve(UserStore.DIR).resolve(encryption.enabled()
        ? SignInThrottle.FILE : SignInThrottle.PLAIN_FILE), encryption, "web/sign-in");
  }

  /** True while {@code user} is locked. */
  public boolean locked(String user) {
    return throttle.locked(user);
  }

  /** Until when {@code user} is locked, or null. */
  public Instant lockedUntil(String user) {
    return throttle.lockedUntil(user);
  }

  /** Counts a failure, durably; @return true when this failure locked the name */
  public boolean failed(String user) {
    return throttle.failed(user);
  }

  /** A successful sign-in: the count starts again. */
  public void succeeded(String user) {
    throttle.succeeded(user);
  }
}
