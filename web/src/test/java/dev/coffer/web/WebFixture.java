package dev.coffer.web;

import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.search.SearchIndex;
import dev.coffer.web.auth.Authenticator;
import dev.coffer.web.auth.Passwords;
import dev.coffer.web.auth.Role;
import dev.coffer.web.auth.UserStore;
import io.javalin.Javalin;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real archive, search index and user database in a temporary directory, with the demo
 * conversations, served by the web app on a free local port. Users: admin, reviewer (barrier: the
 * FX desk group only), auditor; each with password {@link #PASSWORD}.
 */
final class WebFixture implements AutoCloseable {
  static final String PASSWORD = "correct horse battery";
  /** The firm's handles (the directory): Sam Trader of the FX desk, and 陈杰 of the WeChat group. */
  static final Set<String> FIRM = Set.of("+44 7700 900001", "wxid_chenjie");
  final Path dir;
  final Archive archive;
  final SearchIndex index;
  final UserStore users;
  final MutableClock clock;
  final WebContext context;
  Javalin server;
  String base;

  WebFixture(Path dir, WebSettings settings) throws IOException {
    this(dir, settings, null, new MutableClock(Instant.now()));
  }

  /**
   * A fixture whose app sees {@code health} as the server's capture health (null: the app runs
   * without {@code coffer serve}); {@code clock} is the app's clock (the health's too, if it has one).
   */
  WebFixture(Path dir, WebSettings settings, dev.coffer.server.CaptureHealth health, MutableClock clock)
      throws IOException {
    this.dir = dir;
    this.clock = clock;
    archive = Archives.create(dir, ArchiveOptions.defaults());
    index = SearchIndex.open(dir.resolve("index"), dev.coffer.search.SearchOptions.defaults(), archive.encryption());
    archive.addCommitListener(index);
    DemoConversations.append(archive);
    index.refresh();
    users = UserStore.open(dir, new Passwords(8 * 1024, 1), clock);
    for (String[] u : new String[][] {{"admin", "admin"}, {"rita", "reviewer"}, {"aude", "auditor"}, {"sol", "supervisor"},
        {"lena", "legal"}}) {
      users.add(u[0], Role.parse(u[1]));
      users.setPassword(u[0], PASSWORD.toCharArray());
    }
    users.update("rita", u -> u.withAssignments(new dev.coffer.web.auth.Assignments(Set.of(),
        Set.of(DemoConversations.DESK_ID), Set.of())));
    context = new WebContext(dir, archive, index, users, Authenticator.local(users), clock, settings, health,
        FIRM);
    server = WebApp.start(context, "127.0.0.1", 0);
    base = "http://127.0.0.1:" + server.port();
  }

  /**
   * Stops the web app and starts a new one on the same data directory, as a server restart does
   * (sessions and everything else kept in memory are gone); {@link #base} changes.
   */
  void restart() throws IOException {
    server.stop();
    server = WebApp.start(context, "127.0.0.1", 0);
    base = "http://127.0.0.1:" + server.port();
  }

  WebFixture(Path dir) throws IOException {
    this(dir, WebSettings.defaults());
  }

  @Override
  public void close() throws IOException {
    server.stop();
    index.close();
    archive.close();
  }

  /** A clock tests move forward (session expiry, TOTP steps, lockout). */
  static final class MutableClock extends Clock {
    private final AtomicReference<Instant> now;

    MutableClock(Instant start) {
      now = new AtomicReference<>(start);
    }

    void advance(Duration d) {
      now.updateAndGet(t -> t.plus(d));
    }

    @Override
    public Instant instant() {
      return now.get();
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
