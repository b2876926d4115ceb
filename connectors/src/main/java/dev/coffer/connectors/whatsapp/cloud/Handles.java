package dev.coffer.connectors.whatsapp.cloud;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import dev.coffer.model.Party;

/**
 * Handles for WhatsApp ids: a wa_id or phone number becomes E.164 when libphonenumber reads it as
 * a possible number; anything else (business-scoped user ids {@code US.…}, placeholders) stays as
 * given, so nothing is invented.
 */
final class Handles {
  private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();
  /**
   * Digits already read: their E.164 form, or {@link #NOT_A_PHONE}. A webhook names the business
   * number and its customer in every body, and libphonenumber's parse was 8 % of the capture
   * server's CPU; a business talks to the same customers again and again. Bounded: emptied when full.
   */
  private static final java.util.concurrent.ConcurrentHashMap<String, String> READ =
      new java.util.concurrent.ConcurrentHashMap<>();
  private static final int READ_MAX = 8192;
  private static final String NOT_A_PHONE = "";

  private Handles() {}

  /** E.164 for a wa_id or written phone number, else the text as given (null stays null). */
  static String handle(String id) {
    if (id == null) {
      return null;
    }
    String digits = digits(id);
    if (digits == null || digits.length() < 7 || digits.length() > 15) {
      return id;
    }
    String e164 = READ.get(digits);
    if (e164 == null) {
      e164 = e164(digits);
      if (READ.size() >= READ_MAX) {
        READ.clear();
      }
      READ.put(digits, e164);
    }
    return e164.isEmpty() ? id : e164;
  }

  /** The E.164 form of these digits, or {@link #NOT_A_PHONE}. */
  private static String e164(String digits) {
    try {
      PhoneNumber n = PHONES.parse("+" + digits, "ZZ");
      if (PHONES.isPossibleNumber(n)) {
        return PHONES.format(n, PhoneNumberUtil.PhoneNumberFormat.E164);
      }
    } catch (NumberParseException e) {
      // not a phone number: kept as given
    }
    return NOT_A_PHONE;
  }

  /**
   * The key a customer is known by in conversation ids: the digits of a phone-like id (so
   * {@code +1 650-555-1234} and {@code 16505551234} are one customer), else the id as given.
   */
  static String customerKey(String id) {
    if (id == null) {
      return null;
    }
    String d = digits(id);
    return d != null ? d : id;
  }

  /** A party for an id with an optional display name; null when both are null. */
  static Party party(String id, String name) {
    if (id == null && name == null) {
      return null;
    }
    return new Party(handle(id), name);
  }

  /** The digits of text made only of digits, spaces, {@code + - ( ) .}; else null. */
  private static String digits(String s) {
    StringBuilder d = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        d.append(c);
      } else if (c != ' ' && c != '+' && c != '-' && c != '(' && c != ')' && c != '.') {
        return null;
      }
    }
    return d.isEmpty() ? null : d.toString();
  }
}
