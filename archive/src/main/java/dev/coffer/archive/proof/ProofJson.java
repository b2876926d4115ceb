package dev.coffer.archive.proof;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The proof file: one JSON object, UTF-8, documented in {@code docs/proof-format.md}. Bytes are
 * standard base64 with padding (record bytes, public key) or lowercase hex (hashes); the checkpoint
 * notes are JSON strings holding the signed note text verbatim.
 *
 * <pre>
 * inclusion   = {"format": "coffer-proof/1", "type": "inclusion", "recordId", "canonical" (base64),
 *                "digest" (hex), "leafIndex", "treeSize", "inclusionPath" ([hex]), "checkpoint" (note),
 *                "publicKey" (base64 of the raw 32-byte Ed25519 key)}
 * consistency = {"format": "coffer-proof/1", "type": "consistency", "oldSize", "newSize",
 *                "consistencyPath" ([hex]), "oldCheckpoint" (note), "newCheckpoint" (note), "publicKey"}
 * </pre>
 * Reading is strict: every field required, no others, exact types, canonical base64 and hex.
 */
public final class ProofJson {
  /** The {@code format} field's value. */
  public static final String FORMAT = "coffer-proof/1";
  private static final HexFormat HEX = HexFormat.of();
  private static final ObjectMapper MAPPER = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final Set<String> INCLUSION_FIELDS = Set.of("format", "type", "recordId", "canonical", "digest",
      "leafIndex", "treeSize", "inclusionPath", "checkpoint", "publicKey");
  private static final Set<String> CONSISTENCY_FIELDS = Set.of("format", "type", "oldSize", "newSize",
      "consistencyPath", "oldCheckpoint", "newCheckpoint", "publicKey");

  private ProofJson() {}

  /** The proof file's bytes: indented JSON, UTF-8, ending in a newline. */
  public static byte[] write(Proof proof) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeStringField("format", FORMAT);
      switch (proof) {
        case InclusionProof p -> {
          g.writeStringField("type", "inclusion");
          g.writeStringField("recordId", p.recordId());
          g.writeStringField("canonical", Base64.getEncoder().encodeToString(p.canonical()));
          g.writeStringField("digest", HEX.formatHex(p.digest()));
          g.writeNumberField("leafIndex", p.leafIndex());
          g.writeNumberField("treeSize", p.treeSize());
          hashes(g, "inclusionPath", p.path());
          g.writeStringField("checkpoint", p.checkpoint());
        }
        case ConsistencyProof p -> {
          g.writeStringField("type", "consistency");
          g.writeNumberField("oldSize", p.oldSize());
          g.writeNumberField("newSize", p.newSize());
          hashes(g, "consistencyPath", p.path());
          g.writeStringField("oldCheckpoint", p.oldCheckpoint());
          g.writeStringField("newCheckpoint", p.newCheckpoint());
        }
      }
      g.writeStringField("publicKey", Base64.getEncoder().encodeToString(proof.publicKey()));
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.write('\n');
    return out.toByteArray();
  }

  private static void hashes(JsonGenerator g, String name, List<byte[]> hashes) throws IOException {
    g.writeArrayFieldStart(name);
    for (byte[] h : hashes) {
      g.writeString(HEX.formatHex(h));
    }
    g.writeEndArray();
  }

  /**
   * Reads a proof file. Only its form is checked here; {@link ProofVerifier} checks what it claims.
   *
   * @throws IllegalArgumentException naming the field that is missing, unexpected or malformed
   */
  public static Proof read(byte[] json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("proof is not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("proof is not a JSON object");
    }
    if (!FORMAT.equals(text(root, "format"))) {
      throw new IllegalArgumentException("format is not " + FORMAT);
    }
    String type = text(root, "type");
    Set<String> allowed = switch (type) {
      case "inclusion" -> INCLUSION_FIELDS;
      case "consistency" -> CONSISTENCY_FIELDS;
      default -> throw new IllegalArgumentException("type is neither inclusion nor consistency");
    };
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw new IllegalArgumentException("unexpected field " + f);
      }
    }
    byte[] key = base64(root, "publicKey");
    if (type.equals("inclusion")) {
      return new InclusionProof(text(root, "recordId"), base64(root, "canonical"), hex(root, "digest"),
          count(root, "leafIndex"), count(root, "treeSize"), hashes(root, "inclusionPath"), text(root, "checkpoint"), key);
    }
    return new ConsistencyProof(count(root, "oldSize"), count(root, "newSize"), hashes(root, "consistencyPath"),
        text(root, "oldCheckpoint"), text(root, "newCheckpoint"), key);
  }

  private static JsonNode field(JsonNode root, String name) {
    JsonNode n = root.get(name);
    if (n == null) {
      throw new IllegalArgumentException("field " + name + " is missing");
    }
    return n;
  }

  private static String text(JsonNode root, String name) {
    JsonNode n = field(root, name);
    if (!n.isTextual()) {
      throw new IllegalArgumentException("field " + name + " is not a string");
    }
    return n.textValue();
  }

  private static long count(JsonNode root, String name) {
    JsonNode n = field(root, name);
    if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 0) {
      throw new IllegalArgumentException("field " + name + " is not a non-negative integer");
    }
    return n.longValue();
  }

  private static byte[] base64(JsonNode root, String name) {
    String s = text(root, name);
    try {
      byte[] b = Base64.getDecoder().decode(s);
      if (!Base64.getEncoder().encodeToString(b).equals(s)) {
        throw new IllegalArgumentException("not canonical");
      }
      return b;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("field " + name + " is not standard base64");
    }
  }

  private static byte[] hex(JsonNode root, String name) {
    return hash(text(root, name), name);
  }

  private static byte[] hash(String s, String name) {
    if (s.length() != 64 || !s.equals(s.toLowerCase(java.util.Locale.ROOT))) {
      throw new IllegalArgumentException("field " + name + " is not 64 lowercase hex digits");
    }
    try {
      return HEX.parseHex(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("field " + name + " is not 64 lowercase hex digits");
    }
  }

  private static List<byte[]> hashes(JsonNode root, String name) {
    JsonNode n = field(root, name);
    if (!n.isArray()) {
      throw new IllegalArgumentException("field " + name + " is not an array");
    }
    List<byte[]> out = new ArrayList<>(n.size());
    for (JsonNode e : n) {
      if (!e.isTextual()) {
        throw new IllegalArgumentException("field " + name + " holds a non-string");
      }
      out.add(hash(e.textValue(), name));
    }
    return out;
  }
}
