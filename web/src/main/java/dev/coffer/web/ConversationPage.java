package dev.coffer.web;

import dev.coffer.archive.StoredRecord;
import dev.coffer.model.Attachment;
import dev.coffer.model.Audit;
import dev.coffer.model.Call;
import dev.coffer.model.Completion;
import dev.coffer.model.Consent;
import dev.coffer.model.ConversationKind;
import dev.coffer.model.Delete;
import dev.coffer.model.Edit;
import dev.coffer.model.Message;
import dev.coffer.model.Party;
import dev.coffer.model.Reaction;
import dev.coffer.model.Receipt;
import dev.coffer.model.Record;
import dev.coffer.model.SystemEvent;
import dev.coffer.model.Unparsed;
import dev.coffer.search.ConversationWindow;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A conversation in its native look, one page of records at a time (so a conversation of any length
 * opens as fast as a short one). Reactions, edits, deletions and receipts are shown on the message
 * they point at — looked up on this page and the page after it, where they nearly always are — and as
 * a line of their own when their message is elsewhere. Nothing is hidden: an edited message shows
 * every earlier text, a deleted one shows what was deleted.
 */
final class ConversationPage {
  static final int PAGE = 150;
  /** Records after the page searched for reactions, edits, deletions and receipts of its messages. */
  static final int LOOKAHEAD = 60;
  private final WebApp app;

  ConversationPage(WebApp app) {
    this.app = app;
  }

  void routes(RoutesConfig r) {
    r.get("/c/{id}", this::show);
  }

