package dev.coffer.connectors.wechat.oa;

import dev.coffer.model.Attachment;
import dev.coffer.model.Conversation;
import dev.coffer.model.ConversationKind;
import dev.coffer.model.Ids;
import dev.coffer.model.Location;
import dev.coffer.model.Message;
import dev.coffer.model.Party;
import dev.coffer.model.Record;
import dev.coffer.model.Source;
import dev.coffer.model.SystemEvent;
import dev.coffer.model.Unparsed;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns the fields of one Official Account callback into records (see docs/wechat-official-account.md
 * for the mapping table and the natural keys).
 */
final class OaRecords {
  static final String CHANNEL = "wechat";
  static final String CONNECTOR = "wechat-oa";

  /** Fields every body has; events keep all the others in their detail. */
  private static final Set<String> COMMON =
      Set.of("ToUserName", "FromUserName", "CreateTime", "MsgType", "Event", "Encrypt");

  private OaRecords() {}

  /**
   * The records of a parsed body.
   *
   * @param raw digest of the bytes the fields were read from (what {@code source.raw} names)
   * @param range where in them (e.g. {@code xml})
   * @param xml the body as text, kept in an {@code unparsed} record if it cannot be read
   * @param diagnostics receives operator-facing notes (no content)
   */
  static List<Record> map(SafeXml.Fields f, String raw, String range, String xml, List<String> diagnostics) {
    if (!"xml".equals(f.root())) {
      return List.of(unparsed(raw, range, xml, "the root element is <" + f.root() + ">, not <xml>"));
    }
    String to = nonBlank(f.get("ToUserName"));
    String from = nonBlank(f.get("FromUserName"));
    String type = nonBlank(f.get("MsgType"));
    if (to == null || from == null || type == null) {
      List<String> missing = new ArrayList<>();
      if (to == null) {
        missing.add("ToUserName");
      }
      if (from == null) {
        missing.add("FromUserName");
      }
      if (type == null) {
        missing.add("MsgType");
      }
      return List.of(unparsed(raw, range, xml,
          "a field every callback has is missing: " + String.join(", ", missing)));
    }
    String createTime = nonBlank(f.get("CreateTime"));
    Instant sentAt = seconds(createTime);
    if (sentAt == null) {
      diagnostics.add("CreateTime is missing or not a number: the record has no sent_at");
    }
    Conversation conversation = new Conversation(conversationId(to, from), ConversationKind.DIRECT, null);
    Party sender = new Party(from, null);

    if (type.equals("event")) {
      String event = nonBlank(f.get("Event"));
      if (event == null) {
        return List.of(unparsed(raw, range, xml, "an event without an Event field"));
      }
      String id = Ids.derive("wechat-oa/event", to, from, createTime, event, f.get("EventKey"));
      Map<String, String> detail = new LinkedHashMap<>();
      detail.put("event", event);
      f.all().forEach((path, value) -> {
        if (!COMMON.contains(path)) {
          detail.put(snake(path), value);
        }
      });
      String nativeId = nonBlank(f.get("MsgID")) != null ? f.get("MsgID") : nonBlank(f.get("MsgId"));
      return List.of(new SystemEvent(id, CHANNEL, conversation, sender, sentAt, null,
          SystemEvent.Event.OTHER, sender, null, null, detail,
          new Source(CONNECTOR, nativeId, raw, range, null)));
    }

    String msgId = nonBlank(f.get("MsgId"));
    String id;
    if (msgId != null) {
      id = messageId(to, msgId);
    } else {
      diagnostics.add("a " + type + " message without MsgId: its id derives from the sender, time and body digest");
      id = Ids.derive("wechat-oa/message-without-msgid", to, from, createTime, raw);
    }
    Source source = new Source(CONNECTOR, msgId, raw, range, null);
    Message.Builder m = Message.builder().id(id).channel(CHANNEL).conversation(conversation)
        .sender(sender).sentAt(sentAt).recipients(List.of(new Party(to, null))).source(source);
    switch (type) {
      case "text" -> m.text(f.get("Content"));
      case "image" -> m.attachments(List.of(media(f.get("MediaId"), "image/jpeg", diagnostics)));
      case "voice" -> {
        String format = nonBlank(f.get("Format"));
        String mediaType = format == null ? "audio/*" : "audio/" + format.toLowerCase(Locale.ROOT);
        m.attachments(List.of(media(f.get("MediaId"), mediaType, diagnostics)));
        // WeChat's speech recognition, when the account enabled it: the only searchable text of a voice note.
        m.text(nonBlank(f.get("Recognition")));
      }
      case "video", "shortvideo" -> m.attachments(List.of(media(f.get("MediaId"), "video/mp4", diagnostics)));
      case "location" -> m.location(new Location(nonBlank(f.get("Location_X")),
          nonBlank(f.get("Location_Y")), nonBlank(f.get("Label")), null, null, false));
      case "link" -> {
        m.text(lines(f.get("Title"), f.get("Description"), f.get("Url")));
      }
      default -> {
        return List.of(unparsed(raw, range, xml, "MsgType '" + type
            + "' is not one this connector reads; the body is kept verbatim"));
      }
    }
    return List.of(m.build());
  }

  static String conversationId(String officialAccount, String openId) {
    return Ids.derive("wechat-oa/conversation", officialAccount, openId);
  }

  static String messageId(String officialAccount, String msgId) {
    return Ids.derive("wechat-oa/message", officialAccount, msgId);
  }

  /**
   * An unparsed record whose id derives from the digest of what it keeps (not from how it was
   * delivered): a retry, or the same body in another mode, gets the same id.
   */
  static Unparsed unparsed(String raw, String range, String text, String diagnostic) {
    return new Unparsed(Ids.derive("wechat-oa/unparsed", raw), CHANNEL, null, null, null,
        null, text, diagnostic, new Source(CONNECTOR, null, raw, range, null));
  }

  /** Media arrive as a MediaId only (temporary media, fetchable for 3 days): the bytes are pending. */
  private static Attachment media(String mediaId, String mediaType, List<String> diagnostics) {
    String name = nonBlank(mediaId);
    diagnostics.add("media " + (name == null ? "without MediaId" : name)
        + " arrives as a MediaId only: the attachment is pending");
    return new Attachment(name, mediaType, null, null, null, false, true);
  }

  private static String lines(String... parts) {
    List<String> kept = new ArrayList<>();
    for (String p : parts) {
      if (nonBlank(p) != null) {
        kept.add(p);
      }
    }
    return kept.isEmpty() ? null : String.join("\n", kept);
  }

  static Instant seconds(String text) {
    if (text == null) {
      return null;
    }
    try {
      long s = Long.parseLong(text.strip());
      // Beyond year 9999 (or before 1970) is not a time WeChat sends.
      return s < 0 || s > 253402300799L ? null : Instant.ofEpochSecond(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** {@code SendPicsInfo/PicList/item[2]/PicMd5Sum} → {@code send_pics_info/pic_list/item[2]/pic_md5_sum}. */
  static String snake(String path) {
    StringBuilder b = new StringBuilder(path.length() + 8);
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (Character.isUpperCase(c)) {
        char prev = i > 0 ? path.charAt(i - 1) : '/';
        char next = i + 1 < path.length() ? path.charAt(i + 1) : '/';
        boolean boundary = Character.isLowerCase(prev) || Character.isDigit(prev)
            || (Character.isUpperCase(prev) && Character.isLowerCase(next));
        if (boundary && prev != '_' && prev != '/') {
          b.append('_');
        }
        b.append(Character.toLowerCase(c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  static String nonBlank(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
