package dev.coffer.web;

import dev.coffer.web.auth.User;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.HttpStatus;
import io.javalin.http.SameSite;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reviewer web app: sign-in, roles and information barriers, search, conversations in their
 * native look, record detail with proofs, administration and the audit trail.
 *
 * <p>{@link #install} adds the app's routes and guards to a Javalin configuration, so the server that
 * hosts webhooks and the API can mount it; {@link #start} runs it alone (tests, the demo).
 *
 * <p>Every request passes one guard before any page: security headers; the session (created
 * anonymous, replaced at sign-in); a CSRF token check on every state-changing request; sign-in
 * required outside the sign-in pages and static assets; a forced password change and TOTP
 * enrollment when due. Pages then check the user's role and information barrier themselves, on the
 * server, for every query and every fetch.
 *
 * <p>No debug, heap-dump, environment or metrics endpoint exists here.
 */
public final class WebApp {
  static final String SESSION_COOKIE = "coffer_session";
  private static final Logger LOG = LoggerFactory.getLogger(WebApp.class);
  private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
      + "media-src 'self'; font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
      + "frame-ancestors 'none'";
  private static final Set<String> OPEN = Set.of("/login", "/login/totp");
  /** The paths this app owns; the server's own endpoints (capture webhooks, health, status) pass untouched. */
  private static final java.util.List<String> OWNED = java.util.List.of("/login", "/logout", "/account",
      "/break-glass", "/search", "/conversations", "/c/", "/r/", "/admin", "/audit", "/static/");

  static boolean owns(String path) {
    if (path.equals("/")) {
      return true;
    }
    for (String p : OWNED) {
      if (path.equals(p) || path.startsWith(p.endsWith("/") ? p : p + "/")) {
        return true;
      }
    }
    return false;
  }
  private static final Map<String, String[]> STATIC = Map.of(
      "/static/htmx.min.js", new String[] {"META-INF/resources/webjars/htmx.org/2.0.8/dist/htmx.min.js", "text/javascript; charset=utf-8"},
      "/static/app.js", new String[] {"dev/coffer/web/static/app.js", "text/javascript; charset=utf-8"},
      "/static/app.css", new String[] {"dev/coffer/web/static/app.css", "text/css; charset=utf-8"});

  final WebContext web;
  final Sessions sessions;
  final SignInThrottle throttle;
  final AuditTrail audit;

  private WebApp(WebContext web) throws IOException {
    this.web = web;
    this.sessions = new Sessions(web.clock(), web.settings());
    this.throttle = web.dataDir() == null
        ? new SignInThrottle(web.clock(), web.settings())
        : new SignInThrottle(web.clock(), web.settings(), SignInLocks.file(web.dataDir(), web.archive().encryption()));
    this.audit = new AuditTrail(web.archive(), web.clock());
  }

  /** Adds the web app to a Javalin configuration. */
  public static void install(JavalinConfig config, WebContext web) throws IOException {
    new WebApp(web).routes(config);
  }

  /** Starts the web app alone on {@code host:port} (0 picks a free port; {@code app.port()} tells which). */
  public static Javalin start(WebContext web, String host, int port) throws IOException {
    WebApp webApp = new WebApp(web);
    Javalin app = Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      webApp.routes(config);
    });
    return app.start(host, port);
  }

  private void routes(JavalinConfig config) {
    var r = config.routes;
    SignIn signIn = new SignIn(this);
    SearchPages search = new SearchPages(this);
    ConversationPage conversation = new ConversationPage(this);
    RecordPages records = new RecordPages(this);
    AdminPages admin = new AdminPages(this);

    r.before(this::guard);
    STATIC.forEach((path, res) -> r.get(path, ctx -> asset(ctx, res[0], res[1])));
    r.get("/", ctx -> { throw new Redirect("/search"); });
    signIn.routes(r);
    search.routes(r);
    conversation.routes(r);
    records.routes(r);
    admin.routes(r);

    r.exception(Redirect.class, (e, ctx) -> ctx.redirect(e.location, HttpStatus.SEE_OTHER));
    r.exception(Refusal.class, (e, ctx) -> error(ctx, e.status, e.getMessage()));
    r.exception(IllegalArgumentException.class, (e, ctx) -> {
      if (owns(ctx.path())) {
        error(ctx, 400, e.getMessage());
      } else {
        ctx.status(500).result("Server error");
      }
    });
    r.exception(Exception.class, (e, ctx) -> {
      LOG.error("request {} {} failed: {}", ctx.method(), ctx.path(), e.toString());
      if (owns(ctx.path())) {
        error(ctx, 500, "Something went wrong on the server; nothing was changed. Try again, or tell your administrator.");
      } else {
        ctx.status(500).result("Server error");
      }
    });
    r.error(404, ctx -> {
      if ((ctx.result() == null || ctx.result().isEmpty()) && !ctx.path().startsWith("/capture")) {
        error(ctx, 404, "There is no such page.");
      }
    });
  }

  // ------------------------------------------------------------------ the guard

  private void guard(Context ctx) throws IOException {
    String path = ctx.path();
    if (!owns(path)) {
      // Not a page of this app (capture webhooks, /health, /status): their own rules apply; an
      // unknown path still gets the headers and, below, no session.
      headers(ctx);
      return;
    }
    headers(ctx);
    if (path.startsWith("/static/")) {
      return;
    }
    Session s = sessions.find(ctx.cookie(SESSION_COOKIE));
    if (s == null) {
      boolean hadCookie = ctx.cookie(SESSION_COOKIE) != null;
      s = sessions.create();
      setCookie(ctx, s);
      if (hadCookie && !OPEN.contains(path) && !"POST".equals(ctx.method().name())) {
        ctx.attribute("session", s);
        throw new Redirect("/login?expired=1");
      }
    }
    ctx.attribute("session", s);
    if (!"GET".equals(ctx.method().name()) && !"HEAD".equals(ctx.method().name())) {
      String sent = ctx.header("X-CSRF-Token");
      if (sent == null) {
        sent = ctx.formParam("_csrf");
      }
      if (sent == null || !MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8), s.csrf.getBytes(StandardCharsets.UTF_8))) {
        throw Refusal.forbidden("This form is out of date or did not come from Coffer (CSRF check). Reload the page and try again.");
      }
    }
    if (OPEN.contains(path)) {
      return;
    }
    if (s.user == null) {
      if ("GET".equals(ctx.method().name())) {
        throw new Redirect("/login");
      }
      throw new Refusal(401, "Please sign in.");
    }
    User u = web.users().find(s.user).orElse(null);
    if (u == null || u.disabled()) {
      sessions.end(s);
      throw new Redirect("/login");
    }
    ctx.attribute("user", u);
    boolean accountPath = path.startsWith("/account") || path.equals("/logout");
    if (!accountPath && (u.mustChangePassword() || (u.totpRequired() && !u.totpEnrolled()))) {
      throw new Redirect("/account");
    }
  }

  private void headers(Context ctx) {
    ctx.header("Content-Security-Policy", CSP);
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("Cross-Origin-Opener-Policy", "same-origin");
    ctx.header("Cross-Origin-Resource-Policy", "same-origin");
    ctx.header("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()");
    if (web.settings().tls()) {
      ctx.header("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    }
  }

  void setCookie(Context ctx, Session s) {
    Cookie c = new Cookie(SESSION_COOKIE, s.id, "/", -1, web.settings().tls(), true, null, SameSite.STRICT);
    ctx.cookie(c);
  }

  private static void asset(Context ctx, String resource, String type) throws IOException {
    try (InputStream in = WebApp.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new Refusal(404, "There is no such page.");
      }
      ctx.header("Cache-Control", "private, max-age=3600");
      ctx.contentType(type);
      ctx.result(in.readAllBytes());
    }
  }

  // ------------------------------------------------------------------ shared by the pages

  static Session session(Context ctx) {
    return ctx.attribute("session");
  }

  static User user(Context ctx) {
    User u = ctx.attribute("user");
    if (u == null) {
      throw new Refusal(401, "Please sign in.");
    }
    return u;
  }

  /** The signed-in user's access, barrier resolved now. */
  Access access(Context ctx) throws IOException {
    Access a = ctx.attribute("access");
    if (a == null) {
      a = Access.of(user(ctx), session(ctx).breakGlassActive(web.clock().instant()), web.index(), web.archive());
      ctx.attribute("access", a);
    }
    return a;
  }

  /** Audits an act of the signed-in user. */
  void audit(Context ctx, String action, java.util.List<String> targets, Map<String, String> detail) throws IOException {
    User u = user(ctx);
    audit.record(u.name(), u.role().label(), ctx.ip(), action, targets, detail,
        session(ctx).breakGlassActive(web.clock().instant()));
  }

  /** The viewer's zone: the browser's (a cookie the page script sets), else UTC. */
  static java.time.ZoneId zone(Context ctx) {
    return Formats.zone(ctx.cookie("coffer_tz"));
  }

  Views.Frame frame(Context ctx, String title, String active) {
    Session s = session(ctx);
    User u = ctx.attribute("user");
    java.time.Instant now = web.clock().instant();
    String bg = s != null && s.breakGlassActive(now) ? Formats.dateTime(s.breakGlassUntil, zone(ctx)) : null;
    String flash = ctx.attribute("flash");
    return new Views.Frame(title, u == null ? null : u.name(), u == null ? null : u.role().label(),
        s == null ? "" : s.csrf, u != null && !u.role().confinedByBarrier(), u != null && u.role().readsAudit(), active, bg,
        zone(ctx).getId(), flash);
  }

  void error(Context ctx, int status, String message) {
    String heading = switch (status) {
      case 400 -> "That request could not be read";
      case 401 -> "Please sign in";
      case 403 -> "Not allowed";
      case 404 -> "Not found";
      case 429 -> "Too many attempts";
      default -> "Something went wrong";
    };
    ctx.status(status);
    Templates.page(ctx, "error.jte", Map.of("frame", frame(ctx, heading, ""),
        "v", new Views.ErrorView(status, heading, message == null ? "" : message)));
  }
}
