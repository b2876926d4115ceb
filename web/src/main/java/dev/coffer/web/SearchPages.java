package dev.coffer.web;

import dev.coffer.archive.StoredRecord;
import dev.coffer.model.Audit;
import dev.coffer.model.Record;
import dev.coffer.search.ConversationSummary;
import dev.coffer.search.ConversationWindow;
import dev.coffer.search.Hit;
import dev.coffer.search.SearchRequest;
import dev.coffer.search.SearchResults;
import dev.coffer.web.auth.User;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The search page (query, filters, highlighted hits with the conversation around them, cursor
 * paging, saved searches), the conversation list, and the audit trail page. Every search is confined
 * by the user's information barrier inside the search request itself, and is audited with its query
 * and filters.
 */
final class SearchPages {
  static final Set<String> CONTENT_KINDS = SearchRequest.KINDS.stream().filter(k -> !k.equals("audit"))
      .collect(Collectors.toUnmodifiableSet());
  private static final List<String> FILTERS = List.of("q", "from", "conversation", "channel", "direction", "since",
      "until", "attachment", "kind", "sort");
  private static final int PAGE = 20;
  private final WebApp app;

  SearchPages(WebApp app) {
    this.app = app;
  }

  void routes(RoutesConfig r) {
    r.get("/search", this::search);
    r.post("/search/save", this::save);
    r.post("/search/forget", this::forget);
    r.get("/conversations", this::conversations);
    r.get("/audit", this::auditPage);
  }

  private void search(Context ctx) throws IOException {
    Access access = app.access(ctx);
    Map<String, String> f = new LinkedHashMap<>();
    for (String k : FILTERS) {
      String v = ctx.queryParam(k);
      f.put(k, v == null ? "" : v.strip());
    }
    boolean searched = f.values().stream().anyMatch(v -> !v.isEmpty());
    List<ConversationSummary> visible = visibleConversations(access);
    String error = null;
    String total = "";
    String next = null;
    List<Views.HitView> hits = new ArrayList<>();
    ZoneId zone = WebApp.zone(ctx);
    if (searched) {
      try {
        SearchRequest.Builder b = SearchRequest.builder().query(f.get("q")).from(f.get("from"))
            .conversation(f.get("conversation")).channel(f.get("channel"))
            .direction(SearchRequest.Direction.parse(f.get("direction"))).firmHandles(app.web.firmHandles())
            .since(date(f.get("since"), zone, 0)).until(date(f.get("until"), zone, 1))
            .hasAttachment(switch (f.get("attachment")) { case "yes" -> Boolean.TRUE; case "no" -> Boolean.FALSE; default -> null; })
            .kinds(f.get("kind").isEmpty() ? CONTENT_KINDS : Set.of(content(f.get("kind"))))
            .sort(sort(f.get("sort"))).limit(PAGE).after(blankToNull(ctx.queryParam("after")))
            .highlight(Texts.PRE, Texts.POST);
        SearchRequest request = access.confine(b).build();
        // restricted records count nowhere for this user: not in the hits, not in the total
        SearchResults results = app.web.index().search(request, access.restricted());
        total = results.totalExact() ? String.format("%,d", results.totalHits())
            : String.format("more than %,d", results.totalHits());
        for (Hit h : results.hits()) {
          if (!access.hiddenByRestriction(h.id())) {
            hits.add(hit(h, zone, access));
          }
        }
        if (results.nextCursor() != null) {
          next = "/search?" + queryString(f) + "&after=" + enc(results.nextCursor());
        }
        Map<String, String> detail = new LinkedHashMap<>();
        f.forEach((k, v) -> {
          if (!v.isEmpty()) {
            detail.put(k.equals("q") ? "query" : k, v);
          }
        });
        if (ctx.queryParam("after") != null) {
          detail.put("page", "next");
        }
        detail.put("hits", Long.toString(results.totalHits()));
        app.audit(ctx, "search", hits.stream().map(h -> h.recordUrl().substring(3)).toList(), detail);
      } catch (IllegalArgumentException e) {
        error = e.getMessage();
        ctx.status(400);
      }
    }
    User u = WebApp.user(ctx);
    List<Views.Saved> saved = u.savedSearches().stream()
        .map(s -> new Views.Saved(s.label(), "/search?" + s.query())).toList();
    List<Views.Option> convOptions = new ArrayList<>();
    convOptions.add(new Views.Option("", "Any conversation", f.get("conversation").isEmpty()));
    for (ConversationSummary c : visible) {
      convOptions.add(new Views.Option(c.id(), title(c) + " (" + c.channel() + ")", c.id().equals(f.get("conversation"))));
    }
    List<Views.Option> channels = new ArrayList<>();
    channels.add(new Views.Option("", "Any channel", f.get("channel").isEmpty()));
    visible.stream().map(ConversationSummary::channel).filter(c -> c != null).distinct().sorted()
        .forEach(c -> channels.add(new Views.Option(c, c, c.equals(f.get("channel")))));
    List<Views.Option> kinds = new ArrayList<>();
    kinds.add(new Views.Option("", "Any kind", f.get("kind").isEmpty()));
    CONTENT_KINDS.stream().sorted().forEach(k -> kinds.add(new Views.Option(k, k, k.equals(f.get("kind")))));
    Views.SearchView v = new Views.SearchView(f.get("q"), f.get("from"), f.get("conversation"), f.get("channel"),
        f.get("direction"), f.get("since"), f.get("until"), f.get("attachment"), f.get("kind"), f.get("sort"), convOptions, channels,
        kinds, searched, error, total, hits, next, ctx.queryParam("after") != null ? "/search?" + queryString(f) : null,
        saved, queryString(f), !access.unconfined());
    Templates.page(ctx, "search.jte", Map.of("frame", app.frame(ctx, searched && !f.get("q").isEmpty()
        ? f.get("q") + " – Search" : "Search", "search"), "v", v));
  }

