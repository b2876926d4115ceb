package dev.coffer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.connectors.wechat.oa.OfficialAccountCallback;
import dev.coffer.connectors.wechat.oa.OfficialAccountConfig;
import dev.coffer.connectors.whatsapp.cloud.CloudApiSignature;
import dev.coffer.model.Digests;
import dev.coffer.server.CofferServer;
import dev.coffer.server.ServerConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The corpus through a running server: a {@link CofferServer} on a loopback port over a fresh
 * temporary archive, configured with test secrets, gets every sample body by real HTTP, signed as
 * Meta or WeChat sign them (WeChat in plain and in safe mode). Each must be answered 200 with its raw
 * body archived (samples share native ids, so its records may already be there); the same body again (a sender's retry) must archive nothing new; a body with a wrong
 * signature must get 401 and archive nothing. Run by {@code coffer conformance whatsapp-cloud|wechat-oa}
 * after the parser checks, so CI exercises the endpoints with the corpus payloads.
 */
final class ServerConformance {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String APP_SECRET = "conformance-app-secret";
  private static final String TOKEN = "conformance";
  private static final String AES_KEY = "ConformanceKey0123456789abcdefghijklmnopqrs";
  private static final String APPID = "wxconformance00001";

  private ServerConformance() {}

  /** One POST: body, query, headers. */
  private record Post(String name, String path, byte[] body, Map<String, String> headers) {}

  static int whatsApp(Path dir, PrintStream out) throws Exception {
    List<Post> posts = new ArrayList<>();
    for (Path f : files(dir, ".json")) {
      JsonNode root;
      try {
        root = JSON.readTree(Files.readAllBytes(f));
      } catch (IOException e) {
        continue;
      }
      // one webhook body per file, or an object of named bodies (as pywa keeps them); the rest are
      // media answers and other examples, not webhook bodies
      List<Map.Entry<String, JsonNode>> bodies = new ArrayList<>();
      if (root != null && root.has("entry")) {
        bodies.add(Map.entry(dir.relativize(f).toString(), root));
      } else if (root != null && root.isObject()) {
        root.properties().forEach(e -> {
          if (e.getValue().has("entry")) {
            bodies.add(Map.entry(dir.relativize(f) + "#" + e.getKey(), e.getValue()));
          }
        });
      }
      for (Map.Entry<String, JsonNode> e : bodies) {
        byte[] body = JSON.writeValueAsBytes(e.getValue());
        posts.add(new Post(e.getKey(), "/capture/whatsapp", body, Map.of("Content-Type", "application/json",
            "X-Hub-Signature-256", CloudApiSignature.sign(body, APP_SECRET.getBytes(StandardCharsets.UTF_8)))));
      }
    }
    Post forged = posts.isEmpty() ? null : new Post("forged", "/capture/whatsapp", posts.getFirst().body(),
        Map.of("Content-Type", "application/json", "X-Hub-Signature-256", CloudApiSignature.sign(
            posts.getFirst().body(), "not-the-secret".getBytes(StandardCharsets.UTF_8))));
    return run("whatsapp-cloud through the server", posts, forged, out);
  }

  static int weChat(Path dir, PrintStream out) throws Exception {
    OfficialAccountCallback encryptor = new OfficialAccountCallback(new OfficialAccountConfig(TOKEN, AES_KEY, APPID));
    List<Post> posts = new ArrayList<>();
    Pattern encrypt = Pattern.compile("<Encrypt><!\\[CDATA\\[(.*?)]]></Encrypt><MsgSignature><!\\[CDATA\\[(.*?)]]>");
    int n = 0;
    for (Path f : files(dir, ".xml")) {
      String xml = Files.readString(f, StandardCharsets.UTF_8);
      if (xml.contains("<Encrypt>") || !xml.contains("<MsgType>")) {
        continue; // already encrypted demos (checked by the vectors) and non-message files
      }
      String ts = Long.toString(1764000000L + n);
      String nonce = "nonce" + n++;
      String plainQuery = "?signature=" + sha1(TOKEN, ts, nonce) + "&timestamp=" + ts + "&nonce=" + nonce + "&openid=o1";
      posts.add(new Post(dir.relativize(f) + " (plain)", "/capture/wechat" + plainQuery,
          xml.getBytes(StandardCharsets.UTF_8), Map.of("Content-Type", "text/xml")));
      Matcher m = encrypt.matcher(encryptor.encryptReply(xml, ts, nonce));
      if (!m.find()) {
        throw new IllegalStateException("could not encrypt " + f);
      }
      byte[] safe = ("<xml><ToUserName><![CDATA[gh_conformance]]></ToUserName><Encrypt><![CDATA[" + m.group(1)
          + "]]></Encrypt></xml>").getBytes(StandardCharsets.UTF_8);
      posts.add(new Post(dir.relativize(f) + " (safe)", "/capture/wechat" + plainQuery.replace("&openid=o1", "")
          + "&encrypt_type=aes&msg_signature=" + m.group(2), safe, Map.of("Content-Type", "text/xml")));
    }
    Post forged = posts.isEmpty() ? null : new Post("forged", "/capture/wechat?signature=" + sha1("wrong", "1", "2")
        + "&timestamp=1&nonce=2", posts.getFirst().body(), Map.of("Content-Type", "text/xml"));
    return run("wechat-oa through the server", posts, forged, out);
  }

  private static int run(String title, List<Post> posts, Post forged, PrintStream out) throws Exception {
    Path tmp = Files.createTempDirectory("coffer-conformance-server");
    int failed = 0;
    try {
      Archives.create(tmp, ArchiveOptions.defaults()).close();
      ServerConfig config = ServerConfig.load(null, Map.of(), Map.of("data", tmp.toString(), "port", "0", "host",
          "127.0.0.1", "whatsapp.app-secret", APP_SECRET, "whatsapp.verify-token", "conformance-verify",
          "wechat.token", TOKEN, "wechat.aes-key", AES_KEY, "wechat.appid", APPID, "verify.cycle", "off"));
      try (CofferServer server = CofferServer.start(config, List.of());
          HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
        for (Post p : posts) {
          long before = server.context().archive().size();
          int first = post(http, server.uri(), p);
          long afterFirst = server.context().archive().size();
          int retry = post(http, server.uri(), p);
          long afterRetry = server.context().archive().size();
          // several samples share native ids (MsgId, wamid): what a sample archives may already be
          // there; its body must be kept all the same (the raw original of every accepted request)
          String problem = first != 200 ? "answered " + first
              : !server.context().archive().hasBlob(Digests.sha256Hex(p.body())) ? "its body was not archived"
              : afterFirst == before && before == 0 ? "archived nothing"
              : retry != 200 ? "the retry was answered " + retry
              : afterRetry != afterFirst ? "the retry archived " + (afterRetry - afterFirst) + " more record(s)" : null;
          if (problem != null) {
            failed++;
            out.println("FAIL " + p.name() + ": " + problem);
          }
        }
        if (forged != null) {
          long before = server.context().archive().size();
          int status = post(http, server.uri(), forged);
          if (status != 401 || server.context().archive().size() != before) {
            failed++;
            out.println("FAIL a wrongly signed body was answered " + status + " (want 401, nothing archived)");
          }
        }
      }
    } finally {
      deleteTree(tmp);
    }
    out.println(title + ": " + posts.size() + " signed POSTs, each archived and its retry archived once; "
        + (posts.isEmpty() ? 0 : 1) + " forged POST refused; " + failed + " failed");
    return failed;
  }

  private static int post(HttpClient http, URI base, Post p) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(p.path()))
        .POST(HttpRequest.BodyPublishers.ofByteArray(p.body()));
    p.headers().forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static List<Path> files(Path dir, String suffix) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().endsWith(suffix))
          .sorted(Comparator.naturalOrder()).toList();
    }
  }

  private static String sha1(String... parts) throws Exception {
    String[] p = parts.clone();
    Arrays.sort(p);
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(String.join("", p)
        .getBytes(StandardCharsets.UTF_8)));
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