  private void show(Context ctx) throws IOException {
    String id = ctx.pathParam("id");
    Access access = app.access(ctx);
    if (!access.mayReadConversation(id)) {
      throw Refusal.notFound();
    }
    // The newest record says the conversation exists and names it; no pass over every conversation.
    // (leaving out records this user may not see: a conversation of restricted records only is not found)
    List<dev.coffer.search.Hit> newest = app.web.index().search(dev.coffer.search.SearchRequest.builder()
        .within(java.util.Set.of(id)).sort(dev.coffer.search.SearchRequest.Sort.NEWEST).limit(1).build(),
        access.restricted()).hits();
    if (newest.isEmpty()) {
      throw Refusal.notFound();
    }
    dev.coffer.search.Hit last = newest.get(0);
    ZoneId zone = WebApp.zone(ctx);
    List<Long> serials;
    Long target = null;
    String at = ctx.queryParam("at");
    String after = ctx.queryParam("after");
    String before = ctx.queryParam("before");
    String date = ctx.queryParam("date");
    if (at != null) {
      long serial = serial(at);
      ConversationWindow w = app.web.index().around(serial, PAGE / 2)
          .filter(x -> x.conversationId().equals(id)).orElseThrow(Refusal::notFound);
      serials = w.serials();
      target = serial;
    } else if (after != null) {
      serials = app.web.index().conversationSerialsAfter(serial(after), PAGE);
    } else if (before != null) {
      serials = app.web.index().conversationSerialsBefore(serial(before), PAGE);
    } else if (date != null && !date.isBlank()) {
      try {
        serials = app.web.index().conversationSerials(id, LocalDate.parse(date.strip()).atStartOfDay(zone).toInstant(), PAGE);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("date: '" + date + "' is not a date like 2026-01-31");
      }
      if (serials.isEmpty()) {
        serials = latest(last.serial());
      }
    } else if ("1".equals(ctx.queryParam("first"))) {
      serials = app.web.index().conversationSerials(id, null, PAGE);
    } else {
      serials = latest(last.serial());
    }
    List<Record> records = new ArrayList<>(serials.size());
    List<Long> kept = new ArrayList<>(serials.size());
    for (long s : serials) {
      Optional<StoredRecord> sr = app.web.archive().get(s);
      // Only this conversation's records, and only what this user may read: a serial from elsewhere
      // passed as ?after= or ?before= shows nothing of its own conversation.
      if (sr.isPresent() && sr.get().record().conversation() != null
          && id.equals(sr.get().record().conversation().id()) && access.mayRead(sr.get().record())) {
        records.add(sr.get().record());
        kept.add(s);
      }
    }
    List<Record> lookahead = new ArrayList<>();
    if (!kept.isEmpty()) {
      for (long s : app.web.index().conversationSerialsAfter(kept.get(kept.size() - 1), LOOKAHEAD)) {
        app.web.archive().get(s).map(StoredRecord::record)
            .filter(r -> r instanceof Reaction || r instanceof Edit || r instanceof Delete || r instanceof Receipt
                || r instanceof Completion)
            .ifPresent(lookahead::add);
      }
    }
    String perspective = ctx.queryParam("as");
    String targetId = null;
    if (target != null) {
      int i = kept.indexOf(target);
      targetId = i < 0 ? null : records.get(i).id();
    }
    Render render = new Render(records, lookahead, zone, perspective, targetId, app.web.firmHandles());
    List<Views.Item> items = render.items();
    Optional<ConversationWindow> head = kept.isEmpty() ? Optional.empty() : app.web.index().around(kept.get(0), 0);
    long position = head.map(ConversationWindow::position).orElse(0L);
    long total = head.map(ConversationWindow::total).orElse(0L);
    if (!access.restricted().isEmpty() && !kept.isEmpty()) {
      // "records X–Y of N" counts only what this user may see: restricted records are left out of
      // the total and of the position, so the figures do not reveal that they exist.
      long[] hidden = hiddenBefore(id, kept.get(0), head.map(ConversationWindow::position).orElse(0L), access);
      position -= hidden[0];
      total -= hidden[1];
    }
    Record first = records.isEmpty() ? null : records.get(0);
    String channel = first != null ? first.channel() : last.channel();
    String title = first != null && first.conversation() != null && first.conversation().title() != null
        ? first.conversation().title() : last.conversationTitle() != null ? last.conversationTitle() : "(untitled)";
    boolean group = first != null && first.conversation() != null
        && first.conversation().kind() == dev.coffer.model.ConversationKind.GROUP;
    boolean hasOlder = position > 0;
    boolean hasNewer = position + kept.size() < total;
    String base = "/c/" + id + (perspective == null ? "?" : "?as=" + SearchPages.enc(perspective) + "&");
    String range = kept.isEmpty() ? "no records"
        : String.format("records %,d–%,d of %,d", position + 1, position + kept.size(), total);
    Views.ConversationView v = new Views.ConversationView(id, title, channel,
        wechat(channel) ? "wechat" : "whatsapp", group, render.perspectives(),
        items, hasOlder ? base + "before=" + kept.get(0) : null,
        hasNewer ? base + "after=" + kept.get(kept.size() - 1) : null, hasOlder ? base + "first=1" : null,
        hasNewer ? "/c/" + id : null, total, range,
        kept.isEmpty() ? "" : Formats.dateTime(records.get(0).sentAt(), zone).split(" ")[0], zone.getId());
    Map<String, String> detail = new LinkedHashMap<>();
    detail.put("conversation", id);
    detail.put("records", Integer.toString(kept.size()));
    if (!kept.isEmpty()) {
      detail.put("serials", kept.get(0) + "-" + kept.get(kept.size() - 1));
    }
    app.audit(ctx, "view-conversation", List.of(id), detail);
    Templates.page(ctx, "conversation.jte", Map.of("frame", app.frame(ctx, v.title(), "conversations"), "v", v));
  }

  /**
   * Restricted records of this conversation this user may not see: {before the page's first record,
   * in all}. Reads the restricted records only (a handful), never the conversation.
   */
  private long[] hiddenBefore(String conversationId, long firstSerial, long firstPosition, Access access)
      throws IOException {
    long before = 0;
    long all = 0;
    for (String rid : access.restricted()) {
      Optional<StoredRecord> sr = app.web.archive().get(rid);
      if (sr.isEmpty() || sr.get().record().conversation() == null
          || !conversationId.equals(sr.get().record().conversation().id())) {
        continue;
      }
      all++;
      Optional<ConversationWindow> w = app.web.index().around(sr.get().serial(), 0);
      if (w.isPresent() && w.get().position() < firstPosition) {
        before++;
      }
    }
    return new long[] {before, all};
  }

