package dev.coffer.connectors.whatsapp.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coffer.model.Digests;
import dev.coffer.model.Record;
import dev.coffer.model.RecordJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The parser's promises under arbitrary input: it never throws, always leaves at least one record,
 * every record has canonical bytes; and split, shuffled, duplicated deliveries of the same items
 * give the same records (by id) as one delivery.
 */
class CloudApiWebhookProperties {
  static final Instant AT = Instant.parse("2026-03-02T12:00:00Z");

  static List<byte[]> seeds() {
    try (var s = Files.list(GoldenFixturesTest.DIR)) {
      List<byte[]> out = new ArrayList<>();
      for (Path p : s.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        out.add(Files.readAllBytes(p));
      }
      return out;
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  static void holdsPromises(byte[] body) {
    WebhookParse p = CloudApiWebhook.parse(body, Digests.sha256Hex(body), AT);
    assertThat(p.records()).isNotEmpty();
    for (Record r : p.records()) {
      RecordJson.canonical(r); // throws if a record could not be archived
      assertThat(r.source().raw()).isEqualTo(Digests.sha256Hex(body));
    }
    for (MediaRef m : p.media()) {
      assertThat(p.records()).anyMatch(r -> r.id().equals(m.recordId()));
    }
  }

  @Property(tries = 300)
  void arbitraryBytesNeverThrowAndLeaveARecord(@ForAll byte[] body) {
    holdsPromises(body);
  }

  @Provide
  Arbitrary<byte[]> mutated() {
    List<byte[]> seeds = seeds();
    return Arbitraries.longs().map(seed -> mutate(seeds, new Random(seed)));
  }

  @Property(tries = 400)
  void mutatedWebhooksNeverThrowAndLeaveARecord(@ForAll("mutated") byte[] body) {
    holdsPromises(body);
  }

  /** Changes a fixture: a value replaced by another type, a member dropped, bytes cut or flipped. */
  static byte[] mutate(List<byte[]> seeds, Random r) {
    byte[] seed = seeds.get(r.nextInt(seeds.size()));
    int how = r.nextInt(4);
    if (how == 0) {
      byte[] out = java.util.Arrays.copyOf(seed, r.nextInt(seed.length + 1));
      return out;
    }
    if (how == 1) {
      byte[] out = seed.clone();
      for (int i = 0; i < 1 + r.nextInt(4); i++) {
        out[r.nextInt(out.length)] = (byte) r.nextInt(256);
      }
      return out;
    }
    JsonNode root;
    try {
      root = Json.read(seed);
    } catch (java.io.IOException e) {
      return seed; // the fixture that is not JSON stays as it is
    }
    try {
      List<JsonNode> containers = new ArrayList<>();
      collect(root, containers);
      for (int i = 0; i < 1 + r.nextInt(3); i++) {
        JsonNode c = containers.get(r.nextInt(containers.size()));
        if (c instanceof ObjectNode o && o.size() > 0) {
          String name = new ArrayList<>(o.properties()).get(r.nextInt(o.size())).getKey();
          if (how == 2) {
            o.remove(name);
          } else {
            o.set(name, odd(r));
          }
        } else if (c instanceof ArrayNode a && a.size() > 0) {
          a.set(r.nextInt(a.size()), odd(r));
        }
      }
      return Json.MAPPER.writeValueAsBytes(root);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  private static void collect(JsonNode n, List<JsonNode> out) {
    if (n.isContainerNode()) {
      out.add(n);
      n.forEach(child -> collect(child, out));
    }
  }

  private static JsonNode odd(Random r) {
    var f = Json.MAPPER.getNodeFactory();
    return switch (r.nextInt(9)) {
      case 0 -> f.nullNode();
      case 1 -> f.numberNode(r.nextLong());
      case 2 -> f.textNode("\uD83D");       // an unpaired surrogate
      case 3 -> f.textNode("");
      case 4 -> f.arrayNode();
      case 5 -> f.objectNode();
      case 6 -> f.booleanNode(r.nextBoolean());
      case 7 -> f.numberNode(new java.math.BigDecimal("1e400"));
      default -> f.textNode("wamid." + r.nextInt(5));
    };
  }

  /**
   * Every item of the fixtures delivered alone (one body each, as Meta may batch differently),
   * shuffled and some twice, gives the same set of records by id as the fixtures delivered whole.
   */
  @Property(tries = 30)
  void splitShuffledAndRepeatedDeliveriesGiveTheSameRecords(@ForAll long seed) throws Exception {
    Random r = new Random(seed);
    Map<String, Record> whole = new LinkedHashMap<>();
    List<byte[]> singles = new ArrayList<>();
    for (byte[] body : seeds()) {
      WebhookParse p = CloudApiWebhook.parse(body, Digests.sha256Hex(body), AT);
      if (p.unparsedCount() > 0) {
        continue; // unreadable input has no platform id; it is keyed by its own text
      }
      p.records().forEach(x -> whole.putIfAbsent(x.id(), x));
      singles.addAll(split(Json.read(body)));
    }
    List<byte[]> deliveries = new ArrayList<>(singles);
    for (int i = 0; i < singles.size() / 3; i++) {
      deliveries.add(singles.get(r.nextInt(singles.size())));
    }
    Collections.shuffle(deliveries, r);
    Map<String, Record> pieces = new LinkedHashMap<>();
    for (byte[] d : deliveries) {
      for (Record x : CloudApiWebhook.parse(d, Digests.sha256Hex(d), AT.plusSeconds(r.nextInt(9999))).records()) {
        pieces.putIfAbsent(x.id(), x);
      }
    }
    assertThat(pieces.keySet()).containsExactlyInAnyOrderElementsOf(whole.keySet());
    for (var e : whole.entrySet()) {
      Record piece = pieces.get(e.getKey());
      assertThat(piece.kind()).isEqualTo(e.getValue().kind());
      if (!AT.equals(e.getValue().sentAt())) { // items without a time of their own take receipt time
        assertThat(piece.sentAt()).isEqualTo(e.getValue().sentAt());
      }
      assertThat(piece.conversation()).isEqualTo(e.getValue().conversation());
    }
  }

  /** One body per item of every array that holds items (messages, statuses, echoes, …). */
  static List<byte[]> split(JsonNode root) throws Exception {
    List<byte[]> out = new ArrayList<>();
    for (JsonNode entry : root.get("entry")) {
      for (JsonNode change : entry.get("changes")) {
        JsonNode value = change.get("value");
        List<String> arrays = new ArrayList<>();
        value.properties().forEach(p -> {
          if (p.getValue().isArray() && !p.getKey().equals("contacts")) {
            arrays.add(p.getKey());
          }
        });
        if (arrays.isEmpty()) {
          out.add(wrap(entry, change, value));
          continue;
        }
        for (String name : arrays) {
          for (JsonNode item : value.get(name)) {
            ObjectNode v = value.deepCopy();
            arrays.forEach(v::remove);
            v.set(name, Json.MAPPER.createArrayNode().add(item));
            if (name.equals("messages") && value.has("errors")) {
              v.set("errors", value.get("errors"));
            }
            out.add(wrap(entry, change, v));
          }
        }
      }
    }
    return out;
  }

  private static byte[] wrap(JsonNode entry, JsonNode change, JsonNode value) throws Exception {
    ObjectNode c = change.deepCopy();
    c.set("value", value);
    ObjectNode e = entry.deepCopy();
    e.set("changes", Json.MAPPER.createArrayNode().add(c));
    ObjectNode root = Json.MAPPER.createObjectNode().put("object", "whatsapp_business_account");
    root.set("entry", Json.MAPPER.createArrayNode().add(e));
    return Json.MAPPER.writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
  }
}
