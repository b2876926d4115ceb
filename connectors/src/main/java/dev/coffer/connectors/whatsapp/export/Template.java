package dev.coffer.connectors.whatsapp.export;

import dev.coffer.model.SystemEvent.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One localized system-line template, written in a small notation and compiled to a regular
 * expression that must match the whole (cleaned) line.
 *
 * <p>Notation: {@code {actor}}, {@code {subject}}, {@code {subjects}} capture names (never spanning
 * ": ", so a user line "Ann: Bob left" is not read as Bob leaving); {@code {from}}, {@code {to}}
 * capture any text; {@code {any}} matches any text; {@code {=a|b}} is one of the literal words;
 * a straight double quote matches any quotation mark WhatsApp uses ({@code " “ ” „ « » 「 」});
 * an apostrophe matches ' or ’. A leading {@code !} means the actor is the exporter ("you"); a
 * leading {@code @} means the subject is the exporter. A trailing period is always optional.
 */
record Template(Event event, Pattern pattern, List<String> roles, boolean actorIsYou,
    boolean subjectIsYou, String source, List<String> needles) {

  /** The longest of {@link #needles}, or null if there is none. */
  String needle() {
    return needles.isEmpty() ? null : needles.get(0);
  }

  private static final String NAME = "((?:(?!: ).)+?)";

  static Template of(Event event, String notation) {
    boolean actorYou = false;
    boolean subjectYou = false;
    String t = notation;
    if (t.startsWith("!")) {
      actorYou = true;
      t = t.substring(1);
    } else if (t.startsWith("@")) {
      subjectYou = true;
      t = t.substring(1);
    }
    StringBuilder re = new StringBuilder("^");
    List<String> roles = new ArrayList<>();
    int i = 0;
    while (i < t.length()) {
      char c = t.charAt(i);
      if (c == '{') {
        int end = t.indexOf('}', i);
        String token = t.substring(i + 1, end);
        if (token.startsWith("=")) {
          re.append("(?:");
          String[] words = token.substring(1).split("\\|");
          for (int w = 0; w < words.length; w++) {
            re.append(w == 0 ? "" : "|").append(literal(words[w]));
          }
          re.append(')');
        } else {
          switch (token) {
            case "actor", "subject", "subjects" -> {
              re.append(NAME);
              roles.add(token);
            }
            case "from", "to" -> {
              re.append("(.*?)");
              roles.add(token);
            }
            case "any" -> re.append(".*?");
            default -> throw new IllegalArgumentException("unknown token {" + token + "} in "
                + notation);
          }
        }
        i = end + 1;
      } else {
        int next = t.indexOf('{', i);
        if (next < 0) {
          next = t.length();
        }
        re.append(literal(t.substring(i, next)));
        i = next;
      }
    }
    re.append("\\.?$");
    Pattern p = Pattern.compile(re.toString(),
        Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL);
    return new Template(event, p, List.copyOf(roles), actorYou, subjectYou, notation, needles(t));
  }

  /**
   * The runs of literal characters every match must contain, {@link #fold folded}, longest first
   * (runs of two chars or more). A run stops at braces and at the characters the notation widens
   * (space, straight quote, apostrophe), so the pattern matches it verbatim, case aside.
   */
  private static List<String> needles(String notation) {
    List<String> out = new ArrayList<>();
    StringBuilder run = new StringBuilder();
    boolean inBraces = false;
    for (int i = 0; i <= notation.length(); i++) {
      char c = i < notation.length() ? notation.charAt(i) : '{';
      if (inBraces) {
        inBraces = c != '}';
        continue;
      }
      if (c == '{' || c == '}' || c == ' ' || c == '"' || c == '\'' || Character.isSurrogate(c)) {
        if (run.length() >= 2) {
          out.add(run.toString());
        }
        run.setLength(0);
        inBraces = c == '{';
        continue;
      }
      run.append(fold(c));
    }
    out.sort(java.util.Comparator.comparingInt(String::length).reversed());
    return List.copyOf(out);
  }

  /**
   * The case folding of {@link Pattern#CASE_INSENSITIVE} with {@link Pattern#UNICODE_CASE} for one
   * char: a literal char {@code f} (folded) matches an input char {@code c} when {@code f == c} or
   * {@code f == fold(c)}.
   */
  static char fold(char c) {
    return Character.toLowerCase(Character.toUpperCase(c));
  }

  private static String literal(String s) {
    StringBuilder out = new StringBuilder();
    StringBuilder run = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String special = switch (c) {
        case '"' -> "[\"“”„«»「」『』]";
        case '\'' -> "['’]";
        case ' ' -> " +";
        default -> null;
      };
      if (special != null) {
        if (run.length() > 0) {
          out.append(Pattern.quote(run.toString()));
          run.setLength(0);
        }
        out.append(special);
      } else {
        run.append(c);
      }
    }
    if (run.length() > 0) {
      out.append(Pattern.quote(run.toString()));
    }
    return out.toString();
  }

  /** The captured values by role, or null if the line does not match. */
  Matcher match(String line) {
    Matcher m = pattern.matcher(line);
    return m.matches() ? m : null;
  }
}
