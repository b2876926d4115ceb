package dev.coffer.connectors.whatsapp.export;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Pass 1: looks only at headers, picks the file's header shape (the most frequent one) and decides
 * its date order once for the whole file.
 *
 * <p>Rule, on the two components that are not the year (x written first, y second), over every
 * header of the chosen shape:
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

  private final Map<String, Stats> shapes = new LinkedHashMap<>();
  private long ignoredShapeLines;

  private static final class Stats {
    final String template;
    final int yearIndex;
    long lines;
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

  void add(Header h, int lineNumber) {
    Stats s = shapes.get(h.template());
    if (s == null) {
      if (shapes.size() >= MAX_SHAPES) {
        ignoredShapeLines++;
        return;
      }
      s = new Stats(h.template(), h.yearIndex());
      shapes.put(h.template(), s);
    }
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

  /** The decision; {@code override} (may be null) is the operator's date order. */
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
          "no message header found", override != null, 0, 0);
    }
    long other = total - best.lines;
    boolean yearFirst = best.yearIndex == 0;
    if (override != null) {
      return new FormatDecision(best.template, override, "set by the operator", true, best.lines,
          other);
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
    return new FormatDecision(best.template, order, dayFirstWhy, false, best.lines, other);
  }

  private static int first(Stats s) {
    return s.yearIndex == 0 ? 2 : 1;
  }

  private static int second(Stats s) {
    return s.yearIndex == 0 ? 3 : (s.yearIndex == 1 ? 3 : 2);
  }

  /** True if the evidence for the decision is only a guess (reported as a warning). */
  static boolean isGuess(FormatDecision d) {
    return !d.operatorChosen() && (d.evidence().startsWith("no evidence")
        || d.evidence().contains("weak evidence") || d.evidence().startsWith("inconsistent"));
  }
}