  /** The last page: the newest record and the ones before it. */
  private List<Long> latest(long end) throws IOException {
    List<Long> out = new ArrayList<>(app.web.index().conversationSerialsBefore(end, PAGE - 1));
    out.add(end);
    return out;
  }

  private static long serial(String s) {
    try {
      long v = Long.parseLong(s.strip());
      if (v > 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new IllegalArgumentException("serial: '" + s + "' is not a record serial");
  }

  static boolean wechat(String channel) {
    return "wechat".equals(channel) || "wecom".equals(channel);
  }

  /** Turns one page of records into the items the template draws. */
  static final class Render {
    private final List<Record> records;
    private final ZoneId zone;
    private final Map<String, List<Reaction>> reactions = new HashMap<>();
    private final Map<String, List<Edit>> edits = new HashMap<>();
    private final Map<String, Delete> deletes = new HashMap<>();
    private final Map<String, List<Receipt>> receipts = new HashMap<>();
    /** Attachments delivered later, by target message id and attachment index. */
    private final Map<String, Completion> completions = new HashMap<>();
    private final Map<String, Message> messages = new HashMap<>();
    private final Map<String, Party> senders = new LinkedHashMap<>();
    private final String own;
    private final String target;

    Render(List<Record> records, List<Record> lookahead, ZoneId zone, String perspective, String target,
        java.util.Set<String> firm) {
      this.records = records;
      this.zone = zone;
      this.target = target;
      Map<String, Integer> counts = new HashMap<>();
      for (Record r : records) {
        if (r instanceof Message m) {
          messages.put(m.id(), m);
          if (m.source() != null && m.source().nativeId() != null) {
            messages.putIfAbsent(m.source().nativeId(), m);
          }
          if (m.sender() != null) {
            senders.putIfAbsent(m.sender().key(), m.sender());
            counts.merge(m.sender().key(), 1, Integer::sum);
          }
        }
      }
      List<Record> annotations = new ArrayList<>(records);
      annotations.addAll(lookahead);
      for (Record r : annotations) {
        switch (r) {
          case Reaction x -> reactions.computeIfAbsent(x.target(), k -> new ArrayList<>()).add(x);
          case Edit x -> edits.computeIfAbsent(x.target(), k -> new ArrayList<>()).add(x);
          case Delete x -> deletes.putIfAbsent(x.target(), x);
          case Receipt x -> receipts.computeIfAbsent(x.target(), k -> new ArrayList<>()).add(x);
          case Completion x -> completions.putIfAbsent(x.target() + "/" + x.index(), x);
          case Message x -> { }
          case SystemEvent x -> { }
          case Call x -> { }
          case Consent x -> { }
          case Unparsed x -> { }
          case Audit x -> { }
        }
      }
      java.util.Set<String> firmKeys = new java.util.HashSet<>();
      for (String h : firm) {
        firmKeys.add(compact(h));
      }
      if (perspective != null && senders.containsKey(perspective)) {
        own = perspective;
      } else if (senders.values().stream().anyMatch(p -> p.handle() != null && firmKeys.contains(compact(p.handle())))) {
        // the firm's own side (the directory's people), the one who wrote most on this page
        own = counts.entrySet().stream()
            .filter(e -> senders.get(e.getKey()).handle() != null && firmKeys.contains(compact(senders.get(e.getKey()).handle())))
            .max(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
            .map(Map.Entry::getKey).orElse(null);
      } else {
        own = counts.entrySet().stream().max(Map.Entry.<String, Integer>comparingByValue()
            .thenComparing(Map.Entry.comparingByKey())).map(Map.Entry::getKey).orElse(null);
      }
    }

    /** A handle without the spaces, dashes, dots and brackets people write phone numbers with. */
    private static String compact(String handle) {
      return handle.startsWith("+") ? handle.replaceAll("[\\s().\\-\u00a0]", "") : handle;
    }

    List<Views.Option> perspectives() {
      List<Views.Option> out = new ArrayList<>();
      senders.forEach((k, p) -> out.add(new Views.Option(k, Formats.who(p.name(), p.handle()), k.equals(own))));
      return out;
    }

    List<Views.Item> items() {
      List<Views.Item> out = new ArrayList<>();
      String day = null;
      String previousSender = null;
      for (Record r : records) {
        String d = Formats.day(r.sentAt(), zone);
        if (!d.equals(day)) {
          out.add(new Views.Item("day", null, null, d, false, null, 0, false, null, null, null, false, null, null,
              null, null, null, null, null, null, false, null, false));
          day = d;
          previousSender = null;
        }
        switch (r) {
          case Message m -> {
            String key = m.sender() == null ? null : m.sender().key();
            out.add(message(m, !Objects.equals(key, previousSender)));
            previousSender = key;
          }
          case Reaction x -> {
            if (!messages.containsKey(x.target())) {
              out.add(event(r, "☺", who(r.sender()) + (x.emoji().isEmpty() ? " removed a reaction" : " reacted " + x.emoji())
                  + " to an earlier message"));
            }
          }
          case Edit x -> {
            if (!messages.containsKey(x.target())) {
              out.add(event(r, "✎", who(r.sender()) + " edited an earlier message: " + nz(x.text())));
            }
          }
          case Delete x -> {
            if (!messages.containsKey(x.target())) {
              out.add(event(r, "⌫", who(x.by() != null ? x.by() : r.sender()) + " deleted an earlier message"));
            }
          }
          case Receipt x -> { }
          case Completion x -> {
            if (!messages.containsKey(x.target())) {
              out.add(event(r, "📎", "The file " + nz(x.attachment().name()) + " of an earlier message arrived"));
            }
          }
          case SystemEvent x -> { out.add(event(r, "ⓘ", Texts.preview(x))); previousSender = null; }
          case Call x -> { out.add(event(r, x.media() == Call.Media.VIDEO ? "🎥" : "📞", who(r.sender()) + ": " + Texts.call(x))); previousSender = null; }
          case Consent x -> out.add(event(r, "✔", who(r.sender()) + " – " + Texts.preview(x)));
          case Unparsed x -> out.add(event(r, "⚠", "Kept as written (unreadable): " + Texts.preview(x)));
          case Audit x -> { }
        }
      }
      return out;
    }

    private Views.Item event(Record r, String icon, String text) {
      return new Views.Item("event", "r-" + r.id(), "/r/" + r.id(), null, false, null, 0, false,
          Formats.time(r.sentAt(), zone), Formats.utc(r.sentAt()), text, false, null, null, null, null, null, null,
          null, null, isTarget(r), icon, false);
    }

    private boolean isTarget(Record r) {
      return r.id().equals(target);
    }

    private Views.Item message(Message m, boolean firstOfRun) {
      String key = m.sender() == null ? null : m.sender().key();
      boolean mine = key != null && key.equals(own);
      List<Views.Version> earlier = new ArrayList<>();
      String text = m.text();
      List<Edit> es = new ArrayList<>(edits.getOrDefault(m.id(), List.of()));
      es.sort((a, b) -> Objects.compare(a.sentAt(), b.sentAt(), java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder())));
      for (Edit e : es) {
        earlier.add(new Views.Version(Formats.dateTime(prevTime(m, e, es), zone), nz(text)));
        text = e.text();
      }
      if (earlier.isEmpty() && m.edited()) {
        earlier = null;
      }
      Delete del = deletes.get(m.id());
      List<Views.AttachmentView> files = new ArrayList<>();
      List<Attachment> as = m.attachmentList();
      for (int i = 0; i < as.size(); i++) {
        Attachment a = as.get(i);
        String url = "/r/" + m.id() + "/a/" + i;
        Completion done = completions.get(m.id() + "/" + i);
        if (a.pending() && done != null) {
          // the bytes came later, in their own record: serve them from there
          a = done.attachment();
          url = "/r/" + done.id() + "/a/0";
        }
        String kind = m.sticker() ? "sticker" : Attachments.displayKind(a.mediaType());
        files.add(new Views.AttachmentView(url, url + "?download=1", a.name() == null ? "file" : a.name(),
            "sticker".equals(kind) ? "image" : kind, a.mediaType(), Formats.size(a.size()), a.caption(),
            a.missing() || a.pending() || a.sha256() == null));
      }
      Map<String, List<String>> byEmoji = new LinkedHashMap<>();
      Map<String, Reaction> latest = new LinkedHashMap<>();
      for (Reaction x : reactions.getOrDefault(m.id(), List.of())) {
        latest.put(x.sender() == null ? x.id() : x.sender().key(), x);
      }
      latest.values().forEach(x -> {
        if (!x.emoji().isEmpty()) {
          byEmoji.computeIfAbsent(x.emoji(), k -> new ArrayList<>()).add(who(x.sender()));
        }
      });
      List<Views.ReactionView> rv = new ArrayList<>();
      byEmoji.forEach((e, who) -> rv.add(new Views.ReactionView(e, who.size(), String.join(", ", who))));
      Views.Quote quote = null;
      if (m.replyTo() != null) {
        Message q = messages.get(m.replyTo());
        quote = q == null ? new Views.Quote("", "a message not on this page", null)
            : new Views.Quote(who(q.sender()), Texts.preview(q), "#r-" + q.id());
      }
      List<String> rc = new ArrayList<>();
      for (Receipt x : receipts.getOrDefault(m.id(), List.of())) {
        rc.add(x.status().json() + (x.recipient() == null ? "" : " by " + who(x.recipient())) + " at "
            + Formats.dateTime(x.sentAt(), zone) + (x.error() == null ? "" : " (" + x.error() + ")"));
      }
      List<String> flags = new ArrayList<>();
      if (m.forwarded()) flags.add("Forwarded");
      if (m.viewOnce()) flags.add("View once");
      if (m.edited() && es.isEmpty()) flags.add("Edited (the source kept only the final text)");
      if (m.deleted()) flags.add("Deleted on the device (the source kept only this placeholder)");
      if (m.location() != null) flags.add("📍 " + nz(m.location().name()) + " " + nz(m.location().address())
          + " (" + m.location().latitude() + ", " + m.location().longitude() + ")" + (m.location().live() ? " live" : ""));
      if (m.contact() != null) flags.add("👤 " + nz(m.contact().name()) + " " + (m.contact().phones() == null ? "" : String.join(", ", m.contact().phones())));
      if (m.poll() != null) {
        StringBuilder p = new StringBuilder("📊 " + nz(m.poll().question()));
        if (m.poll().options() != null) {
          m.poll().options().forEach(o -> p.append(" · ").append(o.text()).append(o.votes() == null ? "" : " (" + o.votes() + ")"));
        }
        flags.add(p.toString());
      }
      return new Views.Item("message", "r-" + m.id(), "/r/" + m.id(), null, mine, who(m.sender()), Formats.colour(key),
          firstOfRun && !mine, Formats.time(m.sentAt(), zone), Formats.utc(m.sentAt()), text == null ? "" : text,
          del != null, earlier, del == null ? null : who(del.by() != null ? del.by() : del.sender()),
          del == null ? null : Formats.dateTime(del.sentAt(), zone), files, rv, quote, rc, flags,
          isTarget(m), null, m.sticker() && m.text() == null);
    }

    private static java.time.Instant prevTime(Message m, Edit e, List<Edit> es) {
      int i = es.indexOf(e);
      return i == 0 ? m.sentAt() : es.get(i - 1).sentAt();
    }

    private static String who(Party p) {
      return p == null ? "Someone" : Formats.who(p.name(), p.handle());
    }

    private static String nz(String s) {
      return s == null ? "" : s;
    }
  }
}
