package dev.coffer.connectors.whatsapp.export;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import dev.coffer.model.Party;
import java.util.regex.Pattern;

/**
 * Who is who in one export: authors as written become parties, phone-number authors get an E.164
 * handle (libphonenumber), the exporter's own name and the word "You" become the owner.
 */
final class Parties {
  private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();
  private static final Pattern PHONE_LIKE = Pattern.compile("^\\+[0-9 ()\\-.]{6,24}$");

  private final String ownerPhone;
  private final String ownerName;

  /** {@code ownerPhone} is E.164 or null; {@code ownerName} the exporter's display name or null. */
  Parties(String ownerPhone, String ownerName) {
    this.ownerPhone = ownerPhone;
    this.ownerName = ownerName;
  }

  /** The exporter. */
  Party owner() {
    return new Party(ownerPhone, ownerName != null ? ownerName : "You");
  }

  /** Parties by author as written: a chat has few authors, and phone parsing is costly. */
  private final java.util.Map<String, Party> byAuthor = new java.util.HashMap<>();

  /** Authors remembered at most; beyond that the memory starts again (bounded, same results). */
  static final int AUTHOR_MEMORY = 4096;

  /** The party for an author as written (bidirectional marks already removed). */
  Party author(String written) {
    if (written == null) {
      return null;
    }
    Party known = byAuthor.get(written);
    if (known != null) {
      return known;
    }
    if (byAuthor.size() >= AUTHOR_MEMORY) {
      byAuthor.clear();
    }
    Party p = resolve(written);
    byAuthor.put(written, p);
    return p;
  }

  private Party resolve(String written) {
    // The display form: what the app shows, without iOS's wrapping marks and odd spaces.
    String name = Text.clean(written).strip();
    if (ownerName != null && ownerName.equals(name)) {
      return new Party(ownerPhone, ownerName);
    }
    String e164 = e164(name);
    if (e164 != null) {
      if (e164.equals(ownerPhone)) {
        return new Party(ownerPhone, ownerName != null ? ownerName : name);
      }
      return new Party(e164, name);
    }
    if (name.isEmpty()) {
      return new Party(null, "");
    }
    return new Party(null, name);
  }

  /** A name from a system line: "You" (in any supported language) is the exporter. */
  Party named(String name, boolean you) {
    if (you) {
      return owner();
    }
    return author(name);
  }

  /**
   * E.164 for text that is a phone number in international form (iOS wraps such numbers in
   * LRE/PDF and writes NBSP and U+2011), else null.
   */
  static String e164(String text) {
    String cleaned = Text.clean(text).strip();
    if (!PHONE_LIKE.matcher(cleaned).matches()) {
      return null;
    }
    try {
      PhoneNumber n = PHONES.parse(cleaned, "ZZ");
      if (!PHONES.isPossibleNumber(n)) {
        return null;
      }
      return PHONES.format(n, PhoneNumberUtil.PhoneNumberFormat.E164);
    } catch (NumberParseException e) {
      return null;
    }
  }

  /** The owner phone option normalized to E.164; fails naming the value if it is not a number. */
  static String ownerPhone(String phone) {
    if (phone == null) {
      return null;
    }
    String e = e164(phone.startsWith("+") ? phone : "+" + phone);
    if (e == null) {
      throw new IllegalArgumentException("owner phone must be an international phone number like"
          + " +15551234567, not '" + phone + "'");
    }
    return e;
  }
}
