package dev.coffer.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;

/**
 * Converts {@link Record}s to and from their {@code coffer/1} JSON.
 *
 * <p>Field names are snake_case; absent values ({@code null}, false flags) are omitted; times are
 * ISO-8601 UTC ({@code 2026-11-24T19:03:22Z}, with milliseconds only where the source has them);
 * every record carries {@code "schema":"coffer/1"} and its {@code kind}. {@link #canonical} gives the
 * RFC 8785 bytes whose SHA-256 is the record's digest ({@link #digest}).
 *
 * <p>The archive keeps the canonical bytes as written; reading them back ({@link #parse}) ignores
 * fields this version does not know, so records written by a newer connector still display.
 */
public final class RecordJson {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .serializationInclusion(JsonInclude.Include.NON_NULL)
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
          .build();

  private RecordJson() {}

  /** The shared mapper (snake_case, NON_NULL, ISO times); do not reconfigure it. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** The record as a JSON tree, with {@code schema} and {@code kind}. */
  public static ObjectNode tree(Record record) {
    ObjectNode node = MAPPER.valueToTree(record);
    node.put("schema", Record.SCHEMA);
    return node;
  }

  /**
   * The RFC 8785 canonical bytes of the record: {@link CanonicalJson#serialize} of {@link #tree},
   * written directly from the record without building the tree.
   *
   * @throws IllegalArgumentException if a string holds an unpaired surrogate or an integer is beyond
   *     ±2<sup>53</sup> (as {@link CanonicalJson} refuses them)
   */
  public static byte[] canonical(Record record) {
    return CanonicalRecords.canonical(record);
  }

  /** The canonical bytes by way of the Jackson tree: the reference {@link #canonical} must equal. */
  static byte[] canonicalViaTree(Record record) {
    return CanonicalJson.serialize(tree(record));
  }

  /** SHA-256 (hex) over canonical bytes: the record digest. */
  public static String digest(byte[] canonicalBytes) {
    return Digests.sha256Hex(canonicalBytes);
  }

  /**
   * Reads a record from its JSON bytes.
   *
   * @throws IllegalArgumentException if the bytes are not a coffer/1 record
   */
  public static Record parse(byte[] json) {
    try {
      JsonNode node = MAPPER.readTree(json);
      return fromTree(node);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a coffer/1 record: " + e.getMessage(), e);
    }
  }

  /**
   * Reads a record from a JSON tree.
   *
   * @throws IllegalArgumentException if the tree is not a coffer/1 record
   */
  public static Record fromTree(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("not a coffer/1 record: not a JSON object");
    }
    JsonNode schema = node.get("schema");
    if (schema == null || !Record.SCHEMA.equals(schema.asText())) {
      throw new IllegalArgumentException(
          "not a coffer/1 record: schema is " + (schema == null ? "missing" : schema));
    }
    try {
      return MAPPER.treeToValue(node, Record.class);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a coffer/1 record: " + e.getMessage(), e);
    }
  }
}
