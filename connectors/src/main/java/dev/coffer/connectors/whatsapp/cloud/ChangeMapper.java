package dev.coffer.connectors.whatsapp.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coffer.connectors.whatsapp.cloud.MessageMapper.Direction;
import dev.coffer.model.Call;
import dev.coffer.model.Conversation;
import dev.coffer.model.Party;
import dev.coffer.model.Receipt;
import dev.coffer.model.SystemEvent;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Walks the envelope ({@code entry[].changes[].{field, value}}) and maps each change by its field.
 * Fields Coffer reads in full: {@code messages} (messages and statuses), {@code smb_message_echoes},
 * {@code history}, {@code smb_app_state_sync}, {@code calls}, {@code group_lifecycle_update}; the
 * other platform fields in {@link #PLATFORM_FIELDS} are kept as {@code system} records with their
 * scalar values as detail; anything else is unparsed.
 */
final class ChangeMapper {
  /** Account, template, preference and group notifications: archived as platform events. */
  static final Set<String> PLATFORM_FIELDS = Set.of(
      "account_update", "account_alerts", "account_review_update", "business_capability_update",
      "message_template_status_update", "message_template_quality_update",
      "message_template_components_update", "template_category_update", "user_preferences",
      "group_participants_update", "group_settings_update", "group_status_update",
      "phone_number_name_update", "phone_number_quality_update", "security");

  /** The most scalar values a platform event's detail keeps (the raw body has the rest). */
  private static final int DETAIL_LIMIT = 40;

  private final ParseBuilder out;
  private final MessageMapper messages;

  ChangeMapper(ParseBuilder out) {
    this.out = out;
    this.messages = new MessageMapper(out);
  }

  /** What every change in one entry shares. */
  private record Context(String wabaId, String field, String phoneNumberId, Party business,
      Map<String, String> names, String entryTime) {}

  void envelope(JsonNode root) {
    JsonNode entries = Json.arr(root, "entry");
    if (entries == null) {
      out.unparsed(root, "envelope", "", "not a WhatsApp Business webhook: no entry array", null,
          null, null, null);
      return;
    }
    String object = Json.str(root, "object");
    if (!"whatsapp_business_account".equals(object)) {
      out.diagnostic("/object", "expected whatsapp_business_account; read as one anyway");
    }
    for (int i = 0; i < entries.size(); i++) {
      JsonNode entry = entries.get(i);
      String ptr = "/entry/" + i;
      JsonNode changes = Json.arr(entry, "changes");
      if (changes == null) {
        out.unparsed(entry, "entry", ptr, "an entry without a changes array", null, null, null, null);
        continue;
      }
      for (int j = 0; j < changes.size(); j++) {
        JsonNode change = changes.get(j);
        String cptr = ptr + "/changes/" + j;
        String field = Json.str(change, "field");
        JsonNode value = Json.obj(change, "value");
        if (field == null || value == null) {
          out.unparsed(change, "change", cptr, "a change without a field name or a value object",
              null, null, null, null);
          continue;
        }
        change(field, value, cptr + "/value", context(entry, field, value));
      }
    }
  }

  private static Context context(JsonNode entry, String field, JsonNode value) {
    JsonNode meta = Json.obj(value, "metadata");
    String pnid = Json.str(meta, "phone_number_id");
    String display = Json.str(meta, "display_phone_number");
    Party business = display != null ? Handles.party(display, null)
        : (pnid != null ? new Party(pnid, null) : null);
    Map<String, String> names = new HashMap<>();
    JsonNode contacts = Json.arr(value, "contacts");
    if (contacts != null) {
      for (JsonNode c : contacts) {
        String name = Json.str(Json.obj(c, "profile"), "name");
        if (name == null) {
          continue;
        }
        for (String key : new String[] {"wa_id", "user_id"}) {
          String id = Json.str(c, key);
          if (id != null) {
            names.put(id, name);
          }
        }
      }
    }
    return new Context(Json.str(entry, "id"), field, pnid, business, names,
        Json.str(entry, "time"));
  }

  private void change(String field, JsonNode value, String ptr, Context ctx) {
    switch (field) {
      case "messages" -> {
        int n = each(value, "messages", ptr, (m, p) -> messages.map(m, field, p, inbound(m, ctx), Json.arr(value, "errors")))
            + each(value, "statuses", ptr, (s, p) -> status(s, p, ctx))
            + each(value, "errors", ptr, (e, p) -> platformError(value, e, p, ctx));
        if (n == 0) {
          out.unparsed(value, field, ptr, "a messages change with no messages, statuses or errors",
              null, null, null, null);
        }
      }
      case "smb_message_echoes" -> {
        int n = each(value, "message_echoes", ptr,
            (m, p) -> messages.map(m, field, p, echo(m, ctx)))
            + each(value, "errors", ptr, (e, p) -> platformError(value, e, p, ctx));
        if (n == 0) {
          out.unparsed(value, field, ptr, "an echoes change without message_echoes", null, null,
              null, null);
        }
      }
      case "history" -> {
        if (each(value, "history", ptr, (h, p) -> history(h, p, ctx)) == 0) {
          out.unparsed(value, field, ptr, "a history change without history items", null, null,
              null, null);
        }
      }
      case "smb_app_state_sync" -> {
        if (each(value, "state_sync", ptr, (s, p) -> stateSync(s, p, ctx)) == 0) {
          out.unparsed(value, field, ptr, "a state sync change without state_sync items", null,
              null, null, null);
        }
      }
      case "calls" -> {
        int n = each(value, "calls", ptr, (c, p) -> call(c, p, ctx))
            + each(value, "statuses", ptr, (s, p) -> event(s, p, ctx, "call status"))
            + each(value, "errors", ptr, (e, p) -> platformError(value, e, p, ctx));
        if (n == 0) {
          out.unparsed(value, field, ptr, "a calls change without calls or statuses", null, null,
              null, null);
        }
      }
      case "group_lifecycle_update" -> {
        if (each(value, "groups", ptr, (g, p) -> groupLifecycle(g, p, ctx)) == 0) {
          out.unparsed(value, field, ptr, "a group lifecycle change without groups", null, null,
              null, null);
        }
      }
      default -> {
        if (!PLATFORM_FIELDS.contains(field)) {
          out.unparsed(value, field, ptr, "webhook field '" + field + "' is not one Coffer reads",
              null, null, null, null);
        } else if (field.equals("user_preferences") && Json.arr(value, "user_preferences") != null) {
          each(value, "user_preferences", ptr, (u, p) -> event(u, p, ctx, field));
        } else {
          event(value, ptr, ctx, field);
        }
      }
    }
  }

  @FunctionalInterface
  private interface ItemMapper {
    void map(JsonNode item, String pointer);
  }

  /**
   * Maps each item of the array {@code name}; an item whose mapping fails on a defect is kept as
   * unparsed rather than losing the rest of the body. Returns how many items there were.
   */
  private int each(JsonNode value, String name, String ptr, ItemMapper mapper) {
    JsonNode items = Json.arr(value, name);
    if (items == null) {
      return 0;
    }
    for (int k = 0; k < items.size(); k++) {
      String p = ptr + "/" + name + "/" + k;
      int before = out.records.size();
      int mediaBefore = out.media.size();
      try {
        mapper.map(items.get(k), p);
      } catch (RuntimeException e) {
        out.records.subList(before, out.records.size()).clear();
        out.media.subList(mediaBefore, out.media.size()).clear();
        out.unparsed(items.get(k), name, p, "could not be read (" + e.getClass().getSimpleName()
            + ")", null, null, null, null);
      }
    }
    return items.size();
  }

  private Direction inbound(JsonNode m, Context ctx) {
    String from = Json.str(m, "from");
    String customer = from != null ? from : Json.str(m, "from_user_id");
    String name = customer == null ? null : ctx.names().get(customer);
    if (name == null && Json.str(m, "from_user_id") != null) {
      name = ctx.names().get(Json.str(m, "from_user_id"));
    }
    Party sender = out.party(customer, name);
    String group = Json.str(m, "group_id");
    if (group != null) {
      return new Direction(CloudIds.group(group, null), sender, null, ctx.phoneNumberId());
    }
    return new Direction(CloudIds.direct(ctx.phoneNumberId(), Handles.customerKey(customer), name),
        sender, ctx.business() == null ? null : List.of(ctx.business()), ctx.phoneNumberId());
  }

  private Direction echo(JsonNode m, Context ctx) {
    String to = Json.str(m, "to");
    String customer = to != null ? to : Json.str(m, "to_user_id");
    Party business = ctx.business() != null ? ctx.business()
        : out.party(Json.str(m, "from"), null);
    String group = Json.str(m, "group_id");
    if (group != null) {
      return new Direction(CloudIds.group(group, null), business, null, ctx.phoneNumberId());
    }
    Party recipient = out.party(customer, null);
    return new Direction(CloudIds.direct(ctx.phoneNumberId(), Handles.customerKey(customer), null),
        business, recipient == null ? null : List.of(recipient), ctx.phoneNumberId());
  }

  private void status(JsonNode s, String ptr, Context ctx) {
    String wamid = Json.str(s, "id");
    String status = Json.str(s, "status");
    String ts = Json.str(s, "timestamp");
    String recipientId = Json.str(s, "recipient_id");
    boolean group = "group".equals(Json.str(s, "recipient_type"));
    String participant = MessageMapper.firstNonNull(Json.str(s, "recipient_participant_id"),
        Json.str(s, "recipient_participant_user_id"));
    if (wamid == null || status == null) {
      out.unparsed(s, "statuses", ptr, "a status without id or status", null, null,
          Json.seconds(ts), wamid);
      return;
    }
    Conversation conversation = group ? CloudIds.group(recipientId, null)
        : CloudIds.direct(ctx.phoneNumberId(), Handles.customerKey(recipientId), null);
    Party recipient = group ? out.party(participant, null) : out.party(recipientId, null);
    String id = CloudIds.receipt(wamid, status, recipientId, participant, ts);
    Instant at = Json.seconds(ts);
    Receipt.Status st = switch (status) {
      case "sent" -> Receipt.Status.SENT;
      case "delivered" -> Receipt.Status.DELIVERED;
      case "read" -> Receipt.Status.READ;
      case "played" -> Receipt.Status.PLAYED;
      case "failed" -> Receipt.Status.FAILED;
      default -> null;
    };
    if (st == null) {
      Map<String, String> detail = new LinkedHashMap<>();
      detail.put("status", status);
      detail.put("target", CloudIds.message(wamid));
      MessageMapper.errors(Json.arr(s, "errors"), detail);
      out.add(new SystemEvent(id, ParseBuilder.CHANNEL, conversation, null,
          at != null ? at : out.receivedAt, null, SystemEvent.Event.OTHER, null,
          recipient == null ? null : List.of(recipient), "message status: " + status, detail,
          out.source(wamid, ptr)));
      return;
    }
    out.add(new Receipt(id, ParseBuilder.CHANNEL, conversation, null, at, null,
        CloudIds.message(wamid), st, recipient, MessageMapper.errorText(Json.arr(s, "errors")),
        out.source(wamid, ptr)));
  }

  private void history(JsonNode h, String ptr, Context ctx) {
    JsonNode meta = Json.obj(h, "metadata");
    int phase = Json.integer(meta, "phase", -1);
    int chunk = Json.integer(meta, "chunk_order", -1);
    int progress = Json.integer(meta, "progress", -1);
    JsonNode errors = Json.arr(h, "errors");
    JsonNode threads = Json.arr(h, "threads");
    if (errors != null && !errors.isEmpty()) {
      platformError(h, h, ptr, ctx);
      out.history.add(new HistoryChunk(ctx.phoneNumberId(), phase, chunk, progress, 0, 0,
          MessageMapper.errorText(errors)));
      return;
    }
    if (threads == null) {
      out.unparsed(h, "history", ptr, "a history item without threads or errors", null, null,
          null, null);
      return;
    }
    int count = 0;
    for (int t = 0; t < threads.size(); t++) {
      JsonNode thread = threads.get(t);
      String customer = Json.str(thread, "id");
      JsonNode msgs = Json.arr(thread, "messages");
      String tptr = ptr + "/threads/" + t;
      if (msgs == null) {
        out.unparsed(thread, "history", tptr, "a history thread without messages", null, null,
            null, null);
        continue;
      }
      Conversation conversation = CloudIds.direct(ctx.phoneNumberId(),
          Handles.customerKey(customer), null);
      for (int k = 0; k < msgs.size(); k++) {
        JsonNode m = msgs.get(k);
        String from = Json.str(m, "from");
        boolean byBusiness = Json.str(m, "to") != null
            || (from != null && customer != null
                && !Handles.customerKey(from).equals(Handles.customerKey(customer)));
        Direction dir = byBusiness
            ? new Direction(conversation, ctx.business() != null ? ctx.business()
                : out.party(from, null), listOf(out.party(customer, null)), ctx.phoneNumberId())
            : new Direction(conversation, out.party(from != null ? from : customer, null),
                ctx.business() == null ? null : List.of(ctx.business()), ctx.phoneNumberId());
        String mptr = tptr + "/messages/" + k;
        int before = out.records.size();
        int mediaBefore = out.media.size();
        try {
          messages.map(m, "history", mptr, dir);
        } catch (RuntimeException e) {
          out.records.subList(before, out.records.size()).clear();
          out.media.subList(mediaBefore, out.media.size()).clear();
          out.unparsed(m, "history", mptr, "could not be read (" + e.getClass().getSimpleName()
              + ")", conversation, null, null, null);
        }
        count++;
      }
    }
    out.history.add(new HistoryChunk(ctx.phoneNumberId(), phase, chunk, progress, threads.size(),
        count, null));
  }

  private static List<Party> listOf(Party p) {
    return p == null ? null : List.of(p);
  }

  private void stateSync(JsonNode s, String ptr, Context ctx) {
    if (!"contact".equals(Json.str(s, "type"))) {
      event(s, ptr, ctx, "smb_app_state_sync");
      return;
    }
    JsonNode contact = Json.obj(s, "contact");
    String phone = Json.str(contact, "phone_number");
    String full = Json.str(contact, "full_name");
    String first = Json.str(contact, "first_name");
    String action = Json.str(s, "action");
    if (contact == null || action == null) {
      out.unparsed(s, "state_sync", ptr, "a contact sync without contact or action", null, null,
          null, null);
      return;
    }
    Instant at = Json.seconds(Json.str(Json.obj(s, "metadata"), "timestamp"));
    Instant when = at != null ? at : out.receivedAt;
    String id = CloudIds.content("contact-sync", ctx.phoneNumberId(), Json.text(s));
    Map<String, String> detail = new LinkedHashMap<>();
    detail.put("action", action);
    putIfPresent(detail, "full_name", full);
    putIfPresent(detail, "first_name", first);
    putIfPresent(detail, "phone", phone == null ? null : out.handle(phone));
    Party subject = out.party(phone, full);
    Conversation conversation = phone == null ? null
        : CloudIds.direct(ctx.phoneNumberId(), Handles.customerKey(phone), null);
    out.add(new SystemEvent(id, ParseBuilder.CHANNEL, conversation, ctx.business(), when, null,
        SystemEvent.Event.OTHER, ctx.business(), subject == null ? null : List.of(subject),
        ContactSync.TEXT_PREFIX + action, detail, out.source(null, ptr)));
    ContactSync.Action a = ContactSync.Action.of(action);
    out.contacts.add(new ContactSync(ctx.phoneNumberId(),
        ctx.business() == null ? null : ctx.business().handle(),
        phone == null ? null : out.handle(phone), full, first, a, when, id));
  }

  private void call(JsonNode c, String ptr, Context ctx) {
    String callId = Json.str(c, "id");
    String event = Json.str(c, "event");
    if (callId == null || event == null) {
      out.unparsed(c, "calls", ptr, "a call without id or event", null, null, null, null);
      return;
    }
    String from = Json.str(c, "from");
    String to = Json.str(c, "to");
    boolean userInitiated = !"BUSINESS_INITIATED".equals(Json.str(c, "direction"));
    String customer = userInitiated ? from : to;
    Conversation conversation = CloudIds.direct(ctx.phoneNumberId(), Handles.customerKey(customer),
        null);
    Party caller = userInitiated ? out.party(from, ctx.names().get(from))
        : (ctx.business() != null ? ctx.business() : out.party(from, null));
    Instant at = Json.seconds(Json.str(c, "timestamp"));
    String id = CloudIds.of("call-" + event, callId);
    if (event.equals("terminate")) {
      String status = Json.str(c, "status");
      String duration = Json.str(c, "duration");
      Long seconds = duration != null && duration.matches("[0-9]{1,9}") ? Long.valueOf(duration) : null;
      Call.Status st = switch (status == null ? "" : status.toUpperCase(java.util.Locale.ROOT)) {
        case "COMPLETED" -> seconds != null && seconds == 0 ? Call.Status.MISSED : Call.Status.COMPLETED;
        case "REJECTED", "DECLINED" -> Call.Status.DECLINED;
        default -> Call.Status.MISSED;
      };
      out.add(new Call(id, ParseBuilder.CHANNEL, conversation, caller, at, null, Call.Media.VOICE,
          st, seconds, false, status, out.source(callId, ptr)));
      return;
    }
    // Connect and other call events carry session descriptions (SDP), which are signalling, not
    // content: the detail leaves them out; the raw body keeps them.
    JsonNode copy = c.deepCopy();
    if (copy instanceof ObjectNode o) {
      o.remove("session");
    }
    out.add(new SystemEvent(id, ParseBuilder.CHANNEL, conversation, caller,
        at != null ? at : out.receivedAt, null, SystemEvent.Event.OTHER, caller, null,
        "call " + event, Json.leaves(copy, DETAIL_LIMIT), out.source(callId, ptr)));
  }

  private void groupLifecycle(JsonNode g, String ptr, Context ctx) {
    String groupId = Json.str(g, "group_id");
    String type = Json.str(g, "type");
    if (groupId == null || type == null) {
      out.unparsed(g, "groups", ptr, "a group update without group_id or type", null, null, null,
          null);
      return;
    }
    String subject = Json.str(g, "subject");
    Instant at = Json.seconds(Json.str(g, "timestamp"));
    if (at == null && Json.str(g, "timestamp") != null) {
      out.diagnostic(ptr, "timestamp is not unix seconds; the time received is used");
    }
    SystemEvent.Event event = type.equals("group_create") ? SystemEvent.Event.GROUP_CREATED
        : SystemEvent.Event.OTHER;
    out.add(new SystemEvent(CloudIds.content("group", ctx.field(), Json.text(g)),
        ParseBuilder.CHANNEL, CloudIds.group(groupId, subject), ctx.business(),
        at != null ? at : out.receivedAt, null, event, ctx.business(), null, type,
        Json.leaves(g, DETAIL_LIMIT), out.source(null, ptr)));
  }

  /**
   * A platform notification kept as a {@code system} record: the field (and event word) as text,
   * scalar values as detail. The id is the item's text with its entry's id and time, so a
   * re-delivery is the same record and two notifications that differ in anything are two.
   */
  private void event(JsonNode item, String ptr, Context ctx, String what) {
    String waId = Json.str(item, "wa_id");
    String groupId = Json.str(item, "group_id");
    Conversation conversation = groupId != null ? CloudIds.group(groupId, null)
        : waId != null ? CloudIds.direct(ctx.phoneNumberId(), Handles.customerKey(waId), null)
        : null;
    Instant at = Json.seconds(Json.str(item, "timestamp"));
    if (at == null) {
      at = Json.seconds(ctx.entryTime());
    }
    String word = MessageMapper.firstNonNull(Json.str(item, "event"), Json.str(item, "status"));
    Map<String, String> detail = Json.leaves(item, DETAIL_LIMIT);
    detail.put("field", ctx.field());
    String key = ctx.wabaId() + "|" + ctx.entryTime() + "|" + Json.text(item);
    out.add(new SystemEvent(CloudIds.content("event", ctx.field(), key), ParseBuilder.CHANNEL,
        conversation, null, at != null ? at : out.receivedAt, null, SystemEvent.Event.OTHER, null,
        waId == null ? null : List.of(out.party(waId, null)),
        what + (word == null ? "" : ": " + word), detail, out.source(null, ptr)));
  }

  /** An error the platform reported about a change (not about one message). */
  private void platformError(JsonNode value, JsonNode error, String ptr, Context ctx) {
    Map<String, String> detail = new LinkedHashMap<>();
    MessageMapper.errors(error.has("errors") ? Json.arr(error, "errors")
        : Json.MAPPER.createArrayNode().add(error), detail);
    detail.put("field", ctx.field());
    String key = ctx.wabaId() + "|" + Json.text(error) + "|" + Json.text(value);
    out.add(new SystemEvent(CloudIds.content("error", ctx.field(), key), ParseBuilder.CHANNEL,
        null, null, out.receivedAt, null, SystemEvent.Event.OTHER, null, null,
        "the platform reported an error", detail, out.source(null, ptr)));
  }

  private static void putIfPresent(Map<String, String> m, String k, String v) {
    if (v != null) {
      m.put(k, v);
    }
  }
}
