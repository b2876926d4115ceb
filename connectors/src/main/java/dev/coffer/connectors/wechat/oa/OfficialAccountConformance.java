package dev.coffer.connectors.wechat.oa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coffer.model.Digests;
import dev.coffer.model.Message;
import dev.coffer.model.Record;
import dev.coffer.model.Unparsed;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Conformance run over a corpus directory of Official Account samples ({@code coffer conformance
 * wechat-oa DIR}):
 * <ul>
 *   <li>every {@code *vectors*.json}: the published crypto vectors it holds (AES key derivation,
 *       URL signature, msg_signature, decryption of the official demo, the deterministic encryption
 *       vectors) must be reproduced exactly, and the demo must go through the callback in safe mode;
 *   <li>every {@code .xml} with an {@code <Encrypt>}: a compatible-mode body, handled with the demo's
 *       token, key and AppID from the vectors file;
 *   <li>every other {@code .xml}: signed with a conformance token and handled in plain mode, then
 *       encrypted and handled in safe mode; both must give records (none {@code unparsed}) with the
 *       same ids.
 * </ul>
 * Exit 0 only when every check passes and at least one file was checked.
 */
public final class OfficialAccountConformance {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "conformance";
  private static final String AES_KEY = "ConformanceKey0123456789abcdefghijklmnopqrs";
  private static final String APPID = "wxconformance00001";
  private static final Instant RECEIVED = Instant.parse("2026-01-01T00:00:00Z");

  private OfficialAccountConformance() {}

