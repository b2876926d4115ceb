package dev.coffer.connectors.whatsapp.cloud;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reading webhook JSON: one mapper with strict settings, and accessors that never throw and never
 * return text a canonical record would refuse (unpaired surrogates, which JSON's {@code \\uD83D}
 * escapes can produce, become U+FFFD; the raw original keeps the bytes).
 */
final class Json {
  /**
   * Decimals are read as BigDecimal so coordinates keep the source's digits; trailing tokens are an
   * error; nesting is bounded (a hostile body cannot exhaust the stack).
   */
  static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .nodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true))
      .build();

  static {
    MAPPER.getFactory().setStreamReadConstraints(
        StreamReadConstraints.builder().maxNestingDepth(200).build());
  }

  private Json() {}

  static JsonNode read(byte[] body) throws java.io.IOException {
    return MAPPER.readTree(body);
  }

  /** The member's text when it is a string or a number, cleaned; else null. */
  static String str(JsonNode node, String field) {
    if (node == null || !node.isObject()) {
      return null;
    }
    JsonNode v = node.get(field);
    return scalar(v);
  }

  /** A scalar's text (numbers in plain decimal), cleaned; null for null, objects and arrays. */
  static String scalar(JsonNode v) {
    if (v == null || v.isNull() || v.isContainerNode() || v.isMissingNode()) {
      return null;
    }
    if (v.isBigDecimal()) {
      java.math.BigDecimal d = v.decimalValue();
      // Plain digits keep coordinates as written; but "1e999999999" in plain form is a billion
      // digits from an 11-byte input, so far-out exponents keep the exponent form.
      return Math.abs(d.scale()) > 64 || d.precision() - d.scale() > 64 ? d.toString()
          : d.toPlainString();
    }
    return clean(v.asText());
  }

  /** The member when it is an object, else null. */
  static JsonNode obj(JsonNode node, String field) {
    if (node == null || !node.isObject()) {
      return null;
    }
    JsonNode v = node.get(field);
    return v != null && v.isObject() ? v : null;
  }

  /** The member when it is an array, else null. */
  static JsonNode arr(JsonNode node, String field) {
    if (node == null || !node.isObject()) {
      return null;
    }
    JsonNode v = node.get(field);
    return v != null && v.isArray() ? v : null;
  }

  static boolean flag(JsonNode node, String field) {
    if (node == null || !node.isObject()) {
      return false;
    }
    JsonNode v = node.get(field);
    return v != null && v.isBoolean() && v.booleanValue();
  }

  /** Compact JSON text of a node (member order as received), cleaned. */
  static String text(JsonNode node) {
    try {
      return clean(MAPPER.writeValueAsString(node));
    } catch (JsonProcessingException e) {
      return clean(String.valueOf(node));
    }
  }

  /** Unix seconds (a string or an integer) as an Instant; null when it is not a plausible time. */
  static Instant seconds(String text) {
    if (text == null || text.isEmpty() || text.length() > 12) {
      return null;
    }
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        return null;
      }
    }
    long s = Long.parseLong(text);
    // Before 2009 (WhatsApp's launch) or beyond year 9999 is not a message time.
    if (s < 1_230_768_000L || s > 253_402_300_799L) {
      return null;
    }
    return Instant.ofEpochSecond(s);
  }

  /** An integer member, or {@code fallback} when absent or not an integer that fits. */
  static int integer(JsonNode node, String field, int fallback) {
    String s = str(node, field);
    if (s == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(s.strip());
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  /** Replaces unpaired surrogates with U+FFFD, so the text can be canonical JSON. */
  static String clean(String s) {
    if (s == null) {
      return null;
    }
    StringBuilder out = null;
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      boolean bad;
      if (Character.isHighSurrogate(c)) {
        bad = i + 1 >= n || !Character.isLowSurrogate(s.charAt(i + 1));
        if (!bad) {
          if (out != null) {
            out.append(c).append(s.charAt(i + 1));
          }
          i++;
          continue;
        }
      } else {
        bad = Character.isLowSurrogate(c);
      }
      if (bad && out == null) {
        out = new StringBuilder(n).append(s, 0, i);
      }
      if (out != null) {
        out.append(bad ? '\uFFFD' : c);
      }
    }
    return out == null ? s : out.toString();
  }

  /**
   * The scalar leaves of a node by dotted path ({@code waba_info.waba_id}, {@code errors.0.code}),
   * at most {@code limit} of them, for the {@code detail} of records about platform events.
   */
  static Map<String, String> leaves(JsonNode node, int limit) {
    Map<String, String> out = new LinkedHashMap<>();
    leaves(node, "", out, limit);
    return out;
  }

  private static void leaves(JsonNode node, String path, Map<String, String> out, int limit) {
    if (out.size() >= limit || node == null) {
      return;
    }
    if (node.isObject()) {
      var it = node.fields();
      while (it.hasNext()) {
        var e = it.next();
        leaves(e.getValue(), path.isEmpty() ? clean(e.getKey()) : path + "." + clean(e.getKey()),
            out, limit);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        leaves(node.get(i), path.isEmpty() ? Integer.toString(i) : path + "." + i, out, limit);
      }
    } else {
      String v = scalar(node);
      if (v != null) {
        out.put(path.isEmpty() ? "value" : path, v);
      }
    }
  }
}
