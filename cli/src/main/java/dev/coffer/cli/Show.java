package dev.coffer.cli;

import dev.coffer.model.Attachment;
import dev.coffer.model.Audit;
import dev.coffer.model.Call;
import dev.coffer.model.Consent;
import dev.coffer.model.Delete;
import dev.coffer.model.Edit;
import dev.coffer.model.Message;
import dev.coffer.model.Party;
import dev.coffer.model.Poll;
import dev.coffer.model.Reaction;
import dev.coffer.model.Receipt;
import dev.coffer.model.Record;
import dev.coffer.model.SystemEvent;
import dev.coffer.model.Unparsed;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders records of one conversation readably in a terminal: a line per day, then per record the
 * local time with UTC beside it, the sender, the text as written (every line), attachments, and
 * marks for edited, deleted, forwarded and view-once content.
 */
final class Show {
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEEE d MMMM yyyy", Locale.ENGLISH);
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

  private final ZoneId zone;
  private LocalDate day;

  Show(ZoneId zone) {
    this.zone = zone;
  }

  static String who(String name, String handle) {
    if (name != null && handle != null && !name.equals(handle)) {
      return name + " (" + handle + ")";
    }
    return name != null ? name : handle != null ? handle : "(unknown)";
  }

  static String who(Party p) {
    return p == null ? "(unknown)" : who(p.name(), p.handle());
  }

  /** The lines for one record, preceded by a day separator when the day changes. */
  List<String> render(Record r, boolean highlight) {
    List<String> lines = new ArrayList<>();
    Instant t = r.sentAt();
    if (t != null) {
      LocalDate d = ZonedDateTime.ofInstant(t, zone).toLocalDate();
      if (!d.equals(day)) {
        day = d;
        lines.add("");
        lines.add("──── " + DAY.format(d) + " ────");
      }
    }
    String when = t == null ? "--:--:--           "
        : TIME.format(ZonedDateTime.ofInstant(t, zone)) + " (" + TIME.format(t.atOffset(ZoneOffset.UTC)) + "Z)";
    String mark = highlight ? "▶ " : "  ";
    switch (r) {
      case Message m -> {
        List<String> flags = new ArrayList<>();
        if (m.forwarded()) flags.add("forwarded");
        if (m.edited()) flags.add("edited");
        if (m.deleted()) flags.add("deleted");
        if (m.viewOnce()) flags.add("view once");
        if (m.sticker()) flags.add("sticker");
        lines.add(mark + when + "  " + who(m.sender()) + (flags.isEmpty() ? "" : "  [" + String.join(", ", flags) + "]"));
        body(lines, m.text());
        for (Attachment a : m.attachmentList()) {
          lines.add("      📎 " + nz(a.name()) + "  " + nz(a.mediaType())
              + (a.size() == null ? "" : "  " + a.size() + " bytes")
              + (a.missing() ? "  (not in the export)" : a.pending() ? "  (pending)" : "")
              + (a.sha256() == null ? "" : "  sha256 " + a.sha256().substring(0, 12) + "…"));
          if (a.caption() != null) {
            body(lines, a.caption());
          }
        }
        if (m.location() != null) {
          var l = m.location();
          lines.add("      📍 " + (l.live() ? "live location " : "") + join(l.name(), l.address())
              + (l.latitude() == null ? "" : " " + l.latitude() + "," + l.longitude()) + (l.url() == null ? "" : " " + l.url()));
        }
        if (m.contact() != null) {
          lines.add("      👤 " + nz(m.contact().name()) + (m.contact().phones() == null ? "" : " " + String.join(", ", m.contact().phones())));
        }
        if (m.poll() != null) {
          lines.add("      📊 " + m.poll().question());
          for (Poll.Option o : m.poll().options()) {
            lines.add("         ○ " + o.text() + (o.votes() == null ? "" : "  (" + o.votes() + ")"));
          }
        }
      }
      case SystemEvent s -> lines.add(mark + when + "  · " + nz(s.text()) + "  [" + s.event().json() + "]");
      case Call c -> lines.add(mark + when + "  ☎ " + c.status().json() + " " + (c.group() ? "group " : "")
          + c.media().json() + " call, " + who(c.sender())
          + (c.durationS() == null ? "" : ", " + c.durationS() + " s"));
      case Reaction x -> lines.add(mark + when + "  " + who(x.sender()) + " reacted "
          + (x.emoji().isEmpty() ? "(removed)" : x.emoji()) + " to " + x.target());
      case Edit e -> {
        lines.add(mark + when + "  " + who(e.sender()) + " edited " + e.target() + " to:");
        body(lines, e.text());
      }
      case Delete d -> lines.add(mark + when + "  " + who(d.sender()) + " deleted " + d.target()
          + (d.by() == null ? "" : " (by " + who(d.by()) + ")"));
      case Receipt x -> lines.add(mark + when + "  ✓ " + x.status().json() + " by " + who(x.recipient()) + " for " + x.target());
      case Consent c -> lines.add(mark + when + "  " + who(c.sender()) + " consent: " + c.status().json());
      case Unparsed u -> {
        lines.add(mark + when + "  ⚠ unparsed (" + u.diagnostic() + ")");
        body(lines, u.text());
      }
      case Audit a -> lines.add(mark + when + "  audit: " + who(a.sender()) + " " + a.action());
      case dev.coffer.model.Completion c -> lines.add(mark + when + "  📎 attachment " + c.index()
          + " of " + c.target() + " received: " + nz(c.attachment().name()) + " ("
          + nz(c.attachment().mediaType()) + ", " + c.attachment().size() + " bytes, sha256 "
          + c.attachment().sha256() + ")");
    }
    return lines;
  }

  private static void body(List<String> lines, String text) {
    if (text == null) {
      return;
    }
    for (String l : text.split("\n", -1)) {
      lines.add("      " + l);
    }
  }

  private static String join(String a, String b) {
    if (a == null) return nz(b);
    if (b == null) return a;
    return a + ", " + b;
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
