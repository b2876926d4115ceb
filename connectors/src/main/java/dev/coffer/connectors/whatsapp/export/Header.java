package dev.coffer.connectors.whatsapp.export;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A message header found at the start of a line, before any decision about the file's date order.
 *
 * <p>Grammar (on the normalized line, see {@link Text#normalize}):
 * <pre>
 * header    = ["["] (date datesep time | time ("," [" "] | " ") date) close rest
 * date      = n1 [" "] sep [" "] n2 [" "] sep [" "] n3 ["."]      ; n = 1-4 digits, sep one of . / -
 * datesep   = "," [" "] | " " | " klo "
 * time      = hh tsep mm [tsep ss] [[" "] ampm]                  ; tsep one of : .
 * ampm      = ("a"|"p") ["."] [" "] "m" ["."]   (any case)  | "ص" | "م"
 * close     = "]" [" "] ["- "] | " - " | ": " | " "
 * </pre>
 * An opening "[" requires a closing "]" and the other way round.
 *
 * @param n components of the date in file order
 * @param template the header's shape; a file has one, lines in another shape are not its headers
 */
record Header(
    int[] n,
    int hour,
    int minute,
    int second,
    int ampm,
    String template,
    int yearIndex,
    Family family,
    int sourceTimeStart,
    int sourceTimeEnd,
    int restStart) {

  /** The header families: they decide how system lines are recognized. */
  enum Family {
    /** Android: {@code date, time - author: text}; system lines have no author. */
    DASH,
    /** iOS: {@code [date, time] author: text}; system notices carry an author and a leading LRM. */
    BRACKET,
    /** Legacy iOS: {@code date, time: author: text}. */
    COLON,
    /** Some locales: {@code date time author: text}, no separator at all. */
    SPACE;

    boolean iosStyle() {
      return this == BRACKET || this == COLON;
    }
  }

  static final int NONE = 0;
  static final int AM = 1;
  static final int PM = 2;

  private static final String DATE =
      "(?<a>\\d{1,4}) ?(?<sep>[./-]) ?(?<b>\\d{1,4}) ?\\k<sep> ?(?<c>\\d{1,4})(?<dot>\\.?)";
  private static final String TIME =
      "(?<h>\\d{1,2})(?<ts>[:.])(?<mi>\\d{2})(?:\\k<ts>(?<s>\\d{2}))?"
          + "(?: ?(?<ampm>[aApP]\\.? ?[mM]\\.?|ص|م))?";
  private static final String CLOSE = "(?<close>\\] ?(?:- )?| - |: | )";

  static final Pattern DATE_FIRST =
      Pattern.compile("^(?<open>\\[?)" + DATE + "(?<dts>, ?| klo | )" + TIME + CLOSE, Pattern.DOTALL);
  static final Pattern TIME_FIRST =
      Pattern.compile("^(?<open>\\[?)" + TIME + "(?<dts>, ?| )" + DATE + CLOSE, Pattern.DOTALL);

  /** Group numbers of the two patterns, looked up once (a lookup by name copies a map per call). */
  private record Groups(int open, int a, int sep, int b, int c, int dot, int dts, int h, int ts,
      int mi, int s, int ampm, int close) {
    static Groups of(Pattern p) {
      java.util.Map<String, Integer> g = p.namedGroups();
      return new Groups(g.get("open"), g.get("a"), g.get("sep"), g.get("b"), g.get("c"),
          g.get("dot"), g.get("dts"), g.get("h"), g.get("ts"), g.get("mi"), g.get("s"),
          g.get("ampm"), g.get("close"));
    }
  }

  private static final Groups DATE_FIRST_GROUPS = Groups.of(DATE_FIRST);
  private static final Groups TIME_FIRST_GROUPS = Groups.of(TIME_FIRST);

  /** Template texts by shape code: a file has a handful, so each is built once. */
  private static final java.util.concurrent.ConcurrentHashMap<Integer, String> TEMPLATES =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Reads a header at the start of {@code line}; null if the line does not start with one. */
  static Header parse(String line) {
    if (line.isEmpty()) {
      return null;
    }
    char first = firstVisible(line);
    if (!(first == '[' || (first >= '0' && first <= '9') || (first >= '\u0660' && first <= '\u0669')
        || (first >= '\u06F0' && first <= '\u06F9'))) {
      return null;
    }
    if (first != '[' && !separatorFollowsDigits(line)) {
      return null; // text that starts with a number, e.g. "2 pallets", not a date or a time
    }
    Text.Normalized norm = Text.normalize(line);
    String s = norm.text();
    Matcher m = DATE_FIRST.matcher(s);
    if (m.lookingAt()) {
      return build(line, norm, m, DATE_FIRST_GROUPS, false);
    }
    m = TIME_FIRST.matcher(s);
    if (m.lookingAt()) {
      return build(line, norm, m, TIME_FIRST_GROUPS, true);
    }
    return null;
  }

  /**
   * A cheap necessary condition for a header that does not start with "[": on the normalized line
   * (read here without building it), 1-4 digits, an optional space, then a date separator
   * {@code . / -} or a time separator {@code :}. Lines failing it cannot match either pattern, so
   * they skip normalization and the regular expressions.
   */
  static boolean separatorFollowsDigits(String line) {
    int digits = 0;
    boolean space = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (Text.isInvisible(c)) {
        continue;
      }
      if (Text.isOddSpace(c)) {
        c = ' ';
      } else if ((c >= '\u0660' && c <= '\u0669') || (c >= '\u06F0' && c <= '\u06F9')) {
        c = '0';
      }
      if (c >= '0' && c <= '9' && !space) {
        if (++digits > 4) {
          return false;
        }
      } else if (c == ' ' && digits > 0 && !space) {
        space = true;
      } else {
        return digits > 0 && (c == '.' || c == '/' || c == '-' || c == ':');
      }
    }
    return false;
  }

  private static char firstVisible(String line) {
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (!Text.isInvisible(c)) {
        return c;
      }
    }
    return 0;
  }

  private static Header build(String line, Text.Normalized norm, Matcher m, Groups gr,
      boolean timeFirst) {
    boolean open = m.start(gr.open()) != m.end(gr.open());
    String close = m.group(gr.close());
    boolean closeBracket = close.startsWith("]");
    if (open != closeBracket) {
      return null;
    }
    String s = norm.text();
    int[] starts = {m.start(gr.a()), m.start(gr.b()), m.start(gr.c())};
    int[] ends = {m.end(gr.a()), m.end(gr.b()), m.end(gr.c())};
    int[] n = new int[3];
    int yearIndex = -1;
    for (int i = 0; i < 3; i++) {
      n[i] = digits(s, starts[i], ends[i]);
      if (ends[i] - starts[i] >= 3) {
        if (yearIndex >= 0) {
          return null; // two long components: not a date
        }
        yearIndex = i;
      }
    }
    int hour = digits(s, m.start(gr.h()), m.end(gr.h()));
    int minute = digits(s, m.start(gr.mi()), m.end(gr.mi()));
    boolean hasSec = m.start(gr.s()) >= 0;
    int ampm = NONE;
    if (m.start(gr.ampm()) >= 0) {
      char c = Character.toLowerCase(s.charAt(m.start(gr.ampm())));
      ampm = (c == 'a' || c == 'ص') ? AM : PM;
    }
    Family family;
    if (closeBracket) {
      family = Family.BRACKET;
    } else if (close.equals(" - ")) {
      family = Family.DASH;
    } else if (close.equals(": ")) {
      family = Family.COLON;
    } else {
      family = Family.SPACE;
    }
    char sep = s.charAt(m.start(gr.sep()));
    char ts = s.charAt(m.start(gr.ts()));
    boolean dot = m.start(gr.dot()) != m.end(gr.dot());
    boolean klo = m.end(gr.dts()) - m.start(gr.dts()) == 5; // " klo "
    int code = family.ordinal() | (timeFirst ? 4 : 0) | (sep << 3) | ((yearIndex + 1) << 10)
        | (dot ? 1 << 13 : 0) | (klo ? 1 << 14 : 0) | (ts << 15) | (hasSec ? 1 << 22 : 0)
        | (ampm != NONE ? 1 << 23 : 0);
    String template = TEMPLATES.get(code);
    if (template == null) {
      template = family.name().toLowerCase(java.util.Locale.ROOT)
          + (timeFirst ? " time-first" : "")
          + " date" + sep + (yearIndex < 0 ? " yy" : " yyyy@" + (yearIndex + 1))
          + (dot ? " dot" : "")
          + (klo ? " klo" : "")
          + " time" + ts + (hasSec ? "ss" : "")
          + (ampm != NONE ? " 12h" : " 24h");
      // Bounded: the code has a few hundred possible values.
      TEMPLATES.putIfAbsent(code, template);
    }
    int len = line.length();
    int stStartNorm = timeFirst ? m.start(gr.h()) : m.start(gr.a());
    int stEndNorm = m.start(gr.close());
    int restNorm = m.end();
    int origStart = norm.originOf(stStartNorm, len);
    int origEnd = norm.originOf(stEndNorm - 1, len) + 1;
    // Invisible characters between the close and the rest belong to the rest (iOS puts an LRM there).
    int origRest = restNorm == 0 ? 0 : norm.originOf(restNorm - 1, len) + 1;
    int second = hasSec ? digits(s, m.start(gr.s()), m.end(gr.s())) : -1;
    return new Header(n, hour, minute, second, ampm, template, yearIndex, family, origStart, origEnd,
        origRest);
  }

  /** The ASCII digits {@code s[from, to)} as a number (the patterns matched 1-4 digits). */
  private static int digits(String s, int from, int to) {
    int v = 0;
    for (int i = from; i < to; i++) {
      v = v * 10 + (s.charAt(i) - '0');
    }
    return v;
  }

  /** The header's date and time as the file wrote them (brackets and marks excluded). */
  String sourceTime(String line) {
    return line.substring(sourceTimeStart, sourceTimeEnd);
  }

  /** What follows the header on its line, exactly as in the file. */
  String rest(String line) {
    return line.substring(restStart);
  }
}
