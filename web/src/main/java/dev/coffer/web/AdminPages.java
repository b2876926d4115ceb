package dev.coffer.web;

import dev.coffer.archive.checkpoint.Checkpoint;
import dev.coffer.archive.retention.HoldScope;
import dev.coffer.archive.retention.LegalHold;
import dev.coffer.archive.retention.RetentionLedger;
import dev.coffer.archive.retention.RetentionPolicy;
import dev.coffer.archive.verify.VerifyListener;
import dev.coffer.archive.verify.VerifyReport;
import dev.coffer.archive.verify.Verifier;
import dev.coffer.search.ConversationSummary;
import dev.coffer.server.CaptureHealth;
import dev.coffer.web.auth.Assignments;
import dev.coffer.web.auth.Role;
import dev.coffer.web.auth.User;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * Administration: users and roles, reviewer assignments (the information barrier), password resets,
 * second-factor enforcement, the archive's verification status, capture health per connector, and
 * retention policies and legal holds. Every change is admin-only and an audit record naming the user
 * changed and what changed (never a password). Administrators, supervisors, legal and auditors may
 * view the page (an {@code admin-view} audit record each time); they see the read-only sections
 * (archive, connectors, retention and holds) and only administrators see the user forms. Reviewers
 * are refused. Retention and holds are shown, never changed here: the CLI changes them and audits it.
 */
final class AdminPages {
  private final WebApp app;
  private final AtomicBoolean verifying = new AtomicBoolean();
  private volatile VerifyReport lastReport;
  private volatile Instant lastVerified;
  private volatile String verifyError;

  AdminPages(WebApp app) {
    this.app = app;
  }

  void routes(RoutesConfig r) {
    r.get("/admin", ctx -> {
      viewer(ctx);
      app.audit(ctx, "admin-view", List.of(), Map.of("page", "admin"));
      page(ctx, null, null, null);
    });
    r.post("/admin/users", this::add);
    r.post("/admin/users/{name}", this::change);
    r.post("/admin/verify", this::verify);
  }

  private User admin(Context ctx) {
    User u = WebApp.user(ctx);
    if (!u.role().administers()) {
      throw Refusal.forbidden("Only administrators manage users.");
    }
    return u;
  }

  /** Everyone but reviewers may view the page's read-only sections (the barrier confines reviewers). */
  private User viewer(Context ctx) {
    User u = WebApp.user(ctx);
    if (u.role().confinedByBarrier()) {
      throw Refusal.forbidden("Reviewers do not see the administration page.");
    }
    return u;
  }

  private void page(Context ctx, String issuedFor, char[] issued, String error) throws IOException {
    boolean administers = viewer(ctx).role().administers();
    List<Views.Option> roles = Arrays.stream(Role.values()).map(r -> new Views.Option(r.label(), r.label(), r == Role.REVIEWER)).toList();
    List<Views.Option> convs = new ArrayList<>();
    Map<String, String> titles = new java.util.HashMap<>();
    for (ConversationSummary c : administers ? app.web.index().conversations() : List.<ConversationSummary>of()) {
      convs.add(new Views.Option(c.id(), SearchPages.title(c) + " (" + c.channel() + ")", false));
      titles.put(c.id(), SearchPages.title(c));
    }
    List<Views.UserRow> rows = new ArrayList<>();
    for (User u : administers ? app.web.users().list() : List.<User>of()) {
      // ids are what is stored; the titles say what they are
      String assigned = u.assignments().conversations().stream().sorted()
          .map(id -> titles.getOrDefault(id, "unknown conversation " + id)).collect(Collectors.joining(", "));
      rows.add(new Views.UserRow(u.name(), u.role().label(), u.totpEnrolled(), u.totpRequired(), u.disabled(),
          u.mustChangePassword(), String.join(", ", u.assignments().people()),
          String.join(", ", u.assignments().conversations()), assigned, String.join(", ", u.assignments().channels()),
          Arrays.stream(Role.values()).map(r -> new Views.Option(r.label(), r.label(), r == u.role())).toList()));
    }
    Checkpoint cp = app.web.archive().latestCheckpoint();
    VerifyReport rep = lastReport;
    String status;
    if (verifying.get()) {
      status = "Verifying now…";
    } else if (verifyError != null) {
      status = "Verification could not run: " + verifyError;
    } else if (rep == null) {
      status = "Not verified since the server started.";
    } else if (rep.ok()) {
      status = String.format("All well: %,d records, %,d segments, %,d checkpoints, %,d blobs re-read and re-hashed; root %s",
          rep.records(), rep.segments(), rep.checkpoints(), rep.blobs(), rep.rootHex());
    } else {
      status = rep.problems().size() + " problem(s): " + rep.problems().stream().limit(5).map(Object::toString)
          .collect(Collectors.joining("; "));
    }
    Views.AdminView v = new Views.AdminView(rows, roles, issuedFor, issued == null ? null : new String(issued),
        app.web.archive().size(), cp.rootHex(), Formats.utc(Instant.ofEpochMilli(cp.time())), status,
        lastVerified == null ? "" : Formats.dateTime(lastVerified, WebApp.zone(ctx)), rep != null && rep.ok(),
        app.web.index().count(dev.coffer.search.SearchRequest.builder().build()), convs, error, administers, connectors(), retention(ctx));
    if (issued != null) {
      Arrays.fill(issued, '\0');
    }
    Templates.page(ctx, "admin.jte", Map.of("frame", app.frame(ctx, "Administration", "admin"), "v", v));
  }

