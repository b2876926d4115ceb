package dev.coffer.search;

import com.google.i18n.phonenumbers.PhoneNumberMatch;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.Leniency;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Finds phone numbers in text and normalizes them to E.164.
 *
 * <p>libphonenumber is thorough but not cheap, so it only ever sees <em>candidate windows</em>: runs of
 * characters that can belong to a written phone number (digits, spaces, {@code + - . ( ) /}) holding
 * at least {@link #MIN_DIGITS} digits. Ordinary prose has none and costs one pass over its chars.
 * Leniency is {@code POSSIBLE} (length-plausible for the region): fictional 555 numbers and numbers
 * from plans libphonenumber does not know yet are still found; a false positive only means a phone
 * query can also match that digit string.
 */
final class PhoneNumbers {
  /** Fewer digits than this is never treated as a phone number (years, amounts, short codes). */
  static final int MIN_DIGITS = 7;

  private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

  /** Remembered answers of {@link #normalize}, at most this many (then forgotten at once). */
  private static final int REMEMBERED = 4096;

  private final String region;
  /**
   * {@link #normalize} of recent inputs: every record's sender handle is normalized, the same few
   * hundred handles over and over, and libphonenumber's parse was 15 % of the indexing thread.
   */
  private final java.util.concurrent.ConcurrentHashMap<String, Optional<String>> normalized =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * What {@link #findIn} found in recent candidate windows, relative to the window: the answer
   * depends only on the window's characters and the region. Windows repeat (the date in every
   * {@code IMG-20260124-WA0001.jpg} of a day's attachments, a handle quoted again and again), and
   * libphonenumber's matcher was the largest share of building a document.
   */
  private final java.util.concurrent.ConcurrentHashMap<String, List<Span>> windows =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** A phone number found in text: where it is and what it is in E.164. */
  record Span(int start, int end, String e164) {}

  PhoneNumbers(String region) {
    this.region = region;
  }

  /** The upper-case ISO 3166 region, validated. @throws IllegalArgumentException naming the value */
  static String validRegion(String region) {
    String r = region == null ? "" : region.toUpperCase(Locale.ROOT);
    if (!UTIL.getSupportedRegions().contains(r)) {
      throw new IllegalArgumentException(
          "phoneRegion: '" + region + "' is not a region libphonenumber knows (e.g. US, GB, DE, CN)");
    }
    return r;
  }

  String region() {
    return region;
  }

  /** Every phone number in {@code text}, in order of position. */
  List<Span> find(String text) {
    List<Span> spans = null;
    int n = text.length();
    int i = 0;
    while (i < n) {
      char c = text.charAt(i);
      if (!isDigit(c) && c != '+' && c != '(') {
        i++;
        continue;
      }
      if (i > 0 && Character.isLetterOrDigit(text.charAt(i - 1))) {
        // Digits glued to letters (hex digests, ids, "x86") are not a phone number: skip the word.
        i++;
        while (i < n && Character.isLetterOrDigit(text.charAt(i))) {
          i++;
        }
        continue;
      }
      int start = i;
      int digits = 0;
      int lastDigitEnd = i;
      while (i < n && isPhoneChar(text.charAt(i))) {
        if (isDigit(text.charAt(i))) {
          digits++;
          lastDigitEnd = i + 1;
        }
        i++;
      }
      boolean gluedAfter = lastDigitEnd < n && Character.isLetter(text.charAt(lastDigitEnd));
      if (digits >= MIN_DIGITS && !gluedAfter) {
        if (spans == null) {
          spans = new ArrayList<>(2);
        }
        findIn(text, start, lastDigitEnd, spans);
      }
      if (i == start) {
        i++;
      }
    }
    return spans == null ? List.of() : spans;
  }

  private void findIn(String text, int start, int end, List<Span> out) {
    String window = text.substring(start, end);
    List<Span> found = windows.get(window);
    if (found == null) {
      found = new ArrayList<>(1);
      for (PhoneNumberMatch m : UTIL.findNumbers(internationalZeros(window), region, Leniency.POSSIBLE, Long.MAX_VALUE)) {
        found.add(new Span(m.start(), m.end(), UTIL.format(m.number(), PhoneNumberFormat.E164)));
      }
      found = found.isEmpty() ? List.of() : List.copyOf(found);
      if (windows.size() >= REMEMBERED) {
        windows.clear();
      }
      windows.put(window, found);
    }
    for (Span s : found) {
      out.add(start == 0 ? s : new Span(start + s.start(), start + s.end(), s.e164()));
    }
  }

  /**
   * The E.164 form of a string that is, as a whole, one phone number in any notation; empty when it
   * is not (too few digits, letters in it, not a plausible number).
   */
  Optional<String> normalize(String s) {
    if (s == null) {
      return Optional.empty();
    }
    Optional<String> known = normalized.get(s);
    if (known != null) {
      return known;
    }
    Optional<String> e164 = parse(s);
    if (normalized.size() >= REMEMBERED) {
      normalized.clear();
    }
    normalized.put(s, e164);
    return e164;
  }

  private Optional<String> parse(String s) {
    int digits = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (isDigit(c)) {
        digits++;
      } else if (!isPhoneChar(c)) {
        return Optional.empty();
      }
    }
    if (digits < MIN_DIGITS) {
      return Optional.empty();
    }
    try {
      PhoneNumber number = UTIL.parse(internationalZeros(s.strip()), region);
      if (!UTIL.isPossibleNumber(number)) {
        return Optional.empty();
      }
      return Optional.of(UTIL.format(number, PhoneNumberFormat.E164));
    } catch (com.google.i18n.phonenumbers.NumberParseException e) {
      return Optional.empty();
    }
  }

  /**
   * Reads a leading {@code 00} as the international {@code +}, as most of the world dials it, even
   * where the region's own prefix differs (US: 011): "0044 20 7946 0958" is a UK number everywhere.
   * Replaced by " +" so that offsets into the original text stay valid.
   */
  static String internationalZeros(String s) {
    if (s.indexOf("00") < 0) {
      return s;
    }
    StringBuilder b = null;
    for (int i = 0; i + 2 < s.length(); i++) {
      if (s.charAt(i) == '0' && s.charAt(i + 1) == '0' && s.charAt(i + 2) >= '1' && s.charAt(i + 2) <= '9'
          && startsNumber(s, i)) {
        if (b == null) {
          b = new StringBuilder(s);
        }
        b.setCharAt(i, ' ');
        b.setCharAt(i + 1, '+');
      }
    }
    return b == null ? s : b.toString();
  }

  /** True at the start of the string or after a slash (a list of numbers), spaces aside. */
  private static boolean startsNumber(String s, int i) {
    int j = i - 1;
    while (j >= 0 && s.charAt(j) == ' ') {
      j--;
    }
    return j < 0 || s.charAt(j) == '/';
  }

  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  static boolean isPhoneChar(char c) {
    return isDigit(c) || c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '+'
        || c == '/' || c == '\u00A0' || c == '\u2009' || c == '\u202F' || c == '\u2011';
  }
}