  private Views.HitView hit(Hit h, ZoneId zone, Access access) throws IOException {
    List<Views.ContextLine> before = new ArrayList<>();
    List<Views.ContextLine> after = new ArrayList<>();
    if (h.conversationId() != null) {
      Optional<ConversationWindow> w = app.web.index().around(h.serial(), 1);
      if (w.isPresent()) {
        List<Long> s = w.get().serials();
        for (int i = 0; i < s.size(); i++) {
          if (i == w.get().targetIndex()) {
            continue;
          }
          Optional<StoredRecord> sr = app.web.archive().get(s.get(i));
          if (sr.isEmpty() || !access.mayRead(sr.get().record())) {
            continue;
          }
          Record r = sr.get().record();
          Views.ContextLine line = new Views.ContextLine(r.sender() == null ? "" : Formats.who(r.sender().name(), r.sender().handle()),
              Texts.preview(r), Formats.time(r.sentAt(), zone));
          (i < w.get().targetIndex() ? before : after).add(line);
        }
      }
    }
    List<Views.Segment> snippet = Texts.segments(h.snippet());
    return new Views.HitView("/r/" + h.id(), h.conversationId() == null ? null : "/c/" + h.conversationId() + "?at=" + h.serial() + "#r-" + h.id(),
        h.conversationTitle() == null ? "(untitled)" : h.conversationTitle(), h.channel(), h.kind(),
        Formats.who(h.senderName(), h.senderHandle()), Formats.dateTime(h.sentAt(), zone), Formats.utc(h.sentAt()),
        snippet, before, after);
  }

  private void save(Context ctx) throws IOException {
    User u = WebApp.user(ctx);
    String label = ctx.formParam("label");
    String query = ctx.formParam("query");
    List<User.SavedSearch> list = new ArrayList<>(u.savedSearches());
    list.removeIf(s -> s.label().equals(label == null ? "" : label.strip()));
    list.add(new User.SavedSearch(label, query));
    if (list.size() > 50) {
      throw new IllegalArgumentException("A user keeps at most 50 saved searches; forget one first.");
    }
    app.web.users().update(u.name(), x -> x.withSavedSearches(list));
    throw new Redirect("/search?" + (query == null ? "" : query));
  }

  private void forget(Context ctx) throws IOException {
    User u = WebApp.user(ctx);
    String label = ctx.formParam("label");
    List<User.SavedSearch> list = new ArrayList<>(u.savedSearches());
    list.removeIf(s -> s.label().equals(label));
    app.web.users().update(u.name(), x -> x.withSavedSearches(list));
    throw new Redirect("/search");
  }

  // ------------------------------------------------------------------ conversations

  /**
   * The conversations this user may read, with record counts that leave out what the user may not
   * see (restricted records): counts, first and last times and titles come from the visible
   * records only, and a conversation of restricted records only is not listed.
   */
  List<ConversationSummary> visibleConversations(Access access) throws IOException {
    return app.web.index().conversations(access.restricted()).stream()
        .filter(c -> access.mayReadConversation(c.id())).toList();
  }

  private void conversations(Context ctx) throws IOException {
    Access access = app.access(ctx);
    ZoneId zone = WebApp.zone(ctx);
    List<Map<String, String>> rows = new ArrayList<>();
    List<ConversationSummary> visible = visibleConversations(access);
    for (ConversationSummary c : visible) {
      Map<String, String> row = new TreeMap<>();
      row.put("url", "/c/" + c.id());
      row.put("title", title(c));
      row.put("channel", c.channel() == null ? "" : c.channel());
      row.put("kind", c.kind() == null ? "" : c.kind());
      row.put("records", String.format("%,d", c.records()));
      row.put("first", Formats.dateTime(c.first(), zone));
      row.put("last", Formats.dateTime(c.last(), zone));
      rows.add(row);
    }
    app.audit(ctx, "list-conversations", List.of(), Map.of("count", Integer.toString(visible.size())));
    Templates.page(ctx, "conversations.jte", Map.of("frame", app.frame(ctx, "Conversations", "conversations"),
        "rows", rows, "confined", !access.unconfined()));
  }

