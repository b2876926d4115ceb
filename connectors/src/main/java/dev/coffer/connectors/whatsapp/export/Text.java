package dev.coffer.connectors.whatsapp.export;

/**
 * The invisible and look-alike characters WhatsApp puts into exports, and how they are normalized for
 * matching. Normalization only deletes or maps characters one to one, and keeps a map back to the
 * original positions, so what a header match finds can be cut out of the original text unchanged.
 */
final class Text {
  private Text() {}

  /** Left-to-right mark: iOS puts it before system notices, attachments and placeholders. */
  static final char LRM = '\u200E';

  /** True for the bidirectional controls and the byte-order mark, which are dropped for matching. */
  static boolean isInvisible(char c) {
    return c == '\u200E' || c == '\u200F' || (c >= '\u202A' && c <= '\u202E')
        || (c >= '\u2066' && c <= '\u2069') || c == '\uFEFF' || c == '\u061C';
  }

  /** Spaces WhatsApp writes in headers and phone numbers that match as a plain space. */
  static boolean isOddSpace(char c) {
    return c == '\u00A0' || c == '\u2009' || c == '\u202F' || c == '\u2007';
  }

  /**
   * A normalized view of a line and, for each of its characters, the index in the original; a null
   * {@code origin} means the line needed no change (each index maps to itself).
   */
  record Normalized(String text, int[] origin) {
    /** Original index for normalized index {@code i} (the original length at the end). */
    int originOf(int i, int originalLength) {
      if (origin == null) {
        return i < text.length() ? i : originalLength;
      }
      return i < origin.length ? origin[i] : originalLength;
    }
  }

  /** True if {@link #normalize} changes {@code c}. */
  private static boolean changedByNormalize(char c) {
    return isInvisible(c) || isOddSpace(c) || (c >= '\u0660' && c <= '\u0669')
        || (c >= '\u06F0' && c <= '\u06F9') || c == '\u060C';
  }

  /**
   * Drops invisible characters, maps odd spaces to U+0020, Arabic-Indic digits to ASCII digits and
   * the Arabic comma to a comma.
   */
  static Normalized normalize(String s) {
    // Most lines hold none of these characters: then the line is its own normalized form.
    int k = 0;
    while (k < s.length() && !changedByNormalize(s.charAt(k))) {
      k++;
    }
    if (k == s.length()) {
      return new Normalized(s, null);
    }
    StringBuilder out = new StringBuilder(s.length());
    int[] origin = new int[s.length()];
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (isInvisible(c)) {
        continue;
      }
      char m = c;
      if (isOddSpace(c)) {
        m = ' ';
      } else if (c >= '\u0660' && c <= '\u0669') {
        m = (char) ('0' + (c - '\u0660'));
      } else if (c >= '\u06F0' && c <= '\u06F9') {
        m = (char) ('0' + (c - '\u06F0'));
      } else if (c == '\u060C') {
        m = ',';
      }
      out.append(m);
      origin[n++] = i;
    }
    int[] trimmed = new int[n];
    System.arraycopy(origin, 0, trimmed, 0, n);
    return new Normalized(out.toString(), trimmed);
  }

  /** The text with invisible characters dropped and odd spaces made plain: for phrase matching. */
  static String clean(String s) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '\u00A0') { // below every mark, odd space and hyphen handled here
        if (out != null) {
          out.append(c);
        }
        continue;
      }
      boolean drop = isInvisible(c);
      boolean map = !drop && (isOddSpace(c) || c == '\u2011');
      if ((drop || map) && out == null) {
        out = new StringBuilder(s.length());
        out.append(s, 0, i);
      }
      if (out != null) {
        if (drop) {
          continue;
        }
        out.append(map ? (c == '\u2011' ? '-' : ' ') : c);
      }
    }
    return out == null ? s : out.toString();
  }

  /** Removes leading left-to-right marks (a format marker on iOS). */
  static String stripLeadingMarks(String s) {
    int i = 0;
    while (i < s.length() && (s.charAt(i) == LRM || s.charAt(i) == '\u200F')) {
      i++;
    }
    return s.substring(i);
  }

  /** True if the string starts with a left-to-right mark. */
  static boolean startsWithMark(String s) {
    return !s.isEmpty() && s.charAt(0) == LRM;
  }
}