  /** Capture health per connector, or null when the app runs without {@code coffer serve}. */
  private List<Views.ConnectorRow> connectors() {
    CaptureHealth health = app.web.health();
    if (health == null) {
      return null;
    }
    List<Views.ConnectorRow> out = new ArrayList<>();
    health.snapshot().forEach((name, s) -> out.add(new Views.ConnectorRow(name,
        s.lastRecord() == null ? "none since the server started" : Formats.utc(s.lastRecord()), s.records(),
        s.duplicates(), s.unparsed(), s.signatureFailures(), s.refused(), s.failures(), s.mediaPending(),
        s.sequenceGaps(), duration(Duration.ofMillis(s.lagMillis())), duration(s.silenceWindow()), s.silent(),
        s.alerts())));
    return out;
  }

  private Views.RetentionView retention(Context ctx) throws IOException {
    RetentionLedger ledger = app.web.archive().retention();
    RetentionPolicy p = ledger.currentPolicy();
    List<String> floors = new ArrayList<>();
    p.floors().entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> floors.add(e.getKey().jsonName() + ": " + period(e.getValue())));
    List<String> rules = p.rules().stream().map(RetentionPolicy.Rule::describe).toList();
    List<Views.PolicyRow> history = new ArrayList<>();
    for (RetentionLedger.PolicyVersion v : ledger.policies()) {
      history.add(new Views.PolicyRow(v.policy().version(), Formats.dateTime(v.at(), WebApp.zone(ctx)), v.by(), v.reason()));
    }
    List<Views.HoldRow> active = new ArrayList<>();
    List<Views.HoldRow> released = new ArrayList<>();
    for (LegalHold h : ledger.holds()) {
      Views.HoldRow row = new Views.HoldRow(h.id(), h.matter(), h.reason(),
          h.scopes().stream().map(HoldScope::describe).collect(Collectors.joining("; ")),
          Formats.dateTime(h.created(), WebApp.zone(ctx)), h.createdBy(),
          Formats.dateTime(h.released(), WebApp.zone(ctx)), h.releasedBy() == null ? "" : h.releasedBy(),
          h.releaseReason() == null ? "" : h.releaseReason());
      (h.active() ? active : released).add(row);
    }
    return new Views.RetentionView(p.version(), floors, period(p.maximum()), p.defaultClass().jsonName(), rules,
        history, active, released, ledger.restrictions().size(), ledger.disposed().size());
  }

  /** A period as people read it ("6 years", "1 year 6 months"); rules keep the ISO form they are typed in. */
  static String period(java.time.Period p) {
    List<String> parts = new ArrayList<>();
    if (p.getYears() != 0) {
      parts.add(p.getYears() + (p.getYears() == 1 ? " year" : " years"));
    }
    if (p.getMonths() != 0) {
      parts.add(p.getMonths() + (p.getMonths() == 1 ? " month" : " months"));
    }
    if (p.getDays() != 0 || parts.isEmpty()) {
      parts.add(p.getDays() + (p.getDays() == 1 ? " day" : " days"));
    }
    return String.join(" ", parts);
  }

  private static String duration(Duration d) {
    long s = d.toSeconds();
    if (s < 120) {
      return s + " s";
    }
    if (s < 7200) {
      return (s / 60) + " min";
    }
    return (s / 3600) + " h";
  }

  private void add(Context ctx) throws IOException {
    admin(ctx);
    String name = strip(ctx.formParam("name"));
    Role role;
    try {
      role = Role.parse(ctx.formParam("role"));
      User.checkName(name);
    } catch (IllegalArgumentException e) {
      ctx.status(400);
      page(ctx, null, null, e.getMessage());
      return;
    }
    if (app.web.users().find(name).isPresent()) {
      ctx.status(400);
      page(ctx, null, null, "A user named '" + name + "' exists.");
      return;
    }
    char[] otp = app.web.users().add(name, role);
    if ("on".equals(ctx.formParam("totp"))) {
      app.web.users().update(name, u -> u.withTotp(u.totpSecret(), true));
    }
    app.audit(ctx, "user-added", List.of(), Map.of("user", name, "new_role", role.label()));
    page(ctx, name, otp, null);
  }

  private void change(Context ctx) throws IOException {
    User me = admin(ctx);
    String name = ctx.pathParam("name");
    User target = app.web.users().find(name).orElseThrow(() -> new Refusal(404, "There is no such user."));
    String action = strip(ctx.formParam("action"));
    Map<String, String> detail = new LinkedHashMap<>();
    detail.put("user", name);
    detail.put("change", action);
    char[] issued = null;
    switch (action) {
      case "role" -> {
        Role role = Role.parse(ctx.formParam("role"));
        if (name.equals(me.name()) && role != Role.ADMIN) {
          throw new IllegalArgumentException("You cannot remove your own administrator role; ask another administrator.");
        }
        app.web.users().update(name, u -> u.withRole(role));
        detail.put("from", target.role().label());
        detail.put("to", role.label());
        app.sessions.endAll(name);
      }
      case "disable" -> {
        if (name.equals(me.name())) {
          throw new IllegalArgumentException("You cannot disable yourself.");
        }
        app.web.users().update(name, u -> u.withDisabled(true));
        app.sessions.endAll(name);
      }
      case "enable" -> app.web.users().update(name, u -> u.withDisabled(false));
      case "reset" -> {
        issued = app.web.users().resetPassword(name);
        app.throttle.unlock(name);
        app.sessions.endAll(name);
      }
      case "require-totp" -> app.web.users().update(name, u -> u.withTotp(u.totpSecret(), true));
      case "reset-totp" -> {
        app.web.users().update(name, u -> u.withTotp(null, u.totpRequired()));
        app.sessions.endAll(name);
      }
      case "assign" -> {
        Assignments a = new Assignments(split(ctx.formParam("people")), split(ctx.formParam("conversations")),
            split(ctx.formParam("channels")));
        app.web.users().update(name, u -> u.withAssignments(a));
        detail.put("people", String.join(", ", a.people()));
        detail.put("conversations", String.join(", ", a.conversations()));
        detail.put("channels", String.join(", ", a.channels()));
      }
      default -> throw new IllegalArgumentException("action: '" + action + "' is not a change an administrator can make");
    }
    app.audit(ctx, "reset".equals(action) ? "password-reset" : "user-changed", List.of(), detail);
    page(ctx, issued == null ? null : name, issued, null);
  }

  private void verify(Context ctx) throws IOException {
    admin(ctx);
    if (app.web.dataDir() != null && verifying.compareAndSet(false, true)) {
      app.audit(ctx, "verify", List.of(), Map.of("requested", "web"));
      Thread t = new Thread(() -> {
        try {
          lastReport = Verifier.verify(app.web.dataDir(), VerifyListener.NONE);
          verifyError = null;
        } catch (IOException | RuntimeException e) {
          verifyError = e.getClass().getSimpleName();
        } finally {
          lastVerified = app.web.clock().instant();
          verifying.set(false);
        }
      }, "coffer-web-verify");
      t.setDaemon(true);
      t.start();
    }
    throw new Redirect("/admin");
  }

  private static Set<String> split(String s) {
    Set<String> out = new TreeSet<>();
    if (s != null) {
      for (String part : s.split("[,\\n]")) {
        if (!part.isBlank()) {
          out.add(part.strip());
        }
      }
    }
    return out;
  }

  private static String strip(String s) {
    return s == null ? "" : s.strip();
  }
}
