package dev.coffer.connectors.whatsapp.export;

import java.time.ZoneId;
import java.util.Objects;

/**
 * What the operator tells the importer. Validated on construction (a bad value fails naming the
 * field and the value).
 *
 * @param zone the exporting phone's time zone: export times are local and carry none (required)
 * @param ownerPhone the exporter's phone number (E.164 after normalization), or null
 * @param ownerName the exporter's display name as it appears on their own messages, or null
 * @param dateOrder the date order, overriding the per-file decision, or null to decide
 * @param chatTitle the conversation title, overriding the one taken from the file name, or null
 * @param actorName who runs the import (for the audit record), or null for "unknown"
 * @param actorHost where the import runs (for the audit record), or null
 * @param limits hostile-input limits
 */
public record ImportOptions(
    ZoneId zone,
    String ownerPhone,
    String ownerName,
    DateOrder dateOrder,
    String chatTitle,
    String actorName,
    String actorHost,
    ImportLimits limits) {

  public ImportOptions {
    Objects.requireNonNull(zone, "zone (an IANA time zone such as Europe/Berlin) is required");
    ownerPhone = Parties.ownerPhone(blankToNull(ownerPhone));
    ownerName = blankToNull(ownerName);
    chatTitle = blankToNull(chatTitle);
    actorName = blankToNull(actorName);
    actorHost = blankToNull(actorHost);
    limits = limits == null ? ImportLimits.DEFAULT : limits;
  }

  /** Options with only the zone set. */
  public static ImportOptions of(ZoneId zone) {
    return new ImportOptions(zone, null, null, null, null, null, null, null);
  }

  /** Reads an IANA zone id, failing with the field name and value. */
  public static ZoneId zone(String id) {
    try {
      return ZoneId.of(id);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("zone must be an IANA time zone such as Europe/Berlin,"
          + " not '" + id + "'", e);
    }
  }

  public ImportOptions withOwner(String phone, String name) {
    return new ImportOptions(zone, phone, name, dateOrder, chatTitle, actorName, actorHost, limits);
  }

  public ImportOptions withDateOrder(DateOrder order) {
    return new ImportOptions(zone, ownerPhone, ownerName, order, chatTitle, actorName, actorHost,
        limits);
  }

  public ImportOptions withChatTitle(String title) {
    return new ImportOptions(zone, ownerPhone, ownerName, dateOrder, title, actorName, actorHost,
        limits);
  }

  public ImportOptions withActor(String name, String host) {
    return new ImportOptions(zone, ownerPhone, ownerName, dateOrder, chatTitle, name, host, limits);
  }

  public ImportOptions withLimits(ImportLimits l) {
    return new ImportOptions(zone, ownerPhone, ownerName, dateOrder, chatTitle, actorName,
        actorHost, l);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
