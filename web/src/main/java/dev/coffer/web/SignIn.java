package dev.coffer.web;

import dev.coffer.web.auth.Authenticator;
import dev.coffer.web.auth.Passwords;
import dev.coffer.web.auth.Totp;
import dev.coffer.web.auth.User;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sign-in (password, then TOTP when enrolled), sign-out, the account page (password change, TOTP
 * enrollment) and break-glass. Every outcome — success, failure, lockout, break-glass — is an audit
 * record; a failed attempt says the same whatever was wrong.
 */
final class SignIn {
  private static final String GENERIC = "The user name or password is not right, or the account is locked or disabled.";
  private final WebApp app;
  /** Secrets offered during enrollment, until confirmed with a code. */
  private final Map<String, String> offered = new ConcurrentHashMap<>();

  SignIn(WebApp app) {
    this.app = app;
  }

  void routes(RoutesConfig r) {
    r.get("/login", this::loginPage);
    r.post("/login", this::login);
    r.get("/login/totp", ctx -> page(ctx, null, true));
    r.post("/login/totp", this::totp);
    r.post("/logout", this::logout);
    r.get("/account", this::account);
    r.post("/account/password", this::changePassword);
    r.post("/account/totp/start", this::totpStart);
    r.post("/account/totp/confirm", this::totpConfirm);
    r.get("/break-glass", ctx -> breakGlassPage(ctx, null));
    r.post("/break-glass", this::breakGlass);
  }

  private void loginPage(Context ctx) {
    Session s = WebApp.session(ctx);
    if (s.user != null) {
      throw new Redirect("/search");
    }
    page(ctx, "1".equals(ctx.queryParam("expired")) ? "You were signed out after a period of inactivity." : null, false);
  }

  private void page(Context ctx, String error, boolean totpStep) {
    if (totpStep && WebApp.session(ctx).pendingUser == null) {
      throw new Redirect("/login");
    }
    Templates.page(ctx, "login.jte", Map.of("frame", app.frame(ctx, "Sign in", ""),
        "v", new Views.SignInView(error, "", totpStep)));
  }

  private void login(Context ctx) throws IOException {
    String address = ctx.ip();
    String name = trimmed(ctx.formParam("name"));
    char[] password = ctx.formParam("password") == null ? new char[0] : ctx.formParam("password").toCharArray();
    if (!app.throttle.attempt(address)) {
      app.audit.record(name, null, address, "sign-in-refused", List.of(), Map.of("reason", "address over its attempt limit"), false);
      ctx.status(429);
      page(ctx, "Too many sign-in attempts from your address. Wait a few minutes and try again.", false);
      return;
    }
    if (app.throttle.locked(name)) {
      app.audit.record(name, null, address, "sign-in-refused", List.of(), Map.of("reason", "locked"), false);
      ctx.status(401);
      page(ctx, GENERIC, false);
      return;
    }
    Authenticator.Outcome outcome = app.web.authenticator().authenticate(name, password);
    java.util.Arrays.fill(password, '\0');
    switch (outcome) {
      case Authenticator.Outcome.Refused refused -> {
        boolean locked = app.throttle.failed(name);
        Map<String, String> d = new HashMap<>();
        d.put("reason", refused.reason());
        if (locked) {
          d.put("locked", "true");
        }
        app.audit.record(name, null, address, locked ? "lockout" : "sign-in-failed", List.of(), d, false);
        ctx.status(401);
        page(ctx, GENERIC, false);
      }
      case Authenticator.Outcome.Accepted accepted -> {
        User u = accepted.user();
        Session s = WebApp.session(ctx);
        if (u.totpEnrolled()) {
          s.pendingUser = u.name();
          throw new Redirect("/login/totp");
        }
        finish(ctx, s, u, "password");
      }
    }
  }

  private void totp(Context ctx) throws IOException {
    Session s = WebApp.session(ctx);
    String name = s.pendingUser;
    if (name == null) {
      throw new Redirect("/login");
    }
    String address = ctx.ip();
    if (!app.throttle.attempt(address) || app.throttle.locked(name)) {
      s.pendingUser = null;
      app.audit.record(name, null, address, "sign-in-refused", List.of(), Map.of("reason", "locked or rate limited"), false);
      ctx.status(429);
      page(ctx, "Too many attempts. Wait a few minutes and sign in again.", false);
      return;
    }
    User u = app.web.users().find(name).orElse(null);
    Instant now = app.web.clock().instant();
    OptionalLong step = u == null || u.totpSecret() == null ? OptionalLong.empty()
        : Totp.matchingStep(u.totpSecret(), ctx.formParam("code"), now);
    // the step is kept (durably, in the sign-in state) before the sign-in is answered: a code works
    // once, also after a restart
    boolean accepted = step.isPresent() && !u.disabled() && app.throttle.acceptTotpStep(name, step.getAsLong());
    if (!accepted) {
      boolean locked = app.throttle.failed(name);
      app.audit.record(name, null, address, locked ? "lockout" : "sign-in-failed", List.of(),
          Map.of("reason", step.isEmpty() ? "wrong code" : u.disabled() ? "disabled" : "code already used"), false);
      ctx.status(401);
      if (locked) {
        s.pendingUser = null;
        page(ctx, GENERIC, false);
      } else {
        page(ctx, "That code is not right. Enter the current code from your authenticator app.", true);
      }
      return;
    }
    s.pendingUser = null;
    finish(ctx, s, u, "password+totp");
  }

