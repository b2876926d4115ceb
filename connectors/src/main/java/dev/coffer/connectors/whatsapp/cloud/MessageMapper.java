package dev.coffer.connectors.whatsapp.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.model.Attachment;
import dev.coffer.model.ContactCard;
import dev.coffer.model.Conversation;
import dev.coffer.model.Delete;
import dev.coffer.model.Edit;
import dev.coffer.model.Location;
import dev.coffer.model.Message;
import dev.coffer.model.Party;
import dev.coffer.model.Reaction;
import dev.coffer.model.SystemEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps one message object (inbound {@code messages[]}, {@code message_echoes[]} or a history
 * thread's {@code messages[]}; the per-type payloads are the same) to records. The caller has worked
 * out the direction: conversation, sender and recipients.
 */
final class MessageMapper {
  /** Where a message belongs and who sent it to whom. */
  record Direction(Conversation conversation, Party sender, List<Party> recipients,
      String phoneNumberId) {}

  /** Media payload types and whether they are stickers. */
  private static final Set<String> MEDIA = Set.of("image", "video", "audio", "document", "sticker");

  private final ParseBuilder out;

  MessageMapper(ParseBuilder out) {
    this.out = out;
  }

  /** A message's readable content, shared by messages and by edits' new versions. */
  private record Content(String text, List<Attachment> attachments, List<JsonNode> mediaNodes,
      Location location, ContactCard contact, boolean sticker) {}

  void map(JsonNode msg, String field, String pointer, Direction dir) {
    map(msg, field, pointer, dir, null);
  }

  /**
   * Maps {@code msg}; {@code valueErrors} are the errors the change reported beside its messages
   * (Meta sends a message without its payload and the reason there), or null.
   */
  void map(JsonNode msg, String field, String pointer, Direction dir, JsonNode valueErrors) {
    if (!msg.isObject()) {
      out.unparsed(msg, field, pointer, "a message that is not a JSON object", dir.conversation(),
          dir.sender(), null, null);
      return;
    }
    String wamid = Json.str(msg, "id");
    String type = Json.str(msg, "type");
    String ts = Json.str(msg, "timestamp");
    Instant sentAt = Json.seconds(ts);
    if (sentAt == null && ts != null) {
      out.diagnostic(pointer, "timestamp is not unix seconds; sent_at left out");
    }
    if (wamid == null || wamid.isEmpty()) {
      out.unparsed(msg, field, pointer, "message without an id (wamid)", dir.conversation(),
          dir.sender(), sentAt, null);
      return;
    }
    if (type == null) {
      out.unparsed(msg, field, pointer, "message without a type", dir.conversation(), dir.sender(),
          sentAt, wamid);
      return;
    }
    var source = out.source(wamid, pointer);
    JsonNode context = Json.obj(msg, "context");
    switch (type) {
      case "reaction" -> {
        JsonNode r = Json.obj(msg, "reaction");
        String target = Json.str(r, "message_id");
        if (target == null) {
          out.unparsed(msg, field, pointer, "reaction without message_id", dir.conversation(),
              dir.sender(), sentAt, wamid);
          return;
        }
        String emoji = Json.str(r, "emoji");
        out.add(new Reaction(CloudIds.of("reaction", wamid), ParseBuilder.CHANNEL,
            dir.conversation(), dir.sender(), sentAt, null, CloudIds.message(target),
            emoji == null ? "" : emoji, source));
      }
      case "revoke" -> {
        String target = Json.str(Json.obj(msg, "revoke"), "original_message_id");
        if (target == null) {
          out.unparsed(msg, field, pointer, "revoke without original_message_id",
              dir.conversation(), dir.sender(), sentAt, wamid);
          return;
        }
        out.add(new Delete(CloudIds.of("delete", wamid), ParseBuilder.CHANNEL, dir.conversation(),
            dir.sender(), sentAt, null, CloudIds.message(target), dir.sender(), source));
      }
      case "edit" -> {
        JsonNode e = Json.obj(msg, "edit");
        String target = Json.str(e, "original_message_id");
        JsonNode inner = Json.obj(e, "message");
        Content c = inner == null ? null : content(inner, Json.str(inner, "type"));
        if (target == null || c == null) {
          out.unparsed(msg, field, pointer, "edit without original_message_id or a readable new"
              + " version", dir.conversation(), dir.sender(), sentAt, wamid);
          return;
        }
        // An edit changes text or a caption; WhatsApp keeps the media, so the new version's text
        // (or caption) is what the edit record carries.
        String text = c.text();
        if (text == null && !c.attachments().isEmpty()) {
          text = c.attachments().get(0).caption();
        }
        out.add(new Edit(CloudIds.of("edit", wamid), ParseBuilder.CHANNEL, dir.conversation(),
            dir.sender(), sentAt, null, CloudIds.message(target), text, source));
      }
      case "system" -> system(msg, wamid, sentAt, dir, source);
      case "unsupported" -> {
        Map<String, String> detail = new LinkedHashMap<>();
        String inner = Json.str(Json.obj(msg, "unsupported"), "type");
        if (inner != null) {
          detail.put("unsupported_type", inner);
        }
        errors(Json.arr(msg, "errors"), detail);
        out.add(new SystemEvent(CloudIds.of("system", wamid), ParseBuilder.CHANNEL,
            dir.conversation(), dir.sender(), sentAt, null, SystemEvent.Event.OTHER, dir.sender(),
            null, "a message of a type the Cloud API does not deliver"
                + (inner == null ? "" : " (" + inner + ")"), detail, source));
      }
      default -> {
        JsonNode interactive = Json.obj(msg, "interactive");
        if (type.equals("interactive") && interactive != null
            && "call_permission_reply".equals(Json.str(interactive, "type"))) {
          Map<String, String> detail = Json.leaves(interactive, 20);
          out.add(new SystemEvent(CloudIds.of("system", wamid), ParseBuilder.CHANNEL,
              dir.conversation(), dir.sender(), sentAt, null, SystemEvent.Event.OTHER, dir.sender(),
              null, "call permission reply", detail, source));
          break;
        }
        Content c = content(msg, type);
        if (c == null) {
          JsonNode errs = Json.arr(msg, "errors") != null ? Json.arr(msg, "errors") : valueErrors;
          if (!msg.has(type) && errs != null) {
            Map<String, String> detail = new LinkedHashMap<>();
            detail.put("message_type", type);
            errors(errs, detail);
            out.add(new SystemEvent(CloudIds.of("system", wamid), ParseBuilder.CHANNEL,
                dir.conversation(), dir.sender(), sentAt, null, SystemEvent.Event.OTHER,
                dir.sender(), null, "a message the Cloud API could not deliver", detail, source));
          } else {
            out.unparsed(msg, field, pointer, "message type '" + type + "' is not one Coffer"
                + " reads", dir.conversation(), dir.sender(), sentAt, wamid);
          }
          break;
        }
        message(msg, field, wamid, sentAt, context, c, dir, source);
      }
    }
    extras(msg, wamid, sentAt, context, dir, pointer);
  }

  /** Detail keys of a history media offer (see {@link #message}); {@code MediaCompletion} reads them. */
  static final String OFFER_TARGET = "media_target";
  static final String OFFER_INDEX = "media_index";

  private void message(JsonNode msg, String field, String wamid, Instant sentAt, JsonNode context,
      Content c, Direction dir, dev.coffer.model.Source source) {
    String recordId = CloudIds.message(wamid);
    String replyTo = context == null ? null : Json.str(context, "id");
    boolean forwarded = Json.flag(context, "forwarded") || Json.flag(context, "frequently_forwarded");
    out.add(Message.builder()
        .id(recordId)
        .channel(ParseBuilder.CHANNEL)
        .conversation(dir.conversation())
        .sender(dir.sender())
        .sentAt(sentAt)
        .text(c.text())
        .attachments(c.attachments())
        .replyTo(replyTo == null ? null : CloudIds.message(replyTo))
        .forwarded(forwarded)
        .location(c.location())
        .contact(c.contact())
        .sticker(c.sticker())
        .recipients(dir.recipients())
        .source(source)
        .build());
    for (int i = 0; i < c.mediaNodes().size(); i++) {
      JsonNode m = c.mediaNodes().get(i);
      String mediaId = Json.str(m, "id");
      if (mediaId == null) {
        continue;
      }
      String declared = Json.str(m, "sha256");
      String sha = MediaDigests.normalize(declared);
      if (sha == null && declared != null) {
        out.diagnostic(source.range(), "the webhook's sha256 for media " + mediaId
            + " is not a SHA-256 digest; the Graph API's will be used");
      }
      out.media.add(new MediaRef(recordId, i, mediaId, sha, Json.str(m, "mime_type"),
          Json.str(m, "filename"), Json.str(m, "caption"), dir.phoneNumberId(), out.raw));
      if (field.equals("history")) {
        // History sends media ids in a later webhook for messages already archived without
        // them; the message record is then a duplicate, so this record is what points at the
        // body holding the id, and lets the pending media be found again after a restart.
        Map<String, String> detail = new LinkedHashMap<>();
        detail.put(OFFER_TARGET, recordId);
        detail.put(OFFER_INDEX, Integer.toString(i));
        detail.put("media_id", mediaId);
        out.add(new SystemEvent(CloudIds.content("media-offer", wamid, mediaId),
            ParseBuilder.CHANNEL, dir.conversation(), null, out.receivedAt, null,
            SystemEvent.Event.OTHER, null, null, "media available for an earlier message", detail,
            source));
      }
    }
  }

  /**
   * The readable content of a message of {@code type}, or null when the type is not one Coffer
   * reads or its payload object is missing.
   */
  private Content content(JsonNode msg, String type) {
    if (type == null) {
      return null;
    }
    JsonNode body = Json.obj(msg, type);
    if (MEDIA.contains(type)) {
      if (body == null) {
        return null;
      }
      String id = Json.str(body, "id");
      // History back-fills deliver media messages without a media id at first: the file was sent
      // but its bytes are not (yet) available, which is what "missing" says; a later delivery with
      // an id is fetched and completed like any other.
      Attachment a = new Attachment(Json.str(body, "filename"), Json.str(body, "mime_type"), null,
          null, Json.str(body, "caption"), id == null, id != null);
      return new Content(null, List.of(a), List.of(body), null, null, type.equals("sticker"));
    }
    if (type.equals("contacts")) {
      JsonNode cards = Json.arr(msg, "contacts");
      if (cards == null) {
        return null;
      }
      return contacts(cards);
    }
    if (body == null) {
      return null;
    }
    return switch (type) {
      case "text" -> new Content(Json.str(body, "body"), List.of(), List.of(), null, null, false);
      case "location" -> {
        String lat = Json.str(body, "latitude");
        String lon = Json.str(body, "longitude");
        yield new Content(null, List.of(), List.of(), new Location(lat, lon,
            Json.str(body, "name"), Json.str(body, "address"), Json.str(body, "url"), false),
            null, false);
      }
      case "button" -> new Content(firstNonNull(Json.str(body, "text"), Json.str(body, "payload")),
          List.of(), List.of(), null, null, false);
      case "interactive" -> interactive(body);
      case "order" -> new Content(order(body), List.of(), List.of(), null, null, false);
      default -> null;
    };
  }

  private static Content interactive(JsonNode body) {
    String kind = Json.str(body, "type");
    if (kind == null) {
      return null;
    }
    JsonNode reply = Json.obj(body, kind);
    if (reply == null) {
      return null;
    }
    String text = switch (kind) {
      case "button_reply" -> firstNonNull(Json.str(reply, "title"), Json.str(reply, "id"));
      case "list_reply" -> lines(firstNonNull(Json.str(reply, "title"), Json.str(reply, "id")),
          Json.str(reply, "description"));
      // A Flow's answers are what the customer filled in: kept in the text so they are searched
      // and supervised like any message.
      case "nfm_reply" -> lines(Json.str(reply, "body"), Json.str(reply, "response_json"));
      default -> null;
    };
    return text == null ? null : new Content(text, List.of(), List.of(), null, null, false);
  }

  private static String order(JsonNode body) {
    List<String> parts = new ArrayList<>();
    String text = Json.str(body, "text");
    if (text != null && !text.isEmpty()) {
      parts.add(text);
    }
    JsonNode items = Json.arr(body, "product_items");
    if (items != null) {
      for (JsonNode item : items) {
        parts.add("order: " + Json.str(item, "quantity") + " × " + Json.str(item, "product_retailer_id")
            + " at " + Json.str(item, "item_price") + " " + Json.str(item, "currency"));
      }
    }
    String catalog = Json.str(body, "catalog_id");
    if (catalog != null) {
      parts.add("catalog: " + catalog);
    }
    return parts.isEmpty() ? null : String.join("\n", parts);
  }

  /** Shared contacts: the first card is the record's contact; all of them are listed in the text. */
  private static Content contacts(JsonNode cards) {
    List<String> lines = new ArrayList<>();
    ContactCard first = null;
    for (JsonNode card : cards) {
      JsonNode name = Json.obj(card, "name");
      String display = firstNonNull(Json.str(name, "formatted_name"),
          joined(Json.str(name, "first_name"), Json.str(name, "last_name")));
      List<String> phones = new ArrayList<>();
      JsonNode ps = Json.arr(card, "phones");
      if (ps != null) {
        for (JsonNode p : ps) {
          String phone = firstNonNull(Json.str(p, "phone"), Json.str(p, "wa_id"));
          if (phone != null) {
            phones.add(Handles.handle(phone));
          }
        }
      }
      if (first == null) {
        first = new ContactCard(display, phones.isEmpty() ? null : phones, null);
      }
      lines.add((display == null ? "" : display) + (phones.isEmpty() ? "" : ": " + String.join(", ", phones)));
    }
    if (first == null) {
      return null;
    }
    return new Content(lines.size() > 1 ? String.join("\n", lines) : null, List.of(), List.of(),
        null, first, false);
  }

  private void system(JsonNode msg, String wamid, Instant sentAt, Direction dir,
      dev.coffer.model.Source source) {
    JsonNode sys = Json.obj(msg, "system");
    String kind = Json.str(sys, "type");
    SystemEvent.Event event = switch (kind == null ? "" : kind) {
      case "user_changed_number", "customer_changed_number" -> SystemEvent.Event.NUMBER_CHANGED;
      case "customer_identity_changed" -> SystemEvent.Event.SECURITY_CODE_CHANGED;
      default -> SystemEvent.Event.OTHER;
    };
    Map<String, String> detail = new LinkedHashMap<>();
    if (kind != null) {
      detail.put("system_type", kind);
    }
    String newId = firstNonNull(Json.str(sys, "wa_id"), Json.str(sys, "new_wa_id"));
    if (newId != null) {
      detail.put("new_handle", out.handle(newId));
    }
    JsonNode identity = Json.obj(msg, "identity");
    if (identity != null) {
      Json.leaves(identity, 10).forEach((k, v) -> detail.put("identity." + k, v));
    }
    List<Party> subjects = newId == null ? null : List.of(out.party(newId, null));
    out.add(new SystemEvent(CloudIds.of("system", wamid), ParseBuilder.CHANNEL, dir.conversation(),
        dir.sender(), sentAt, null, event, dir.sender(), subjects, Json.str(sys, "body"), detail,
        source));
  }

  /** Referrals (click-to-WhatsApp ads) and product enquiries: what brought the customer here. */
  private void extras(JsonNode msg, String wamid, Instant sentAt, JsonNode context, Direction dir,
      String pointer) {
    JsonNode referral = Json.obj(msg, "referral");
    if (referral != null) {
      out.add(new SystemEvent(CloudIds.of("referral", wamid), ParseBuilder.CHANNEL,
          dir.conversation(), dir.sender(), sentAt, null, SystemEvent.Event.OTHER, dir.sender(),
          null, "came from an ad or post", Json.leaves(referral, 20),
          out.source(wamid, pointer + "/referral")));
    }
    JsonNode product = Json.obj(context, "referred_product");
    if (product != null) {
      out.add(new SystemEvent(CloudIds.of("referred_product", wamid), ParseBuilder.CHANNEL,
          dir.conversation(), dir.sender(), sentAt, null, SystemEvent.Event.OTHER, dir.sender(),
          null, "asked about a catalog product", Json.leaves(product, 10),
          out.source(wamid, pointer + "/context/referred_product")));
    }
  }

  /** The platform's errors as detail: {@code error.code}, {@code error.title}, {@code error.details}. */
  static void errors(JsonNode errors, Map<String, String> detail) {
    if (errors == null) {
      return;
    }
    int i = 0;
    for (JsonNode e : errors) {
      String prefix = errors.size() == 1 ? "error." : "error." + i + ".";
      put(detail, prefix + "code", Json.str(e, "code"));
      put(detail, prefix + "title", firstNonNull(Json.str(e, "title"), Json.str(e, "message")));
      put(detail, prefix + "details", Json.str(Json.obj(e, "error_data"), "details"));
      i++;
    }
  }

  /** One line for an error list: {@code 131051 Message type unknown: details}. */
  static String errorText(JsonNode errors) {
    if (errors == null || errors.isEmpty()) {
      return null;
    }
    List<String> parts = new ArrayList<>();
    for (JsonNode e : errors) {
      String details = Json.str(Json.obj(e, "error_data"), "details");
      parts.add(String.join(" ", nonNull(Json.str(e, "code"),
          firstNonNull(Json.str(e, "title"), Json.str(e, "message"))))
          + (details == null ? "" : ": " + details));
    }
    return String.join("; ", parts);
  }

  private static List<String> nonNull(String... parts) {
    List<String> out = new ArrayList<>();
    for (String p : parts) {
      if (p != null) {
        out.add(p);
      }
    }
    return out;
  }

  private static void put(Map<String, String> m, String k, String v) {
    if (v != null) {
      m.put(k, v);
    }
  }

  static String firstNonNull(String a, String b) {
    return a != null ? a : b;
  }

  /** Non-null parts joined by a space; null when there are none. */
  private static String joined(String a, String b) {
    if (a == null) {
      return b;
    }
    return b == null ? a : a + " " + b;
  }

  /** Non-null parts joined by a newline; null when there are none. */
  private static String lines(String a, String b) {
    if (a == null) {
      return b;
    }
    return b == null || b.isEmpty() ? a : a + "\n" + b;
  }
}
