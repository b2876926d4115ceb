package dev.coffer.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * RFC 8785 (JSON Canonicalization Scheme) serialization of a JSON tree.
 *
 * <p>Object members are sorted by their names' UTF-16 code units (Java's {@link String#compareTo}
 * order, which is what RFC 8785 §3.2.3 specifies); no whitespace; strings escape only {@code "},
 * {@code \}, and control characters (as {@code \b \t \n \f \r} or {@code \\u00xx} lowercase), and
 * everything else is written as UTF-8.
 *
 * <p>Numbers: coffer/1 uses integers only, within ±2<sup>53</sup>, whose RFC 8785 form is their
 * plain decimal form. A non-integral or larger number is refused with {@link IllegalArgumentException}
 * rather than risk a serialization another implementation would not reproduce; values such as
 * coordinates are kept as strings. A string holding an unpaired surrogate is refused too (RFC 8785
 * requires valid Unicode).
 */
public final class CanonicalJson {
  private static final long MAX_SAFE = (1L << 53);
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private CanonicalJson() {}

  /** The canonical UTF-8 bytes of {@code node}. */
  public static byte[] serialize(JsonNode node) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    write(node, out);
    return out.toByteArray();
  }

  private static void write(JsonNode node, ByteArrayOutputStream out) {
    switch (node.getNodeType()) {
      case OBJECT -> {
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(node.size());
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
          fields.add(it.next());
        }
        fields.sort(Map.Entry.comparingByKey());
        out.write('{');
        for (int i = 0; i < fields.size(); i++) {
          if (i > 0) {
            out.write(',');
          }
          writeString(fields.get(i).getKey(), out);
          out.write(':');
          write(fields.get(i).getValue(), out);
        }
        out.write('}');
      }
      case ARRAY -> {
        out.write('[');
        for (int i = 0; i < node.size(); i++) {
          if (i > 0) {
            out.write(',');
          }
          write(node.get(i), out);
        }
        out.write(']');
      }
      case STRING -> writeString(node.textValue(), out);
      case NUMBER -> writeNumber(node, out);
      case BOOLEAN -> out.writeBytes(node.booleanValue() ? TRUE : FALSE);
      case NULL -> out.writeBytes(NULL);
      case BINARY, MISSING, POJO ->
          throw new IllegalArgumentException("not a JSON value: " + node.getNodeType());
    }
  }

  private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);

  private static void writeNumber(JsonNode node, ByteArrayOutputStream out) {
    if (!node.isIntegralNumber() || !node.canConvertToLong()) {
      throw new IllegalArgumentException(
          "coffer/1 allows integer numbers only (keep fractions as strings): " + node);
    }
    long v = node.longValue();
    if (v > MAX_SAFE || v < -MAX_SAFE) {
      throw new IllegalArgumentException("integer outside ±2^53 cannot be canonical: " + v);
    }
    out.writeBytes(Long.toString(v).getBytes(StandardCharsets.US_ASCII));
  }

  private static void writeString(String s, ByteArrayOutputStream out) {
    out.write('"');
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        switch (c) {
          case '"' -> { out.write('\\'); out.write('"'); }
          case '\\' -> { out.write('\\'); out.write('\\'); }
          case '\b' -> { out.write('\\'); out.write('b'); }
          case '\t' -> { out.write('\\'); out.write('t'); }
          case '\n' -> { out.write('\\'); out.write('n'); }
          case '\f' -> { out.write('\\'); out.write('f'); }
          case '\r' -> { out.write('\\'); out.write('r'); }
          default -> {
            if (c < 0x20) {
              out.write('\\');
              out.write('u');
              out.write('0');
              out.write('0');
              out.write(HEX[c >> 4]);
              out.write(HEX[c & 0xF]);
            } else {
              out.write(c);
            }
          }
        }
      } else if (c < 0x800) {
        out.write(0xC0 | (c >> 6));
        out.write(0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c)) {
        if (i + 1 >= n || !Character.isLowSurrogate(s.charAt(i + 1))) {
          throw new IllegalArgumentException("unpaired surrogate at index " + i);
        }
        int cp = Character.toCodePoint(c, s.charAt(++i));
        out.write(0xF0 | (cp >> 18));
        out.write(0x80 | ((cp >> 12) & 0x3F));
        out.write(0x80 | ((cp >> 6) & 0x3F));
        out.write(0x80 | (cp & 0x3F));
      } else if (Character.isLowSurrogate(c)) {
        throw new IllegalArgumentException("unpaired surrogate at index " + i);
      } else {
        out.write(0xE0 | (c >> 12));
        out.write(0x80 | ((c >> 6) & 0x3F));
        out.write(0x80 | (c & 0x3F));
      }
    }
    out.write('"');
  }
}
