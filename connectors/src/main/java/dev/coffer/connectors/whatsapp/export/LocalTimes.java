package dev.coffer.connectors.whatsapp.export;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;

/**
 * Turns an export's local times into instants with the operator's zone, in file order.
 *
 * <p>DST rule. <b>Gap</b> (a local time that did not exist, e.g. 02:30 on a spring-forward night):
 * the time is moved later by the length of the gap (02:30 becomes 03:30 local), as
 * {@link java.time.ZonedDateTime#ofLocal} does — a phone cannot show such a time, so the export was
 * made across a zone change and the later reading is the conventional one. <b>Overlap</b> (a local
 * time that happened twice, e.g. 01:30 on a fall-back night): the earlier offset is used, until the
 * file's local time goes backwards inside the same overlap (the clock was turned back), from which
 * point the later offset is used for the rest of that overlap. Stateful: one instance per file.
 */
final class LocalTimes {
  private final ZoneId zone;
  private final ZoneRules rules;
  private LocalDateTime previous;
  private ZoneOffsetTransition laterFor;

  LocalTimes(ZoneId zone) {
    this.zone = zone;
    this.rules = zone.getRules();
  }

  ZoneId zone() {
    return zone;
  }

  Instant toInstant(LocalDateTime local) {
    ZoneOffsetTransition t = rules.getTransition(local);
    Instant result;
    if (t == null) {
      result = local.toInstant(rules.getOffset(local));
    } else if (t.isGap()) {
      result = local.plus(t.getDuration()).toInstant(t.getOffsetAfter());
    } else {
      boolean later = t.equals(laterFor);
      if (!later && previous != null && local.isBefore(previous)
          && rules.getTransition(previous) != null && rules.getTransition(previous).equals(t)) {
        later = true;
        laterFor = t;
      }
      ZoneOffset offset = later ? t.getOffsetAfter() : t.getOffsetBefore();
      result = local.toInstant(offset);
    }
    previous = local;
    return result;
  }
}
