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

  private static final Pattern DATE_FIRST =
      Pattern.compile("^(?<open>\\[?)" + DATE + "(?<dts>, ?| klo | )" + TIME + CLOSE, Pattern.DOTALL);
  private static final Pattern TIME_FIRST =
      Pattern.compile("^(?<open>\\[?)" + TIME + "(?<dts>, ?| )" + DATE + CLOSE, Pattern.DOTALL);

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
    Text.Normalized norm = Text.normalize(line);
    String s = norm.text();
    Matcher m = DATE_FIRST.matcher(s);
    if (m.lookingAt()) {
      return build(line, norm, m, false);
    }
    m = TIME_FIRST.matcher(s);
    if (m.lookingAt()) {
      return build(line, norm, m, true);
    }
    return null;
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

  private static Header build(String line, Text.Normalized norm, Matcher m, boolean timeFirst) {
    boolean open = !m.group("open").isEmpty();
    String close = m.group("close");
    boolean closeBracket = close.startsWith("]");
    if (open != closeBracket) {
      return null;
    }
    String[] g = {m.group("a"), m.group("b"), m.group("c")};
    int[] n = new int[3];
    int yearIndex = -1;
    for (int i = 0; i < 3; i++) {
      n[i] = Integer.parseInt(g[i]);
      if (g[i].length() >= 3) {
        if (yearIndex >= 0) {
          return null; // two long components: not a date
        }
        yearIndex = i;
      }
    }
    int hour = Integer.parseInt(m.group("h"));
    int minute = Integer.parseInt(m.group("mi"));
    String sec = m.group("s");
    String ampmText = m.group("ampm");
    int ampm = NONE;
    if (ampmText != null) {
      char c = Character.toLowerCase(ampmText.charAt(0));
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
    String template = family.name().toLowerCase(java.util.Locale.ROOT)
        + (timeFirst ? " time-first" : "")
        + " date" + m.group("sep") + (yearIndex < 0 ? " yy" : " yyyy@" + (yearIndex + 1))
        + (m.group("dot").isEmpty() ? "" : " dot")
        + (m.group("dts").contains("klo") ? " klo" : "")
        + " time" + m.group("ts") + (sec != null ? "ss" : "")
        + (ampm != NONE ? " 12h" : " 24h");
    int len = line.length();
    int stStartNorm = timeFirst ? m.start("h") : m.start("a");
    int stEndNorm = m.start("close");
    int restNorm = m.end();
    int origStart = norm.originOf(stStartNorm, len);
    int origEnd = norm.originOf(stEndNorm - 1, len) + 1;
    // Invisible characters between the close and the rest belong to the rest (iOS puts an LRM there).
    int origRest = restNorm == 0 ? 0 : norm.originOf(restNorm - 1, len) + 1;
    int second = sec == null ? -1 : Integer.parseInt(sec);
    return new Header(n, hour, minute, second, ampm, template, yearIndex, family, origStart, origEnd,
        origRest);
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
