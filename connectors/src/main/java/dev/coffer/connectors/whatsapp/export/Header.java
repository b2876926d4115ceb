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

  /** A template text and its shape code. */
  private record Shape(int code, String template) {}

  /**
   * The last template seen per slot of its code: a file has one or two, found here without boxing
   * the code for {@link #TEMPLATES}. Slots are replaced whole (an immutable record), so a race
   * between threads costs only a lookup in the map.
   */
  private static final Shape[] SHAPES = new Shape[64];

  private static String templateOf(int code) {
    Shape s = SHAPES[code & (SHAPES.length - 1)];
    if (s != null && s.code() == code) {
      return s.template();
    }
    String t = TEMPLATES.get(code);
    if (t != null) {
      SHAPES[code & (SHAPES.length - 1)] = new Shape(code, t);
    }
    return t;
  }

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
    Match m = Match.of(norm.text(), null);
    return m == null ? null : build(line, norm, m);
  }

  /**
   * What {@link #parseAscii} returns when the ASCII bytes at the start of the line do not decide:
   * the line must be decoded and read by {@link #parse}. Never a real header.
   */
  static final Header UNDECIDED =
      new Header(new int[3], 0, 0, 0, NONE, "", -1, Family.SPACE, 0, 0, 0);

  /** How many bytes at the start of a line {@link #parseAscii} looks at; a header is shorter. */
  static final int ASCII_PREFIX = 64;

  /**
   * {@link #parse} on the raw UTF-8 bytes {@code b[from, to)} of one line (line ending excluded),
   * without decoding it: the same header (positions in chars, which are bytes here) or null, or
   * {@link #UNDECIDED} when the answer depends on a byte that is not ASCII (odd spaces, marks,
   * Arabic-Indic digits, or text right after the header) or lies beyond the first
   * {@value #ASCII_PREFIX} bytes. It reads the longest ASCII prefix as a string and runs the same
   * matcher on it, tracking the furthest character it looked at: if that is inside the prefix, the
   * rest of the line could not have changed the answer (ASCII is never changed by
   * {@link Text#normalize}), so the answer is the whole line's.
   *
   * @param prefixOut when not null and a header is found, {@code prefixOut[0]} gets the ASCII
   *     prefix read (it holds the header's date and time, {@link #sourceTime}, and everything
   *     before {@link #restStart})
   */
  static Header parseAscii(byte[] b, int from, int to, String[] prefixOut) {
    return parseAscii(b, from, to, prefixOut, new Scratch());
  }

  /**
   * What {@link #parseAscii} works in, reused line after line by one reader ({@link ChatBytes}):
   * a header is read for every line of a file, and its matches are dropped once it is built.
   */
  static final class Scratch {
    private final Match date = new Match();
    private final Match time = new Match();
    private final int[] reach = {-1};
  }

  /** {@link #parseAscii(byte[], int, int, String[])} in {@code scratch}, not thread-safe. */
  static Header parseAscii(byte[] b, int from, int to, String[] prefixOut, Scratch scratch) {
    int limit = Math.min(to, from + ASCII_PREFIX);
    int p = from;
    while (p < limit && b[p] >= 0) {
      p++;
    }
    boolean whole = p == to;
    if (p == from) {
      return whole ? null : UNDECIDED;
    }
    byte first = b[from];
    if (!(first == '[' || (first >= '0' && first <= '9'))) {
      return null; // ASCII is never invisible: this is the first visible character
    }
    String prefix = new String(b, from, p - from, java.nio.charset.StandardCharsets.ISO_8859_1);
    if (first != '[') {
      int sep = separatorAfterDigits(prefix);
      if (sep < 0) {
        return whole ? null : UNDECIDED;
      }
      if (sep == 0) {
        return null;
      }
    }
    int[] reach = scratch.reach;
    reach[0] = -1;
    Match m = Match.of(prefix, reach, scratch.date, scratch.time);
    if (!whole && reach[0] >= prefix.length()) {
      return UNDECIDED;
    }
    if (m == null) {
      return null;
    }
    Header h = build(prefix, new Text.Normalized(prefix, null), m);
    if (h != null && prefixOut != null) {
      prefixOut[0] = prefix;
    }
    return h;
  }

  /**
   * {@link #parse} by the two regular expressions: the reference the hand-written matcher is tested
   * against ({@code FastPathProperties}); the parser itself does not use it.
   */
  static Header parseByPatterns(String line) {
    if (line.isEmpty()) {
      return null;
    }
    char first = firstVisible(line);
    if (!(first == '[' || (first >= '0' && first <= '9') || (first >= '\u0660' && first <= '\u0669')
        || (first >= '\u06F0' && first <= '\u06F9'))) {
      return null;
    }
    if (first != '[' && !separatorFollowsDigits(line)) {
      return null;
    }
    Text.Normalized norm = Text.normalize(line);
    String s = norm.text();
    Matcher m = DATE_FIRST.matcher(s);
    if (m.lookingAt()) {
      return build(line, norm, Match.of(m, DATE_FIRST_GROUPS, false));
    }
    m = TIME_FIRST.matcher(s);
    if (m.lookingAt()) {
      return build(line, norm, Match.of(m, TIME_FIRST_GROUPS, true));
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
    return separatorAfterDigits(line) == 1;
  }

  /** {@link #separatorFollowsDigits} as 1 (true) or 0 (false), or -1 if the line ended first. */
  private static int separatorAfterDigits(String line) {
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
          return 0;
        }
      } else if (c == ' ' && digits > 0 && !space) {
        space = true;
      } else {
        return digits > 0 && (c == '.' || c == '/' || c == '-' || c == ':') ? 1 : 0;
      }
    }
    return -1;
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

  private static Header build(String line, Text.Normalized norm, Match m) {
    boolean open = m.open;
    boolean closeBracket = m.closeKind == Match.CLOSE_BRACKET;
    if (open != closeBracket) {
      return null;
    }
    String s = norm.text();
    int[] n = {digits(s, m.aS, m.aE), digits(s, m.bS, m.bE), digits(s, m.cS, m.cE)};
    int yearIndex = -1;
    for (int i = 0; i < 3; i++) {
      int width = i == 0 ? m.aE - m.aS : i == 1 ? m.bE - m.bS : m.cE - m.cS;
      if (width >= 3) {
        if (yearIndex >= 0) {
          return null; // two long components: not a date
        }
        yearIndex = i;
      }
    }
    int hour = digits(s, m.hS, m.hE);
    int minute = digits(s, m.miS, m.miE);
    boolean hasSec = m.sS >= 0;
    int ampm = NONE;
    if (m.ampmS >= 0) {
      char c = Character.toLowerCase(s.charAt(m.ampmS));
      ampm = (c == 'a' || c == 'ص') ? AM : PM;
    }
    Family family = switch (m.closeKind) {
      case Match.CLOSE_BRACKET -> Family.BRACKET;
      case Match.CLOSE_DASH -> Family.DASH;
      case Match.CLOSE_COLON -> Family.COLON;
      default -> Family.SPACE;
    };
    boolean timeFirst = m.timeFirst;
    char sep = m.sep;
    char ts = m.ts;
    boolean dot = m.dot;
    boolean klo = m.klo;
    int code = family.ordinal() | (timeFirst ? 4 : 0) | (sep << 3) | ((yearIndex + 1) << 10)
        | (dot ? 1 << 13 : 0) | (klo ? 1 << 14 : 0) | (ts << 15) | (hasSec ? 1 << 22 : 0)
        | (ampm != NONE ? 1 << 23 : 0);
    String template = templateOf(code);
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
      template = TEMPLATES.get(code);
      SHAPES[code & (SHAPES.length - 1)] = new Shape(code, template);
    }
    int len = line.length();
    int stStartNorm = timeFirst ? m.hS : m.aS;
    int stEndNorm = m.closeS;
    int restNorm = m.end;
    int origStart = norm.originOf(stStartNorm, len);
    int origEnd = norm.originOf(stEndNorm - 1, len) + 1;
    // Invisible characters between the close and the rest belong to the rest (iOS puts an LRM there).
    int origRest = restNorm == 0 ? 0 : norm.originOf(restNorm - 1, len) + 1;
    int second = hasSec ? digits(s, m.sS, m.sE) : -1;
    return new Header(n, hour, minute, second, ampm, template, yearIndex, family, origStart, origEnd,
        origRest);
  }

  /**
   * Where the grammar's parts are on a normalized line: what {@link #DATE_FIRST} or
   * {@link #TIME_FIRST} {@code lookingAt} finds, found by hand without backtracking. The grammar
   * needs no backtracking except around the optional am/pm marker (with it, the rest must still
   * follow; else the line is read without it, as the regular expression does), because every
   * other optional part is followed by a character class it cannot start with.
   */
  private static final class Match {
    static final int CLOSE_BRACKET = 1;
    static final int CLOSE_DASH = 2;
    static final int CLOSE_COLON = 3;
    static final int CLOSE_SPACE = 4;

    boolean timeFirst;
    boolean open;
    int aS;
    int aE;
    int bS;
    int bE;
    int cS;
    int cE;
    char sep;
    boolean dot;
    boolean klo;
    int hS;
    int hE;
    char ts;
    int miS;
    int miE;
    int sS = -1;
    int sE = -1;
    int ampmS = -1;
    int closeKind;
    int closeS;
    int end;

    /**
     * The match of the date-first shape, else of the time-first shape; null if neither. When
     * {@code reach} is not null, {@code reach[0]} gets the furthest index either attempt read.
     */
    static Match of(String s, int[] reach) {
      return of(s, reach, new Match(), new Match());
    }

    /** {@link #of(String, int[])} in two matches given (their fields are reset first). */
    static Match of(String s, int[] reach, Match m, Match t) {
      m.reset();
      if (m.dateFirst(s)) {
        if (reach != null) {
          reach[0] = m.reach;
        }
        return m;
      }
      t.reset();
      t.timeFirst = true;
      boolean found = t.timeFirst(s);
      if (reach != null) {
        reach[0] = Math.max(m.reach, t.reach);
      }
      return found ? t : null;
    }

    /** The furthest index of the line this match looked at (past the end counts too). */
    int reach = -1;

    /** Back to the state of a new match. */
    void reset() {
      timeFirst = false;
      open = false;
      aS = 0;
      aE = 0;
      bS = 0;
      bE = 0;
      cS = 0;
      cE = 0;
      sep = 0;
      dot = false;
      klo = false;
      hS = 0;
      hE = 0;
      ts = 0;
      miS = 0;
      miE = 0;
      sS = -1;
      sE = -1;
      ampmS = -1;
      closeKind = 0;
      closeS = 0;
      end = 0;
      reach = -1;
    }

    /** The same positions from a regular-expression match (the reference path). */
    static Match of(Matcher r, Groups g, boolean timeFirst) {
      Match m = new Match();
      m.timeFirst = timeFirst;
      m.open = r.start(g.open()) != r.end(g.open());
      m.aS = r.start(g.a());
      m.aE = r.end(g.a());
      m.bS = r.start(g.b());
      m.bE = r.end(g.b());
      m.cS = r.start(g.c());
      m.cE = r.end(g.c());
      String s = r.group();
      int base = r.start();
      m.sep = s.charAt(r.start(g.sep()) - base);
      m.dot = r.start(g.dot()) != r.end(g.dot());
      m.klo = r.end(g.dts()) - r.start(g.dts()) == 5;
      m.hS = r.start(g.h());
      m.hE = r.end(g.h());
      m.ts = s.charAt(r.start(g.ts()) - base);
      m.miS = r.start(g.mi());
      m.miE = r.end(g.mi());
      m.sS = r.start(g.s());
      m.sE = r.end(g.s());
      m.ampmS = r.start(g.ampm());
      String close = r.group(g.close());
      m.closeKind = close.startsWith("]") ? CLOSE_BRACKET : close.equals(" - ") ? CLOSE_DASH
          : close.equals(": ") ? CLOSE_COLON : CLOSE_SPACE;
      m.closeS = r.start(g.close());
      m.end = r.end();
      return m;
    }

    private boolean dateFirst(String s) {
      int i = 0;
      if (at(s, i) == '[') {
        open = true;
        i++;
      }
      i = date(s, i);
      if (i < 0) {
        return false;
      }
      int t;
      if (at(s, i) == ',') {
        t = at(s, i + 1) == ' ' ? i + 2 : i + 1;
      } else if (startsWith(s, " klo ", i)) {
        t = i + 5;
        klo = true;
      } else if (at(s, i) == ' ') {
        t = i + 1;
      } else {
        return false;
      }
      int e = timeCore(s, t);
      if (e < 0) {
        return false;
      }
      int a = ampm(s, e);
      if (a >= 0 && close(s, a)) {
        return true;
      }
      ampmS = -1;
      return close(s, e);
    }

    private boolean timeFirst(String s) {
      int i = 0;
      if (at(s, i) == '[') {
        open = true;
        i++;
      }
      int e = timeCore(s, i);
      if (e < 0) {
        return false;
      }
      int a = ampm(s, e);
      if (a >= 0 && dateAndClose(s, a)) {
        return true;
      }
      ampmS = -1;
      return dateAndClose(s, e);
    }

    /** {@code (", " | "," | " ") date close} from {@code i}, as in the time-first shape. */
    private boolean dateAndClose(String s, int i) {
      int t;
      if (at(s, i) == ',') {
        t = at(s, i + 1) == ' ' ? i + 2 : i + 1;
      } else if (at(s, i) == ' ') {
        t = i + 1;
      } else {
        return false;
      }
      int e = date(s, t);
      return e >= 0 && close(s, e);
    }

    /** The date from {@code i}; its end, or -1. */
    private int date(String s, int i) {
      aS = i;
      i = digitRun(s, i, 4);
      if (i < 0) {
        return -1;
      }
      aE = i;
      if (at(s, i) == ' ') {
        i++;
      }
      char c = at(s, i);
      if (c != '.' && c != '/' && c != '-') {
        return -1;
      }
      sep = c;
      i++;
      if (at(s, i) == ' ') {
        i++;
      }
      bS = i;
      i = digitRun(s, i, 4);
      if (i < 0) {
        return -1;
      }
      bE = i;
      if (at(s, i) == ' ') {
        i++;
      }
      if (at(s, i) != sep) {
        return -1;
      }
      i++;
      if (at(s, i) == ' ') {
        i++;
      }
      cS = i;
      i = digitRun(s, i, 4);
      if (i < 0) {
        return -1;
      }
      cE = i;
      if (at(s, i) == '.') {
        dot = true;
        i++;
      }
      return i;
    }

    /** {@code hh tsep mm [tsep ss]} from {@code i}; its end, or -1. */
    private int timeCore(String s, int i) {
      hS = i;
      i = digitRun(s, i, 2);
      if (i < 0) {
        return -1;
      }
      hE = i;
      char c = at(s, i);
      if (c != ':' && c != '.') {
        return -1;
      }
      ts = c;
      i++;
      if (!isDigit(at(s, i)) || !isDigit(at(s, i + 1))) {
        return -1;
      }
      miS = i;
      miE = i + 2;
      i += 2;
      if (at(s, i) == ts && isDigit(at(s, i + 1)) && isDigit(at(s, i + 2))) {
        sS = i + 1;
        sE = i + 3;
        i += 3;
      }
      return i;
    }

    /** {@code [" "] ampm} from {@code i}: its end (and {@link #ampmS} set), or -1. */
    private int ampm(String s, int i) {
      if (at(s, i) == ' ') {
        i++;
      }
      char c = at(s, i);
      if (c == 'ص' || c == 'م') {
        ampmS = i;
        return i + 1;
      }
      if (c != 'a' && c != 'A' && c != 'p' && c != 'P') {
        return -1;
      }
      int start = i;
      i++;
      if (at(s, i) == '.') {
        i++;
      }
      if (at(s, i) == ' ') {
        i++;
      }
      if (at(s, i) != 'm' && at(s, i) != 'M') {
        return -1;
      }
      i++;
      if (at(s, i) == '.') {
        i++;
      }
      ampmS = start;
      return i;
    }

    /** The close from {@code i}: true (and the close and end set) if one is there. */
    private boolean close(String s, int i) {
      closeS = i;
      char c = at(s, i);
      if (c == ']') {
        int e = i + 1;
        if (at(s, e) == ' ') {
          e++;
        }
        if (startsWith(s, "- ", e)) {
          e += 2;
        }
        closeKind = CLOSE_BRACKET;
        end = e;
        return true;
      }
      if (startsWith(s, " - ", i)) {
        closeKind = CLOSE_DASH;
        end = i + 3;
        return true;
      }
      if (startsWith(s, ": ", i)) {
        closeKind = CLOSE_COLON;
        end = i + 2;
        return true;
      }
      if (c == ' ') {
        closeKind = CLOSE_SPACE;
        end = i + 1;
        return true;
      }
      return false;
    }

    /** The end of 1 to {@code max} ASCII digits from {@code i}; -1 if none or more than max. */
    private int digitRun(String s, int i, int max) {
      int j = i;
      while (isDigit(at(s, j))) {
        j++;
      }
      int n = j - i;
      return n == 0 || n > max ? -1 : j;
    }

    private static boolean isDigit(char c) {
      return c >= '0' && c <= '9';
    }

    /** The character at {@code i}, or 0 past the end (no grammar part matches 0). */
    private char at(String s, int i) {
      if (i > reach) {
        reach = i;
      }
      return i < s.length() ? s.charAt(i) : 0;
    }

    /** {@code s.startsWith(p, i)}, counting what it may read towards {@link #reach}. */
    private boolean startsWith(String s, String p, int i) {
      reach = Math.max(reach, i + p.length() - 1);
      return s.startsWith(p, i);
    }
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
