package dev.coffer.web;

import dev.coffer.archive.Archive;
import dev.coffer.search.SearchIndex;
import dev.coffer.server.CaptureHealth;
import dev.coffer.web.auth.Authenticator;
import dev.coffer.web.auth.UserStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

/**
 * What the web app works on: the open archive and its search index (kept in step by the caller),
 * the user database, how people authenticate, the clock, and the sign-in settings.
 *
 * @param dataDir the archive's data directory (verification reads it)
 * @param archive the open archive; the app appends audit records to it
 * @param index the search index, subscribed to the archive's commits
 * @param users the local user database
 * @param authenticator how a sign-in is checked (local passwords; OIDC plugs in here)
 * @param clock the time for sessions, TOTP and audit records (tests control it)
 * @param settings sign-in and session settings
 * @param health capture health of the server the app runs in, or null when it runs without
 *     {@code coffer serve} (the admin page then says no capture endpoints are configured)
 * @param firm the handles of the firm's own people and numbers (the directory in force: its
 *     employees' phone numbers, WhatsApp numbers, OpenIDs, WeCom user ids), asked on each use so a
 *     directory import takes effect at once: a record they sent is outbound in the search page's
 *     direction filter ({@link dev.coffer.search.SearchRequest#firmHandles()})
 */
public record WebContext(Path dataDir, Archive archive, SearchIndex index, UserStore users,
    Authenticator authenticator, Clock clock, WebSettings settings, CaptureHealth health,
    java.util.function.Supplier<java.util.Set<String>> firm) {
  public WebContext {
    firm = firm == null ? java.util.Set::of : firm;
    Objects.requireNonNull(archive, "archive");
    Objects.requireNonNull(index, "index");
    Objects.requireNonNull(users, "users");
    Objects.requireNonNull(authenticator, "authenticator");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(settings, "settings");
  }

  /** A context whose firm's handles are fixed (tests, the benchmark). */
  public WebContext(Path dataDir, Archive archive, SearchIndex index, UserStore users,
      Authenticator authenticator, Clock clock, WebSettings settings, CaptureHealth health,
      java.util.Set<String> firmHandles) {
    this(dataDir, archive, index, users, authenticator, clock, settings, health, fixed(firmHandles));
  }

  private static java.util.function.Supplier<java.util.Set<String>> fixed(java.util.Set<String> handles) {
    java.util.Set<String> copy = handles == null ? java.util.Set.of() : java.util.Set.copyOf(handles);
    return () -> copy;
  }

  /** The firm's handles now. */
  public java.util.Set<String> firmHandles() {
    return firm.get();
  }

  /** A context without a directory: only what records show themselves makes them outbound. */
  public WebContext(Path dataDir, Archive archive, SearchIndex index, UserStore users,
      Authenticator authenticator, Clock clock, WebSettings settings, CaptureHealth health) {
    this(dataDir, archive, index, users, authenticator, clock, settings, health, fixed(null));
  }

  /** A context without capture health: the web app on its own (tests, the benchmark). */
  public WebContext(Path dataDir, Archive archive, SearchIndex index, UserStore users,
      Authenticator authenticator, Clock clock, WebSettings settings) {
    this(dataDir, archive, index, users, authenticator, clock, settings, null, fixed(null));
  }
}
