package dev.coffer.archive.retention;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coffer.model.Audit;
import dev.coffer.model.Record;
import java.time.Period;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One version of the archive's retention policy: a floor per {@link RetentionClass}, a maximum, and
 * rules giving a class and a period to records of a channel, a conversation or a group of people.
 *
 * <p>A version is archived as an audit record ({@code retention.policy}, see {@link Retention}) and
 * governs every record archived after it (larger serial), until the next version. Because a record's
 * policy version is fixed by its serial, a later version never changes an archived record's
 * retain-until: that is how "fixed when archived" is kept. Version 0 ({@link #defaults()}) governs
 * records archived before any policy was set.
 *
 * <p>Which rule applies: of the rules that match a record, the one giving the latest retain-until
 * (the longest period) wins; a record no rule matches gets its default class's floor (audit records:
 * {@link RetentionClass#BOOKS}; everything else: {@link #defaultClass()}).
 *
 * @param version 0 for the defaults; each archived version is the previous one plus 1
 * @param floors the shortest period of each class (every class present; each at least its
 *     {@link RetentionClass#defaultFloor()})
 * @param maximum the longest period a rule or an extension may give (at least every floor; 7 years by default)
 * @param defaultClass the class of records no rule matches
 * @param rules in order; see {@link Rule}
 */
public record RetentionPolicy(int version, Map<RetentionClass, Period> floors, Period maximum,
    RetentionClass defaultClass, List<Rule> rules) {

  /** The default maximum: MiFID's 5 years extendable to 7, the longest floor here being 6. */
  public static final Period DEFAULT_MAXIMUM = Period.ofYears(7);

  private static final ObjectMapper JSON = new ObjectMapper();

  public RetentionPolicy {
    if (version < 0) {
      throw new IllegalArgumentException("policy version must be >= 0, got " + version);
    }
    Objects.requireNonNull(floors, "floors");
    Objects.requireNonNull(maximum, "maximum");
    Objects.requireNonNull(defaultClass, "defaultClass");
    EnumMap<RetentionClass, Period> f = new EnumMap<>(RetentionClass.class);
    for (RetentionClass c : RetentionClass.values()) {
      Period p = floors.getOrDefault(c, c.defaultFloor());
      months(p, "floors." + c.jsonName());
      if (months(p, "") < months(c.defaultFloor(), "")) {
        throw new IllegalArgumentException("floors." + c.jsonName() + " is " + p + "; it may not be below "
            + c.defaultFloor() + " (the regulatory floor)");
      }
      f.put(c, p);
    }
    floors = java.util.Collections.unmodifiableMap(f);
    for (Map.Entry<RetentionClass, Period> e : floors.entrySet()) {
      if (months(maximum, "maximum") < months(e.getValue(), "")) {
        throw new IllegalArgumentException("maximum " + maximum + " is below floors." + e.getKey().jsonName() + " " + e.getValue());
      }
    }
    rules = List.copyOf(rules == null ? List.of() : rules);
    for (int i = 0; i < rules.size(); i++) {
      Rule r = rules.get(i);
      long m = months(r.period(), "rules[" + i + "].period");
      if (m < months(floors.get(r.retentionClass()), "")) {
        throw new IllegalArgumentException("rules[" + i + "] (" + r.describe() + ") gives " + r.period()
            + ", below the " + r.retentionClass().jsonName() + " floor " + floors.get(r.retentionClass()));
      }
      if (m > months(maximum, "")) {
        throw new IllegalArgumentException("rules[" + i + "] (" + r.describe() + ") gives " + r.period()
            + ", above the maximum " + maximum);
      }
    }
  }

  /** Version 0: the default floors, a 7-year maximum, communications for everything, no rules. */
  public static RetentionPolicy defaults() {
    return new RetentionPolicy(0, Map.of(), DEFAULT_MAXIMUM, RetentionClass.COMMUNICATIONS, List.of());
  }

  /** This policy as the next version number, for archiving after {@code previous}. */
  public RetentionPolicy asVersion(int v) {
    return new RetentionPolicy(v, floors, maximum, defaultClass, rules);
  }

  /** What the policy decides for one record. */
  public record Decision(RetentionClass retentionClass, Period period, String rule) {}

  /** The class and period this version gives {@code record} (see the class comment for the order). */
  public Decision decide(Record record) {
    RetentionClass base = record instanceof Audit ? RetentionClass.BOOKS : defaultClass;
    Decision best = new Decision(base, floors.get(base), "default (" + base.jsonName() + " floor)");
    for (Rule r : rules) {
      if (r.matches(record) && months(r.period(), "") > months(best.period(), "")) {
        best = new Decision(r.retentionClass(), r.period(), r.describe());
      }
    }
    return best;
  }

  /**
   * A rule: records of one channel, one conversation, or sent by one of a group of people, kept for
   * {@code period} under {@code retentionClass}. Exactly one of {@code channel}, {@code conversation},
   * {@code people} is set.
   */
  public record Rule(String channel, String conversation, Set<String> people, RetentionClass retentionClass, Period period) {
    public Rule {
      int set = (channel != null ? 1 : 0) + (conversation != null ? 1 : 0) + (people != null ? 1 : 0);
      if (set != 1) {
        throw new IllegalArgumentException("a rule names exactly one of channel, conversation, people");
      }
      if (people != null) {
        if (people.isEmpty()) {
          throw new IllegalArgumentException("a people rule names at least one handle");
        }
        people = Set.copyOf(people);
      }
      Objects.requireNonNull(retentionClass, "rule class");
      Objects.requireNonNull(period, "rule period");
    }

    public static Rule channel(String channel, RetentionClass c, Period p) {
      return new Rule(channel, null, null, c, p);
    }

    public static Rule conversation(String id, RetentionClass c, Period p) {
      return new Rule(null, id, null, c, p);
    }

    public static Rule people(Set<String> handles, RetentionClass c, Period p) {
      return new Rule(null, null, handles, c, p);
    }

    boolean matches(Record r) {
      if (channel != null) {
        return channel.equals(r.channel());
      }
      if (conversation != null) {
        return r.conversation() != null && conversation.equals(r.conversation().id());
      }
      return r.sender() != null && r.sender().handle() != null && people.contains(r.sender().handle());
    }

    /** E.g. {@code channel=wechat -> mifid P5Y}. */
    public String describe() {
      String what = channel != null ? "channel=" + channel
          : conversation != null ? "conversation=" + conversation
          : "people=" + String.join(",", new java.util.TreeSet<>(people));
      return what + " -> " + retentionClass.jsonName() + " " + period;
    }
  }

  // ------------------------------------------------------------ JSON

  /** The policy as JSON (the {@code policy} detail of its audit record; also the CLI's file format). */
  public String toJson() {
    ObjectNode o = JSON.createObjectNode();
    o.put("version", version);
    ObjectNode f = o.putObject("floors");
    floors.forEach((c, p) -> f.put(c.jsonName(), p.toString()));
    o.put("maximum", maximum.toString());
    o.put("default", defaultClass.jsonName());
    ArrayNode rs = o.putArray("rules");
    for (Rule r : rules) {
      ObjectNode n = rs.addObject();
      if (r.channel() != null) {
        n.put("channel", r.channel());
      } else if (r.conversation() != null) {
        n.put("conversation", r.conversation());
      } else {
        ArrayNode ps = n.putArray("people");
        new java.util.TreeSet<>(r.people()).forEach(ps::add);
      }
      n.put("class", r.retentionClass().jsonName());
      n.put("period", r.period().toString());
    }
    return o.toString();
  }

  /**
   * Reads a policy from JSON. {@code version} may be absent (the archive numbers it); absent floors
   * are the defaults, an absent maximum is 7 years, an absent default class is communications.
   *
   * @throws IllegalArgumentException naming the field that is wrong
   */
  public static RetentionPolicy fromJson(String json) {
    JsonNode o;
    try {
      o = JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("retention policy is not JSON: " + e.getMessage());
    }
    if (o == null || !o.isObject()) {
      throw new IllegalArgumentException("retention policy must be a JSON object");
    }
    for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!Set.of("version", "floors", "maximum", "default", "rules").contains(k)) {
        throw new IllegalArgumentException("retention policy: unknown field '" + k + "'");
      }
    }
    int version = o.has("version") ? o.get("version").asInt(-1) : 0;
    EnumMap<RetentionClass, Period> floors = new EnumMap<>(RetentionClass.class);
    if (o.has("floors")) {
      for (Iterator<Map.Entry<String, JsonNode>> it = o.get("floors").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        floors.put(RetentionClass.parse(e.getKey()), period(e.getValue().asText(), "floors." + e.getKey()));
      }
    }
    Period maximum = o.has("maximum") ? period(o.get("maximum").asText(), "maximum") : DEFAULT_MAXIMUM;
    RetentionClass def = o.has("default") ? RetentionClass.parse(o.get("default").asText()) : RetentionClass.COMMUNICATIONS;
    List<Rule> rules = new ArrayList<>();
    if (o.has("rules")) {
      int i = 0;
      for (JsonNode n : o.get("rules")) {
        String where = "rules[" + i++ + "]";
        if (!n.has("class") || !n.has("period")) {
          throw new IllegalArgumentException(where + " needs 'class' and 'period'");
        }
        RetentionClass c = RetentionClass.parse(n.get("class").asText());
        Period p = period(n.get("period").asText(), where + ".period");
        if (n.has("channel")) {
          rules.add(Rule.channel(n.get("channel").asText(), c, p));
        } else if (n.has("conversation")) {
          rules.add(Rule.conversation(n.get("conversation").asText(), c, p));
        } else if (n.has("people")) {
          java.util.Set<String> ps = new java.util.TreeSet<>();
          n.get("people").forEach(h -> ps.add(h.asText()));
          rules.add(Rule.people(ps, c, p));
        } else {
          throw new IllegalArgumentException(where + " needs one of 'channel', 'conversation', 'people'");
        }
      }
    }
    return new RetentionPolicy(version, floors, maximum, def, rules);
  }

  static Period period(String s, String field) {
    try {
      Period p = Period.parse(s);
      months(p, field);
      return p;
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(field + ": '" + s + "' is not an ISO-8601 period such as P3Y or P18M");
    }
  }

  /** Periods are whole years and months, so they compare exactly. */
  static long months(Period p, String field) {
    if (p.getDays() != 0 || p.isNegative() || p.toTotalMonths() < 1) {
      throw new IllegalArgumentException(field + ": " + p + " must be a positive period of years and months (no days)");
    }
    return p.toTotalMonths();
  }
}
