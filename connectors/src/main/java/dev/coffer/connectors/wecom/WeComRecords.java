package dev.coffer.connectors.wecom;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.model.Attachment;
import dev.coffer.model.Call;
import dev.coffer.model.Consent;
import dev.coffer.model.ContactCard;
import dev.coffer.model.Conversation;
import dev.coffer.model.ConversationKind;
import dev.coffer.model.Delete;
import dev.coffer.model.Ids;
import dev.coffer.model.Location;
import dev.coffer.model.Message;
import dev.coffer.model.Party;
import dev.coffer.model.Poll;
import dev.coffer.model.Record;
import dev.coffer.model.Source;
import dev.coffer.model.SystemEvent;
import dev.coffer.model.Unparsed;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns one decrypted WeCom archive message (the SDK's JSON) into records. The mapping table, the
 * natural keys and the text rendering of structured types are in docs/wecom-archive.md.
 */
final class WeComRecords {
  static final String CHANNEL = "wecom";
  static final String CONNECTOR = "wecom-archive";
  private static final long MAX_SAFE = 1L << 53;

  /** Fetches (or marks pending) one media file named by {@code sdkfileid}. */
  interface Media {
    Attachment attachment(String sdkFileId, String name, String mediaType, Long size, String md5)
        throws IOException;
  }

  private WeComRecords() {}

  static String messageId(String msgid) {
    return Ids.derive("wecom/message", msgid);
  }

  static Unparsed unparsed(String idKey, String raw, String range, String text, String diagnostic,
      String nativeId) {
    return new Unparsed(idKey, CHANNEL, null, null, null, null, clean(text), clean(diagnostic),
        new Source(CONNECTOR, clean(nativeId), raw, range, null));
  }

  /**
   * JSON's {@code \uD800} escapes can make strings with unpaired surrogates, which coffer/1 refuses
   * (RFC 8785 needs valid Unicode): they become U+FFFD here; the archived input keeps the escapes.
   */
  static String clean(String s) {
    if (s == null) {
      return null;
    }
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok;
      if (Character.isHighSurrogate(c)) {
        ok = i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        if (ok) {
          if (b != null) {
            b.append(c).append(s.charAt(i + 1));
          }
          i++;
          continue;
        }
      } else {
        ok = !Character.isLowSurrogate(c);
      }
      if (!ok && b == null) {
        b = new StringBuilder(s.length()).append(s, 0, i);
      }
      if (b != null) {
        b.append(ok ? c : '\uFFFD');
      }
    }
    return b == null ? s : b.toString();
  }

  /** Records of one message; an unreadable message gives one {@code unparsed} record. */
  static List<Record> map(JsonNode m, String raw, String range, Media media, List<String> warnings)
      throws IOException {
    String text = m.toString();
    String msgid = str(m, "msgid");
    if (!m.isObject() || msgid == null) {
      return List.of(unparsed(Ids.derive("wecom/unparsed", raw, range), raw, range, text,
          "not a WeCom archive message: no msgid", null));
    }
    Source source = new Source(CONNECTOR, msgid, raw, range, null);
    String id = messageId(msgid);
    String action = str(m, "action");
    if ("switch".equals(action)) {
      String user = str(m, "user");
      if (user == null) {
        return List.of(bad(id, raw, range, text, "a switch without a user", msgid));
      }
      // Switching the enterprise account concerns one employee, not a chat: one conversation per
      // employee holds their account events.
      Conversation account = new Conversation(Ids.derive("wecom/conversation", "account", user),
          ConversationKind.DIRECT, "WeCom account events of " + user);
      Party who = new Party(user, null);
      return List.of(new SystemEvent(id, CHANNEL, account, who, millis(m.get("time")), null,
          SystemEvent.Event.OTHER, who, null, null, Map.of("action", "switch"), source));
    }
    String type = str(m, "msgtype");
    String from = str(m, "from");
    if (type == null || from == null) {
      return List.of(bad(id, raw, range, text, "a message without " + (type == null ? "msgtype" : "from"), msgid));
    }
    List<String> to = new ArrayList<>();
    for (JsonNode t : iter(m.get("tolist"))) {
      if (t.isValueNode() && !t.isNull() && !t.asText().isEmpty()) {
        to.add(clean(t.asText()));
      }
    }
    String roomid = str(m, "roomid");
    Conversation conversation = conversation(roomid, from, to);
    Party sender = new Party(from, null);
    Instant sentAt = millis(m.get("msgtime"));
    List<Party> recipients = to.stream().map(t -> new Party(t, null)).toList();
    Message.Builder b = Message.builder().id(id).channel(CHANNEL).conversation(conversation)
        .sender(sender).sentAt(sentAt).recipients(recipients).source(source);

    String key = switch (type) {
      case "docmsg" -> "doc";
      case "markdown", "news", "qydiskfile" -> "info";
      case "external_redpacket" -> "redpacket";
      default -> type;
    };
    JsonNode p = m.get(key);
    if (!type.equals("vote") && (p == null || !p.isObject())) {
      return List.of(bad(id, raw, range, text, "msgtype " + type + " without its '" + key + "' object", msgid));
    }
    switch (type) {
      case "text" -> b.text(str(p, "content"));
      case "markdown" -> b.text(str(p, "content"));
      case "image" -> b.attachments(List.of(media.attachment(str(p, "sdkfileid"), msgid + ".jpg",
          "image/jpeg", size(p.get("filesize"), warnings), str(p, "md5sum"))));
      case "voice" -> b.attachments(List.of(media.attachment(str(p, "sdkfileid"), msgid + ".amr",
          "audio/amr", size(p.get("voice_size"), warnings), str(p, "md5sum"))));
      case "video" -> b.attachments(List.of(media.attachment(str(p, "sdkfileid"), msgid + ".mp4",
          "video/mp4", size(p.get("filesize"), warnings), str(p, "md5sum"))));
      case "emotion" -> {
        boolean png = p.path("type").asInt() == 2;
        b.sticker(true).attachments(List.of(media.attachment(str(p, "sdkfileid"),
            msgid + (png ? ".png" : ".gif"), png ? "image/png" : "image/gif",
            size(p.get("imagesize"), warnings), str(p, "md5sum"))));
      }
      case "file" -> b.attachments(List.of(media.attachment(str(p, "sdkfileid"),
          str(p, "filename"), null, size(p.get("filesize"), warnings), str(p, "md5sum"))));
      case "voip_doc_share" -> b.text(fields(m, "voipid", p)).attachments(List.of(media.attachment(
          str(p, "sdkfileid"), str(p, "filename"), null, size(p.get("filesize"), warnings),
          str(p, "md5sum"))));
      case "meeting_voice_call" -> b.text(fields(m, "voiceid", p)).attachments(List.of(
          media.attachment(str(p, "sdkfileid"), str(m, "voiceid") + ".recording", null, null, null)));
      case "revoke" -> {
        String target = str(p, "pre_msgid");
        if (target == null) {
          return List.of(bad(id, raw, range, text, "a revoke without pre_msgid", msgid));
        }
        return List.of(new Delete(id, CHANNEL, conversation, sender, sentAt, null,
            messageId(target), sender, source));
      }
      case "agree", "disagree" -> {
        String who = str(p, "userid");
        Instant at = millis(p.get(type + "_time"));
        return List.of(new Consent(id, CHANNEL, conversation, new Party(who != null ? who : from, null),
            at != null ? at : sentAt, null,
            type.equals("agree") ? Consent.Status.AGREE : Consent.Status.DISAGREE, source));
      }
      case "location" -> b.location(new Location(decimal(p.get("latitude")),
          decimal(p.get("longitude")), str(p, "title"), str(p, "address"), null, false));
      case "card" -> b.contact(new ContactCard(str(p, "userid"), null, null)).text(fields(p));
      case "link", "weapp", "todo", "collect", "redpacket", "external_redpacket", "meeting",
          "calendar", "docmsg", "news", "sphfeed", "qydiskfile" -> b.text(fields(p));
      case "vote" -> {
        List<Poll.Option> options = new ArrayList<>();
        for (JsonNode o : iter(m.get("voteitem"))) {
          options.add(new Poll.Option(clean(o.asText()), null));
        }
        String title = str(m, "votetitle");
        if (title == null) {
          return List.of(bad(id, raw, range, text, "a vote without votetitle", msgid));
        }
        b.poll(new Poll(title, options));
        int voteType = m.path("votetype").asInt();
        b.text(voteType == 102 ? "votetype: 102 (vote cast)" : voteType == 101 ? "votetype: 101 (vote created)" : null);
      }
      case "voiptext" -> {
        int invite = p.path("invitetype").asInt();
        long duration = p.path("callduration").asLong();
        return List.of(new Call(id, CHANNEL, conversation, sender, sentAt, null,
            invite == 2 || invite == 4 ? Call.Media.VOICE : Call.Media.VIDEO,
            duration > 0 ? Call.Status.COMPLETED : Call.Status.MISSED,
            duration > 0 && duration < MAX_SAFE ? duration : null, invite == 3 || invite == 4, null, source));
      }
      case "chatrecord", "mixed" -> {
        List<String> lines = new ArrayList<>();
        if (str(p, "title") != null) {
          lines.add(str(p, "title"));
        }
        List<Attachment> attachments = new ArrayList<>();
        int n = 0;
        for (JsonNode item : iter(p.get("item"))) {
          n++;
          item(item, msgid + "-" + n, lines, attachments, media, warnings);
        }
        b.text(lines.isEmpty() ? null : String.join("\n", lines)).attachments(attachments)
            .forwarded(type.equals("chatrecord"));
      }
      default -> {
        return List.of(bad(id, raw, range, text, "msgtype '" + type
            + "' is not one this connector reads; the message is kept verbatim", msgid));
      }
    }
    return List.of(b.build());
  }

  /** One item of a chatrecord or mixed message: its content is a JSON string of the inner type. */
  private static void item(JsonNode item, String name, List<String> lines, List<Attachment> attachments,
      Media media, List<String> warnings) throws IOException {
    String type = str(item, "type");
    JsonNode content = item.get("content");
    JsonNode inner = null;
    if (content != null && content.isTextual()) {
      try {
        inner = WeComImporter.JSON.readTree(content.asText());
      } catch (IOException e) {
        lines.add(clean(content.asText()));
        return;
      }
    } else if (content != null && content.isObject()) {
      inner = content;
    }
    if (inner == null || !inner.isObject()) {
      if (content != null) {
        lines.add(clean(content.asText()));
      }
      return;
    }
    String sdkfileid = str(inner, "sdkfileid");
    if (sdkfileid != null) {
      String lower = type == null ? "" : type.toLowerCase(java.util.Locale.ROOT);
      String mediaType = lower.contains("image") ? "image/jpeg" : lower.contains("video") ? "video/mp4"
          : lower.contains("voice") ? "audio/amr" : lower.contains("emotion") ? "image/gif" : null;
      String fileName = str(inner, "filename");
      Long size = size(inner.has("filesize") ? inner.get("filesize") : inner.get("imagesize"), warnings);
      attachments.add(media.attachment(sdkfileid, fileName != null ? fileName : name, mediaType, size,
          str(inner, "md5sum")));
      return;
    }
    String c = str(inner, "content");
    lines.add(c != null ? c : fields(inner));
  }

  /**
   * A structured payload as text: each value as {@code name: value} on its own line, in the
   * source's order, nested values by path ({@code details[2].ques: …}); {@code sdkfileid} and
   * {@code md5sum} are left out (they are in the attachment). Names are the source's own.
   */
  static String fields(JsonNode p) {
    List<String> lines = new ArrayList<>();
    render("", p, lines);
    return lines.isEmpty() ? null : String.join("\n", lines);
  }

  private static String fields(JsonNode m, String topLevel, JsonNode p) {
    String rest = fields(p);
    String top = str(m, topLevel);
    if (top == null) {
      return rest;
    }
    return topLevel + ": " + top + (rest == null ? "" : "\n" + rest);
  }

  private static void render(String path, JsonNode n, List<String> lines) {
    if (n.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().equals("sdkfileid") || e.getKey().equals("md5sum")) {
          continue;
        }
        render(path.isEmpty() ? e.getKey() : path + "." + e.getKey(), e.getValue(), lines);
      }
    } else if (n.isArray()) {
      boolean scalars = true;
      for (JsonNode c : n) {
        scalars &= c.isValueNode();
      }
      if (scalars) {
        List<String> values = new ArrayList<>();
        n.forEach(c -> values.add(c.asText()));
        lines.add(clean(path + ": " + String.join(", ", values)));
      } else {
        int i = 0;
        for (JsonNode c : n) {
          render(path + "[" + ++i + "]", c, lines);
        }
      }
    } else if (!n.isNull()) {
      lines.add(clean(path + ": " + n.asText()));
    }
  }

  private static Conversation conversation(String roomid, String from, List<String> to) {
    if (roomid != null) {
      return new Conversation(Ids.derive("wecom/conversation", "room", roomid), ConversationKind.GROUP, null);
    }
    // A 1:1 chat is the same conversation whichever side writes: the key is the sorted pair.
    TreeSet<String> parties = new TreeSet<>(to);
    parties.add(from);
    return new Conversation(Ids.derive("wecom/conversation", parties.toArray(String[]::new)),
        ConversationKind.DIRECT, null);
  }

  /**
   * A message this version cannot read. Its id is not the message id: a later version that reads
   * it adds the message beside this record on re-import, instead of finding it "already archived".
   */
  private static Unparsed bad(String id, String raw, String range, String text, String diagnostic,
      String msgid) {
    return unparsed(Ids.derive("wecom/unparsed-message", msgid), raw, range, text, diagnostic, msgid);
  }

  /** A size, when it is a non-negative integer coffer/1 can hold (±2^53). */
  static Long size(JsonNode n, List<String> warnings) {
    if (n == null || !n.isIntegralNumber()) {
      return null;
    }
    if (n.canConvertToLong() && n.asLong() >= 0 && n.asLong() <= MAX_SAFE) {
      return n.asLong();
    }
    warnings.add("a file size of " + n.asText() + " bytes is not plausible; the attachment has no size");
    return null;
  }

  /** Decimal degrees as the source's own digits (coffer/1 holds no floating-point numbers). */
  private static String decimal(JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (n.isBigDecimal()) {
      return n.decimalValue().toPlainString();
    }
    return clean(n.asText());
  }

  /** Epoch milliseconds as an instant; 0, negatives and non-numbers are "no time". */
  static Instant millis(JsonNode n) {
    if (n == null || !n.isIntegralNumber() || !n.canConvertToLong()) {
      return null;
    }
    long ms = n.asLong();
    return ms <= 0 || ms > 253402300799999L ? null : Instant.ofEpochMilli(ms);
  }

  static String str(JsonNode n, String field) {
    JsonNode v = n == null ? null : n.get(field);
    if (v == null || v.isNull() || v.isContainerNode()) {
      return null;
    }
    String s = clean(v.asText());
    return s.isEmpty() ? null : s;
  }

  private static Iterable<JsonNode> iter(JsonNode n) {
    return n != null && n.isArray() ? n : List.of();
  }
}
