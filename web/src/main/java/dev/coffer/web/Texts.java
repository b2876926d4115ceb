package dev.coffer.web;

import dev.coffer.model.Attachment;
import dev.coffer.model.Audit;
import dev.coffer.model.Call;
import dev.coffer.model.Completion;
import dev.coffer.model.Consent;
import dev.coffer.model.Delete;
import dev.coffer.model.Edit;
import dev.coffer.model.Message;
import dev.coffer.model.Reaction;
import dev.coffer.model.Receipt;
import dev.coffer.model.Record;
import dev.coffer.model.SystemEvent;
import dev.coffer.model.Unparsed;
import java.util.ArrayList;
import java.util.List;

/** Short human-readable text for records and snippets. */
final class Texts {
  /** Marks the search index puts around each match (private-use characters never found in input). */
  static final String PRE = "\uE000";
  static final String POST = "\uE001";

  private Texts() {}

  /** One line that stands for the record in a list (search context, a reply quote). */
  static String preview(Record r) {
    String s = switch (r) {
      case Message m -> {
        if (m.text() != null && !m.text().isBlank()) {
          yield m.text();
        }
        if (!m.attachmentList().isEmpty()) {
          Attachment a = m.attachmentList().get(0);
          yield (m.sticker() ? "Sticker" : kindWord(a.mediaType())) + (a.name() == null ? "" : ": " + a.name());
        }
        if (m.location() != null) {
          yield "Location" + (m.location().name() == null ? "" : ": " + m.location().name());
        }
        if (m.contact() != null) {
          yield "Contact: " + m.contact().name();
        }
        if (m.poll() != null) {
          yield "Poll: " + m.poll().question();
        }
        yield "Message";
      }
      case SystemEvent e -> e.text() != null ? e.text() : e.event().json().replace('_', ' ');
      case Call c -> call(c);
      case Reaction x -> x.emoji().isEmpty() ? "removed a reaction" : "reacted " + x.emoji();
      case Edit e -> "edited: " + (e.text() == null ? "" : e.text());
      case Delete d -> "deleted a message";
      case Receipt x -> x.status().json();
      case Consent c -> "archiving consent: " + c.status().json();
      case Unparsed u -> u.text() == null ? "(unreadable input)" : u.text();
      case Audit a -> a.action();
      case Completion c -> "file delivered: " + (c.attachment().name() == null ? "" : c.attachment().name());
    };
    s = s.replace(PRE, "").replace(POST, "");
    return s.length() > 200 ? s.substring(0, 200) + "…" : s;
  }

  static String call(Call c) {
    String media = c.media() == Call.Media.VIDEO ? "Video call" : "Voice call";
    String status = switch (c.status()) {
      case MISSED -> "missed";
      case DECLINED -> "declined";
      case COMPLETED -> c.durationS() == null ? "" : duration(c.durationS());
    };
    return (c.group() ? "Group " + media.toLowerCase(java.util.Locale.ROOT) : media) + (status.isEmpty() ? "" : ", " + status);
  }

  static String duration(long s) {
    return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String.format("%d:%02d", s / 60, s % 60);
  }

  static String kindWord(String mediaType) {
    if (mediaType == null) {
      return "File";
    }
    if (mediaType.startsWith("image/")) {
      return "Photo";
    }
    if (mediaType.startsWith("audio/")) {
      return "Voice message";
    }
    if (mediaType.startsWith("video/")) {
      return "Video";
    }
    return "Document";
  }

  /** Splits a snippet with {@link #PRE}/{@link #POST} marks into plain and highlighted parts. */
  static List<Views.Segment> segments(String snippet) {
    List<Views.Segment> out = new ArrayList<>();
    if (snippet == null) {
      return out;
    }
    int i = 0;
    while (i < snippet.length()) {
      int a = snippet.indexOf(PRE, i);
      if (a < 0) {
        out.add(new Views.Segment(snippet.substring(i), false));
        break;
      }
      if (a > i) {
        out.add(new Views.Segment(snippet.substring(i, a), false));
      }
      int b = snippet.indexOf(POST, a);
      if (b < 0) {
        out.add(new Views.Segment(snippet.substring(a + 1), true));
        break;
      }
      out.add(new Views.Segment(snippet.substring(a + 1, b), true));
      i = b + 1;
    }
    return out;
  }
}