  public static int run(Path dir, PrintStream out) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files = s.filter(Files::isRegularFile).filter(p -> {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".xml") || (n.endsWith(".json") && n.contains("vector"));
      }).sorted().toList();
    }
    JsonNode demo = null;
    int failures = 0;
    int checks = 0;
    Map<String, Long> kinds = new TreeMap<>();
    for (Path f : files) {
      if (f.getFileName().toString().endsWith(".json")) {
        JsonNode v = JSON.readTree(f.toFile());
        if (v.has("official_demo_decrypt")) {
          demo = v.get("official_demo_decrypt");
        }
        List<String> problems = vectors(v);
        checks++;
        if (!problems.isEmpty()) {
          failures++;
        }
        out.printf(Locale.ROOT, "%s %s: %s%n", problems.isEmpty() ? "PASS" : "FAIL",
            dir.relativize(f), problems.isEmpty() ? "every vector reproduced" : String.join("; ", problems));
      }
    }
    for (Path f : files) {
      if (!f.getFileName().toString().endsWith(".xml")) {
        continue;
      }
      checks++;
      String name = dir.relativize(f).toString();
      byte[] body = Files.readAllBytes(f);
      try {
        String problem;
        List<Record> records;
        if (new String(body, StandardCharsets.UTF_8).contains("<Encrypt>")) {
          if (demo == null) {
            throw new IllegalStateException("a compatible-mode body, but no vectors file gives its token and key");
          }
          OfficialAccountCallback cb = new OfficialAccountCallback(new OfficialAccountConfig(
              demo.path("token").asText(), demo.path("encodingAESKey").asText(), demo.path("appid").asText()));
          Map<String, String> q = Map.of("timestamp", demo.path("timestamp").asText(), "nonce",
              demo.path("nonce").asText(), "encrypt_type", "aes", "msg_signature",
              demo.path("msg_signature").asText());
          CallbackResult r = cb.handle(q, body, Digests.sha256Hex(body), RECEIVED);
          records = r.records();
          problem = r.mode() != CallbackResult.Mode.COMPATIBLE ? "read as " + r.mode() + ", not COMPATIBLE" : null;
        } else {
          records = plainAndSafe(body);
          problem = null;
        }
        for (Record rec : records) {
          kinds.merge(rec.kind(), 1L, Long::sum);
          if (rec instanceof Unparsed u) {
            problem = "unparsed: " + u.diagnostic();
          }
        }
        if (problem != null) {
          failures++;
        }
        out.printf(Locale.ROOT, "%s %s: %s%n", problem == null ? "PASS" : "FAIL", name,
            problem == null ? describe(records) : problem);
      } catch (WeChatSignatureException | RuntimeException e) {
        failures++;
        out.printf(Locale.ROOT, "FAIL %s: %s%n", name, e);
      }
    }
    out.printf(Locale.ROOT, "%d check(s), %d failure(s), records by kind %s%n", checks, failures, kinds);
    return failures == 0 && checks > 0 ? 0 : 1;
  }

  /** The plain-mode records; the safe-mode run of the same body must give the same ids. */
  private static List<Record> plainAndSafe(byte[] body) throws WeChatSignatureException {
    String timestamp = "1700000000";
    String nonce = "42";
    Map<String, String> plainQuery = new LinkedHashMap<>();
    plainQuery.put("signature", MessageCrypt.signature(TOKEN, timestamp, nonce));
    plainQuery.put("timestamp", timestamp);
    plainQuery.put("nonce", nonce);
    CallbackResult plain = new OfficialAccountCallback(OfficialAccountConfig.plain(TOKEN, APPID))
        .handle(plainQuery, body, Digests.sha256Hex(body), RECEIVED);
    String encrypt = new MessageCrypt(OfficialAccountConfig.aesKeyBytes(AES_KEY)).encrypt(body, APPID);
    byte[] safeBody = ("<xml><ToUserName><![CDATA[x]]></ToUserName><Encrypt><![CDATA[" + encrypt
        + "]]></Encrypt></xml>").getBytes(StandardCharsets.UTF_8);
    Map<String, String> safeQuery = new LinkedHashMap<>(plainQuery);
    safeQuery.put("encrypt_type", "aes");
    safeQuery.put("msg_signature", MessageCrypt.signature(TOKEN, timestamp, nonce, encrypt));
    CallbackResult safe = new OfficialAccountCallback(new OfficialAccountConfig(TOKEN, AES_KEY, APPID))
        .handle(safeQuery, safeBody, Digests.sha256Hex(safeBody), RECEIVED);
    List<String> a = plain.records().stream().map(Record::id).toList();
    List<String> b = safe.records().stream().map(Record::id).toList();
    if (!a.equals(b)) {
      throw new IllegalStateException("plain and safe mode gave different record ids");
    }
    return plain.records();
  }

  private static String describe(List<Record> records) {
    List<String> parts = new ArrayList<>();
    for (Record r : records) {
      String what = r.kind();
      if (r instanceof Message m) {
        what += m.attachmentList().isEmpty() ? "" : " with " + m.attachmentList().size() + " pending attachment(s)";
        what += m.location() != null ? " with location" : "";
      } else if (r instanceof dev.coffer.model.SystemEvent s && s.detail() != null) {
        what += " " + s.detail().get("event");
      }
      parts.add(what);
    }
    return String.join(", ", parts);
  }

  private static List<String> vectors(JsonNode v) {
    List<String> problems = new ArrayList<>();
    JsonNode d = v.get("official_demo_decrypt");
    if (d != null) {
      String key = d.path("encodingAESKey").asText();
      expect(problems, "aes_key_hex", d.path("aes_key_hex").asText(),
          HexFormat.of().formatHex(OfficialAccountConfig.aesKeyBytes(key)));
      String token = d.path("token").asText();
      String ts = d.path("timestamp").asText();
      String nonce = d.path("nonce").asText();
      String encrypt = d.path("encrypt").asText();
      expect(problems, "signature_for_plain_url_check", d.path("signature_for_plain_url_check").asText(),
          MessageCrypt.signature(token, ts, nonce));
      expect(problems, "msg_signature", d.path("msg_signature").asText(),
          MessageCrypt.signature(token, ts, nonce, encrypt));
      try {
        MessageCrypt.Plain p = new MessageCrypt(OfficialAccountConfig.aesKeyBytes(key)).decrypt(encrypt);
        expect(problems, "decrypted_random_16_bytes", d.path("decrypted_random_16_bytes").asText(),
            new String(p.random(), StandardCharsets.ISO_8859_1));
        expect(problems, "decrypted_msg", d.path("decrypted_msg").asText(),
            new String(p.message(), StandardCharsets.UTF_8));
        expect(problems, "decrypted_appid", d.path("decrypted_appid").asText(), p.receiveId());
        int plainLength = 20 + p.message().length + p.receiveId().getBytes(StandardCharsets.UTF_8).length;
        expect(problems, "pkcs7_pad_byte", d.path("pkcs7_pad_byte").asText(),
            Integer.toString(32 - plainLength % 32));
        OfficialAccountCallback cb = new OfficialAccountCallback(
            new OfficialAccountConfig(token, key, d.path("appid").asText()));
        byte[] body = ("<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><Encrypt><![CDATA["
            + encrypt + "]]></Encrypt></xml>").getBytes(StandardCharsets.UTF_8);
        CallbackResult r = cb.handle(Map.of("timestamp", ts, "nonce", nonce, "encrypt_type", "aes",
            "msg_signature", d.path("msg_signature").asText()), body, Digests.sha256Hex(body), RECEIVED);
        if (!(r.records().get(0) instanceof Message)) {
          problems.add("the demo through the callback gave " + r.records().get(0).kind());
        }
      } catch (MessageCrypt.CryptException | WeChatSignatureException e) {
        problems.add("official demo: " + e.getMessage());
      }
    }
    JsonNode w = v.get("wxjava_deterministic_encrypt");
    if (w != null) {
      MessageCrypt crypt = new MessageCrypt(OfficialAccountConfig.aesKeyBytes(w.path("encodingAESKey").asText()));
      byte[] random = w.path("random16").asText().getBytes(StandardCharsets.UTF_8);
      String appid = w.path("appid").asText();
      String e1 = crypt.encrypt(random, w.path("plaintext").asText().getBytes(StandardCharsets.UTF_8), appid);
      expect(problems, "expected_encrypt", w.path("expected_encrypt").asText(), e1);
      expect(problems, "computed_msg_signature_for_expected_encrypt",
          w.path("computed_msg_signature_for_expected_encrypt").asText(), MessageCrypt.signature(
              w.path("token").asText(), w.path("timestamp").asText(), w.path("nonce").asText(), e1));
      if (w.has("plaintext2")) {
        expect(problems, "expected_encrypt2", w.path("expected_encrypt2").asText(), crypt.encrypt(random,
            w.path("plaintext2").asText().getBytes(StandardCharsets.UTF_8), appid));
      }
    }
    if (d == null && w == null) {
      problems.add("no vector set this check knows");
    }
    return problems;
  }

  private static void expect(List<String> problems, String name, String expected, String actual) {
    if (!expected.equals(actual)) {
      problems.add(name + " differs");
    }
  }
}