  static String title(ConversationSummary c) {
    return c.title() == null || c.title().isBlank() ? "(untitled " + c.kind() + ")" : c.title();
  }

  // ------------------------------------------------------------------ audit trail

  private void auditPage(Context ctx) throws IOException {
    User u = WebApp.user(ctx);
    if (!u.role().readsAudit()) {
      throw Refusal.forbidden("Only auditors and administrators read the audit trail.");
    }
    String q = blank(ctx.queryParam("q"));
    String action = blank(ctx.queryParam("action"));
    ZoneId zone = WebApp.zone(ctx);
    List<Views.AuditRow> rows = new ArrayList<>();
    String error = null;
    String total = "";
    String next = null;
    try {
      String text = q;
      if (!action.isEmpty()) {
        if (!action.matches("[a-z-]{1,40}")) {
          throw new IllegalArgumentException("action: '" + action + "' is not an action name");
        }
        text = (q.isEmpty() ? "" : "(" + q + ") AND ") + "\"" + action.replace('-', ' ') + "\"";
      }
      SearchResults res = app.web.index().search(SearchRequest.builder().query(text).kinds("audit")
          .sort(SearchRequest.Sort.NEWEST).limit(50).after(blankToNull(ctx.queryParam("after"))).build());
      total = res.totalExact() ? String.format("%,d", res.totalHits()) : String.format("more than %,d", res.totalHits());
      for (Hit h : res.hits()) {
        Optional<StoredRecord> sr = app.web.archive().get(h.serial());
        if (sr.isEmpty() || !(sr.get().record() instanceof Audit a)) {
          continue;
        }
        if (!action.isEmpty() && !a.action().equals(action)) {
          continue;
        }
        String detail = a.detail() == null ? "" : new TreeMap<>(a.detail()).entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
        rows.add(new Views.AuditRow(Formats.dateTime(a.sentAt(), zone), Formats.utc(a.sentAt()),
            a.sender().handle() != null ? a.sender().handle() : a.sender().name(), a.action(),
            a.targets() == null ? "" : a.targets().size() + (a.targets().size() == 1 ? " record" : " records"),
            detail, a.address() == null ? "" : a.address(), "/r/" + a.id()));
      }
      if (res.nextCursor() != null) {
        next = "/audit?q=" + enc(q) + "&action=" + enc(action) + "&after=" + enc(res.nextCursor());
      }
      app.audit(ctx, "view-audit", List.of(), Map.of("query", q, "action", action));
    } catch (IllegalArgumentException e) {
      error = e.getMessage();
      ctx.status(400);
    }
    List<Views.Option> actions = new ArrayList<>();
    actions.add(new Views.Option("", "Any action", action.isEmpty()));
    for (String a : List.of("search", "view-conversation", "view-record", "attachment", "proof", "sign-in",
        "sign-in-failed", "lockout", "sign-out", "break-glass", "user-added", "user-changed", "password-reset",
        "list-conversations", "view-audit", "verify", "import")) {
      actions.add(new Views.Option(a, a, a.equals(action)));
    }
    Templates.page(ctx, "audit.jte", Map.of("frame", app.frame(ctx, "Audit trail", "audit"),
        "v", new Views.AuditView(q, action, actions, rows, total, next, error)));
  }

  // ------------------------------------------------------------------ helpers

  private static String content(String kind) {
    if (!CONTENT_KINDS.contains(kind)) {
      throw new IllegalArgumentException("kind: '" + kind + "' is not a content record kind");
    }
    return kind;
  }

  private static SearchRequest.Sort sort(String s) {
    return switch (s) {
      case "newest" -> SearchRequest.Sort.NEWEST;
      case "oldest" -> SearchRequest.Sort.OLDEST;
      default -> SearchRequest.Sort.RELEVANCE;
    };
  }

  private static java.time.Instant date(String s, ZoneId zone, int plusDays) {
    if (s.isEmpty()) {
      return null;
    }
    try {
      return LocalDate.parse(s).plusDays(plusDays).atStartOfDay(zone).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("date: '" + s + "' is not a date like 2026-01-31");
    }
  }

  static String queryString(Map<String, String> f) {
    return f.entrySet().stream().filter(e -> !e.getValue().isEmpty())
        .map(e -> e.getKey() + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
  }

  static String enc(String s) {
    return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
  }

  private static String blank(String s) {
    return s == null ? "" : s.strip();
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
