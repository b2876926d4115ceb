package dev.coffer.connectors.wechat.oa;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.model.Unparsed;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bodies an attacker who knows (or guesses) nothing would send: refused as unparsed, never followed. */
class HostileXmlTest {
  static final Instant NOW = Instant.parse("2026-11-25T00:00:00Z");
  final OfficialAccountCallback callback = new OfficialAccountCallback(Requests.PLAIN);

  Unparsed handle(String xml) throws Exception {
    byte[] body = xml.getBytes(StandardCharsets.UTF_8);
    CallbackResult r = callback.handle(Requests.plainQuery(), body, Requests.sha(body), NOW);
    assertThat(r.records()).hasSize(1);
    return (Unparsed) r.records().get(0);
  }

  @Test
  void externalFileEntityIsNotRead(@TempDir Path dir) throws Exception {
    Path secret = dir.resolve("secret.txt");
    Files.writeString(secret, "TOP-SECRET-CONTENT");
    Unparsed u = handle("<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY x SYSTEM \"" + secret.toUri()
        + "\">]><xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><MsgType>text</MsgType>"
        + "<Content>&x;</Content><MsgId>1</MsgId></xml>");
    assertThat(u.diagnostic()).contains("DOCTYPE");
    assertThat(u.text()).doesNotContain("TOP-SECRET-CONTENT");
  }

  @Test
  void externalHttpEntityMakesNoConnection() throws Exception {
    AtomicInteger connections = new AtomicInteger();
    try (ServerSocket server = new ServerSocket()) {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      server.setSoTimeout(200);
      Thread t = Thread.ofVirtual().start(() -> {
        try (Socket s = server.accept()) {
          connections.incrementAndGet();
        } catch (IOException e) {
          // Timed out: nobody connected, as expected.
        }
      });
      handle("<!DOCTYPE xml SYSTEM \"http://127.0.0.1:" + server.getLocalPort() + "/x.dtd\">"
          + "<xml><ToUserName>gh</ToUserName></xml>");
      handle("<!DOCTYPE xml [<!ENTITY % p SYSTEM \"http://127.0.0.1:" + server.getLocalPort()
          + "/p\"> %p;]><xml/>");
      t.join();
    }
    assertThat(connections).hasValue(0);
  }

  @Test
  void billionLaughsIsRefusedQuickly() throws Exception {
    StringBuilder b = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">");
    b.append("<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">");
    for (int i = 2; i <= 9; i++) {
      b.append("<!ENTITY lol").append(i).append(" \"");
      for (int j = 0; j < 10; j++) {
        b.append("&lol").append(i - 1).append(';');
      }
      b.append("\">");
    }
    b.append("]><xml><Content>&lol9;</Content></xml>");
    Unparsed u = handle(b.toString());
    assertThat(u.diagnostic()).contains("DOCTYPE");
  }

  @Test
  void hugeBodyIsRefusedWithoutCopyingIt() throws Exception {
    String huge = "<xml><Content>" + "A".repeat(SafeXml.MAX_BYTES) + "</Content></xml>";
    Unparsed u = handle(huge);
    assertThat(u.diagnostic()).contains("more than");
    assertThat(u.text()).isNull();
  }

  @Test
  void deepNestingIsRefused() throws Exception {
    String deep = "<xml>" + "<a>".repeat(50) + "x" + "</a>".repeat(50) + "</xml>";
    assertThat(handle(deep).diagnostic()).contains("nest deeper");
  }

  @Test
  void xincludeIsNotFollowed(@TempDir Path dir) throws Exception {
    Path secret = dir.resolve("inc.txt");
    Files.writeString(secret, "INCLUDED-SECRET");
    byte[] body = ("<xml xmlns:xi=\"http://www.w3.org/2001/XInclude\"><ToUserName>gh</ToUserName>"
        + "<FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>"
        + "<xi:include href=\"" + secret.toUri() + "\" parse=\"text\"/></Content><MsgId>9</MsgId></xml>")
        .getBytes(StandardCharsets.UTF_8);
    CallbackResult r = callback.handle(Requests.plainQuery(), body, Requests.sha(body), NOW);
    assertThat(r.records().toString()).doesNotContain("INCLUDED-SECRET");
  }

  @Test
  void invalidUtf8AndControlCharactersAreKeptAsData() throws Exception {
    byte[] body = {'<', 'x', 'm', 'l', '>', (byte) 0xC3, (byte) 0x28, 0x01, '<', '/', 'x', 'm', 'l', '>'};
    CallbackResult r = callback.handle(Requests.plainQuery(), body, Requests.sha(body), NOW);
    assertThat(r.records().get(0)).isInstanceOf(Unparsed.class);
  }
}
