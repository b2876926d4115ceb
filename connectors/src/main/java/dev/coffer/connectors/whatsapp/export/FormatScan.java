package dev.coffer.connectors.whatsapp.export;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pass 1: looks only at headers, finds every header shape (template) the file uses, and decides each
 * shape's date order from that shape's own lines.
 *
 * <p>Which shapes are read as headers: the most frequent one (the primary) always; another shape
 * when at least {@value #MIN_SUPPORT} of its lines have the full header shape (an author before
 * ": ", or a known system phrase); a shape seen on one such line only when that line cannot be
 * misread: its date order is decided by the line itself (a component above 12, or day equal to
 * month) or by the operator, its date is valid, and it is not earlier than the header before it (a
 * quoted or pasted message inside another message is usually older than it). Lines of other shapes,
 * and lines of a used secondary shape without the full shape, stay {@code unparsed} records.
 *
 * <p>Date-order rule, per shape, on the two components that are not the year (x written first, y
 * second), over every header of that shape:
 * <ol>
 *   <li>a component above 12 is a day: x above 12 means day-first, y above 12 means month-first
 *       (if both happen, the order under which more dates are valid wins, with a warning);
 *   <li>else, between consecutive distinct dates of the same year the month never decreases in a
 *       chronological file: x decreasing means day-first, y decreasing means month-first;
 *   <li>else the component that changes more in total is the day;
 *   <li>else (one date, or no change) day-first, reported as a guess the operator can override.
 * </ol>
 * Memory is bounded: statistics per shape, at most {@value #MAX_SHAPES} shapes.
 */
final class FormatScan {
  static final int MAX_SHAPES = 64;
  /** Lines with the full header shape a secondary shape needs to be read without further checks. */
  static final int MIN_SUPPORT = 2;

  private final Map<String, Stats> shapes = new LinkedHashMap<>();
  /** The shape {@link #add} counted last. */
  private Stats lastShape;
  private long ignoredShapeLines;
  private Header lastFull;
  private int lastFullLine;

  private static final class Stats {
    final String template;
    final int yearIndex;
    long lines;
    long fullShape;
    Header firstFull;
    int firstFullLine;
    Header beforeFirstFull;
    int beforeFirstFullLine;
    int maxX;
    int maxXLine;
    int maxY;
    int maxYLine;
    long xOver12;
    long yOver12;
    int xDecreaseLine = -1;
    int yDecreaseLine = -1;
    long sumDx;
    long sumDy;
    int lastX = -1;
    int lastY = -1;
    int lastYear = -1;

    Stats(String template, int yearIndex) {
      this.template = template;
      this.yearIndex = yearIndex;
    }
  }

  /** Counts a header line; {@code fullShape} if an author or a known system phrase follows it. */
  void add(Header h, int lineNumber, boolean fullShape) {
    // Templates are shared strings and a file mostly has one: the last shape is found by identity.
    Stats s = lastShape != null && lastShape.template == h.template() ? lastShape
        : shapes.get(h.template());
    if (s != null) {
      lastShape = s;
    } else {
      if (shapes.size() >= MAX_SHAPES) {
        ignoredShapeLines++;
        return;
      }
      s = new Stats(h.template(), h.yearIndex());
      shapes.put(h.template(), s);
      lastShape = s;
    }
    if (fullShape) {
      if (s.fullShape++ == 0) {
        s.firstFull = h;
        s.firstFullLine = lineNumber;
        s.beforeFirstFull = lastFull;
        s.beforeFirstFullLine = lastFullLine;
      }
      lastFull = h;
      lastFullLine = lineNumber;
    }
    count(s, h, lineNumber);
  }

  private static void count(Stats s, Header h, int lineNumber) {
    s.lines++;
    int yi = h.yearIndex() >= 0 ? h.yearIndex() : 2;
    int x = -1;
    int y = -1;
    int year = h.n()[yi];
    for (int i = 0; i < 3; i++) {
      if (i == yi) {
        continue;
      }
      if (x < 0) {
        x = h.n()[i];
      } else {
        y = h.n()[i];
      }
    }
    if (x > s.maxX) {
      s.maxX = x;
      s.maxXLine = lineNumber;
    }
    if (y > s.maxY) {
      s.maxY = y;
      s.maxYLine = lineNumber;
    }
    if (x > 12) {
      s.xOver12++;
    }
    if (y > 12) {
      s.yOver12++;
    }
    if (s.lastX >= 0 && (x != s.lastX || y != s.lastY)) {
      if (year == s.lastYear) {
        if (x < s.lastX && s.xDecreaseLine < 0) {
          s.xDecreaseLine = lineNumber;
        }
        if (y < s.lastY && s.yDecreaseLine < 0) {
          s.yDecreaseLine = lineNumber;
        }
      }
      s.sumDx += Math.abs(x - s.lastX);
      s.sumDy += Math.abs(y - s.lastY);
    }
    s.lastX = x;
    s.lastY = y;
    s.lastYear = year;
  }

  /** True if no header was seen at all. */
  boolean empty() {
    return shapes.isEmpty();
  }

  /** The decision; {@code override} (may be null) is the operator's date order for every shape. */
  FormatDecision decide(DateOrder override) {
    Stats best = null;
    long total = ignoredShapeLines;
    for (Stats s : shapes.values()) {
      total += s.lines;
      if (best == null || s.lines > best.lines) {
        best = s;
      }
    }
    if (best == null) {
      return new FormatDecision(null, override == null ? DateOrder.DMY : override,
          "no message header found", override != null, 0, 0, List.of());
    }
    Map<String, HeaderTemplate> decided = new LinkedHashMap<>();
    Map<String, Choice> choices = new HashMap<>();
    for (Stats s : shapes.values()) {
      choices.put(s.template, choose(s, override));
    }
    Choice primary = choices.get(best.template);
    decided.put(best.template, new HeaderTemplate(best.template, primary.order, primary.evidence,
        best.lines, best.lines, true, "the most frequent shape"));
    // Well-supported shapes first, so a single line can be checked against any header before it.
    for (Stats s : shapes.values()) {
      if (s != best && s.fullShape >= MIN_SUPPORT) {
        Choice c = choices.get(s.template);
        decided.put(s.template, new HeaderTemplate(s.template, c.order, c.evidence, s.lines,
            s.fullShape, true, s.fullShape + " lines with an author or a known system phrase"));
      }
    }
    for (Stats s : shapes.values()) {
      if (s == best || s.fullShape >= MIN_SUPPORT) {
        continue;
      }
      Choice c = choices.get(s.template);
      String refusal = s.fullShape == 0 ? "no line with an author or a known system phrase"
          : singleLineRefusal(s, c, override, decided);
      decided.put(s.template, new HeaderTemplate(s.template, c.order, c.evidence, s.lines,
          refusal == null ? 1 : 0, refusal == null, refusal == null
              ? "one line with an author or a known system phrase, its date read without a guess"
              : refusal));
    }
    List<HeaderTemplate> ordered = new ArrayList<>();
    ordered.add(decided.get(best.template));
    long read = 0;
    for (Stats s : shapes.values()) {
      HeaderTemplate t = decided.get(s.template);
      if (s != best) {
        ordered.add(t);
      }
      read += t.linesReadAsHeaders();
    }
    return new FormatDecision(best.template, primary.order, primary.evidence, override != null,
        read, total - read, ordered);
  }

  /** Why a shape seen on one full line is not read as a header, or null if it is. */
  private static String singleLineRefusal(Stats s, Choice c, DateOrder override,
      Map<String, HeaderTemplate> decided) {
    boolean sameEitherWay = s.lines == 1 && s.lastX == s.lastY;
    if (override == null && isGuess(c.evidence) && !sameEitherWay) {
      return "one line only, and its date order would be a guess";
    }
    java.time.LocalDateTime t = ExportParser.resolve(s.firstFull, c.order);
    if (t == null) {
      return "one line only, and its date is not valid when read " + c.order;
    }
    Header before = s.beforeFirstFull;
    HeaderTemplate beforeShape = before == null ? null : decided.get(before.template());
    if (beforeShape != null && beforeShape.used()) {
      java.time.LocalDateTime b = ExportParser.resolve(before, beforeShape.dateOrder());
      if (b != null && t.isBefore(b)) {
        return "one line only (line " + s.firstFullLine + "), and it is earlier than the header on"
            + " line " + s.beforeFirstFullLine + " (a quoted message?), kept as unparsed";
      }
    }
    return null;
  }

  private record Choice(DateOrder order, String evidence) {}

  private static Choice choose(Stats best, DateOrder override) {
    boolean yearFirst = best.yearIndex == 0;
    if (override != null) {
      return new Choice(override, "set by the operator");
    }
    String dayFirstWhy;
    Boolean dayFirst;
    if (best.maxX > 12 && best.maxY <= 12) {
      dayFirst = true;
      dayFirstWhy = "day-first: component " + first(best) + " reached " + best.maxX + " on line "
          + best.maxXLine;
    } else if (best.maxY > 12 && best.maxX <= 12) {
      dayFirst = false;
      dayFirstWhy = "month-first: component " + second(best) + " reached " + best.maxY + " on line "
          + best.maxYLine;
    } else if (best.maxX > 12) {
      dayFirst = best.xOver12 >= best.yOver12;
      dayFirstWhy = "inconsistent dates: component " + first(best) + " reached " + best.maxX
          + " on line " + best.maxXLine + " and component " + second(best) + " reached " + best.maxY
          + " on line " + best.maxYLine + "; " + (dayFirst ? "day-first" : "month-first")
          + " reads more of them (" + Math.max(best.xOver12, best.yOver12) + " vs "
          + Math.min(best.xOver12, best.yOver12) + "), the others are kept as unparsed";
    } else if (best.xDecreaseLine >= 0 && best.yDecreaseLine < 0) {
      dayFirst = true;
      dayFirstWhy = "day-first: component " + first(best) + " decreased within a year on line "
          + best.xDecreaseLine + " while component " + second(best) + " never did";
    } else if (best.yDecreaseLine >= 0 && best.xDecreaseLine < 0) {
      dayFirst = false;
      dayFirstWhy = "month-first: component " + second(best) + " decreased within a year on line "
          + best.yDecreaseLine + " while component " + first(best) + " never did";
    } else if (best.sumDx != best.sumDy) {
      dayFirst = best.sumDx > best.sumDy;
      dayFirstWhy = (dayFirst ? "day-first" : "month-first") + ": component "
          + (dayFirst ? first(best) : second(best)) + " changed more (" + Math.max(best.sumDx,
          best.sumDy) + " vs " + Math.min(best.sumDx, best.sumDy) + ") (weak evidence)";
    } else {
      dayFirst = !yearFirst;
      dayFirstWhy = "no evidence in " + best.lines + " header(s); assumed "
          + (yearFirst ? "year-month-day" : "day-first") + " (set the date order if this is wrong)";
    }
    DateOrder order = yearFirst ? (dayFirst ? DateOrder.YDM : DateOrder.YMD)
        : (dayFirst ? DateOrder.DMY : DateOrder.MDY);
    if (yearFirst && !dayFirst) {
      dayFirstWhy = "year-first (4-digit component 1); " + dayFirstWhy;
    }
    return new Choice(order, dayFirstWhy);
  }


  private static int first(Stats s) {
    return s.yearIndex == 0 ? 2 : 1;
  }

  private static int second(Stats s) {
    return s.yearIndex == 0 ? 3 : (s.yearIndex == 1 ? 3 : 2);
  }

  /** True if the evidence for the decision is only a guess (reported as a warning). */
  static boolean isGuess(FormatDecision d) {
    return !d.operatorChosen() && isGuess(d.evidence());
  }

  /** True if an evidence text is only a guess (no evidence, weak evidence, or inconsistent). */
  static boolean isGuess(String evidence) {
    return evidence.startsWith("no evidence") || evidence.contains("weak evidence")
        || evidence.startsWith("inconsistent");
  }
}