  private void finish(Context ctx, Session old, User u, String method) throws IOException {
    app.throttle.succeeded(u.name());
    Session s = app.sessions.signIn(old, u.name());
    app.setCookie(ctx, s);
    ctx.attribute("session", s);
    app.audit.record(u.name(), u.role().label(), ctx.ip(), "sign-in", List.of(), Map.of("method", method), false);
    throw new Redirect(u.mustChangePassword() || (u.totpRequired() && !u.totpEnrolled()) ? "/account" : "/search");
  }

  private void logout(Context ctx) throws IOException {
    Session s = WebApp.session(ctx);
    User u = ctx.attribute("user");
    if (u != null) {
      app.audit.record(u.name(), u.role().label(), ctx.ip(), "sign-out", List.of(), Map.of(), false);
    }
    app.sessions.end(s);
    Session fresh = app.sessions.create();
    app.setCookie(ctx, fresh);
    throw new Redirect("/login");
  }

  // ------------------------------------------------------------------ account

  private void account(Context ctx) {
    accountPage(ctx, null, null);
  }

  private void accountPage(Context ctx, String error, String message) {
    User u = WebApp.user(ctx);
    String secret = offered.get(u.name());
    Templates.page(ctx, "account.jte", Map.of("frame", app.frame(ctx, "Your account", "account"),
        "v", new Views.AccountView(u.name(), u.role().label(), u.mustChangePassword(), u.totpEnrolled(),
            u.totpRequired(), secret, secret == null ? null : Totp.uri("Coffer", u.name(), secret), error, message)));
  }

  private void changePassword(Context ctx) throws IOException {
    User u = WebApp.user(ctx);
    char[] current = chars(ctx.formParam("current"));
    char[] next = chars(ctx.formParam("password"));
    char[] again = chars(ctx.formParam("again"));
    try {
      if (!app.web.users().passwords().verify(current, u.passwordHash())) {
        ctx.status(400);
        accountPage(ctx, "Your current password is not right.", null);
        return;
      }
      if (!java.util.Arrays.equals(next, again)) {
        ctx.status(400);
        accountPage(ctx, "The two new passwords differ.", null);
        return;
      }
      String weak = Passwords.weakness(next);
      if (weak != null) {
        ctx.status(400);
        accountPage(ctx, weak, null);
        return;
      }
      User changed = app.web.users().setPassword(u.name(), next);
      ctx.attribute("user", changed);
      app.audit(ctx, "password-changed", List.of(), Map.of("user", u.name()));
      if (changed.totpRequired() && !changed.totpEnrolled()) {
        accountPage(ctx, null, "Password changed. Your administrator requires a second factor: set it up below.");
        return;
      }
      throw new Redirect("/search");
    } finally {
      java.util.Arrays.fill(current, '\0');
      java.util.Arrays.fill(next, '\0');
      java.util.Arrays.fill(again, '\0');
    }
  }

  private void totpStart(Context ctx) {
    User u = WebApp.user(ctx);
    offered.put(u.name(), Totp.newSecret());
    accountPage(ctx, null, "Add this key to your authenticator app, then enter the code it shows.");
  }

  private void totpConfirm(Context ctx) throws IOException {
    User u = WebApp.user(ctx);
    String secret = offered.get(u.name());
    if (secret == null) {
      throw new Redirect("/account");
    }
    OptionalLong step = Totp.matchingStep(secret, ctx.formParam("code"), app.web.clock().instant());
    if (step.isEmpty()) {
      ctx.status(400);
      accountPage(ctx, "That code is not right. Check the key in your app and enter the current code.", null);
      return;
    }
    offered.remove(u.name());
    // the enrolling code is used up too; false only means a later step was already used (an earlier
    // secret), which stays the mark
    app.throttle.acceptTotpStep(u.name(), step.getAsLong());
    User changed = app.web.users().update(u.name(), x -> x.withTotp(secret, x.totpRequired()));
    ctx.attribute("user", changed);
    app.audit(ctx, "totp-enrolled", List.of(), Map.of("user", u.name()));
    if (changed.mustChangePassword()) {
      accountPage(ctx, null, "Second factor set up. Now choose your own password.");
      return;
    }
    accountPage(ctx, null, "Second factor set up: sign-in now asks for a code.");
  }

  // ------------------------------------------------------------------ break-glass

  private void breakGlassPage(Context ctx, String error) {
    Templates.page(ctx, "breakglass.jte", Map.of("frame", app.frame(ctx, "Emergency access", ""),
        "v", new Views.BreakGlassView(error, Long.toString(app.web.settings().breakGlass().toMinutes()))));
  }

  private void breakGlass(Context ctx) throws IOException {
    User u = WebApp.user(ctx);
    if (!u.role().confinedByBarrier()) {
      breakGlassPage(ctx, "Your role already sees every conversation; emergency access does not apply.");
      return;
    }
    String reason = trimmed(ctx.formParam("reason"));
    if (reason.length() < 15) {
      ctx.status(400);
      breakGlassPage(ctx, "Give the reason in at least 15 characters: it goes into the audit trail.");
      return;
    }
    Session s = WebApp.session(ctx);
    Instant until = app.web.clock().instant().plus(app.web.settings().breakGlass());
    s.breakGlassUntil = until;
    s.breakGlassReason = reason;
    app.audit.record(u.name(), u.role().label(), ctx.ip(), "break-glass", List.of(),
        Map.of("reason", reason, "until", until.toString()), true);
    throw new Redirect("/search");
  }

  private static String trimmed(String s) {
    return s == null ? "" : s.strip();
  }

  private static char[] chars(String s) {
    return s == null ? new char[0] : s.toCharArray();
  }
}
