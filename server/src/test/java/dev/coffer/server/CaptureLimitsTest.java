package dev.coffer.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Request bounds on the capture endpoints: size (413), time (408 or cut off), overload (503). */
class CaptureLimitsTest {
  @TempDir Path dir;

  Map<String, String> settings(String maxInFlight, String timeout) {
    return Map.of("wechat.token", WeChatEndpointTest.TOKEN, "limits.max-body-bytes", "1024",
        "limits.max-in-flight", maxInFlight, "limits.request-timeout", timeout);
  }

  String signedQuery() throws Exception {
    return WeChatEndpoint.PATH + "?signature=" + WeChatEndpointTest.sha1(WeChatEndpointTest.TOKEN, "1", "2")
        + "&timestamp=1&nonce=2";
  }

  @Test
  void anOversizedBodyGets413AndNothingIsKept() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir, settings("8", "5s"))) {
      String big = WeChatEndpointTest.text("oUser1", 1, "x".repeat(2000));
      HttpResponse<String> r = f.post(signedQuery(), big.getBytes(StandardCharsets.UTF_8), Map.of());
      assertThat(r.statusCode()).isEqualTo(413);
      // Without a Content-Length (chunked), the limit holds while reading.
      try (Socket s = new Socket("127.0.0.1", f.server.port())) {
        OutputStream out = s.getOutputStream();
        out.write(("POST " + signedQuery() + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        byte[] chunk = "y".repeat(600).getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 3; i++) {
          out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          out.write(chunk);
          out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        assertThat(ServerFixture.status(s)).isEqualTo(413);
      }
      assertThat(f.records()).isEmpty();
      assertThat(f.server.context().health().snapshot().get(WeChatEndpoint.CONNECTOR).refused()).isGreaterThanOrEqualTo(2);
    }
  }

  @Test
  void aSlowClientIsCutOffAndNothingIsKept() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir, settings("8", "1s"))) {
      byte[] body = WeChatEndpointTest.text("oUser1", 2, "slow").getBytes(StandardCharsets.UTF_8);
      try (Socket s = f.rawPost(signedQuery(), body.length, "")) {
        s.setSoTimeout(30_000);
        OutputStream out = s.getOutputStream();
        out.write(body, 0, 10);
        out.flush();
        // Then nothing: the server gives up after its time limit (liveness bound, not a timing assertion).
        int status = ServerFixture.status(s);
        assertThat(status).isIn(-1, 408);
      }
      assertThat(f.records()).isEmpty();
    }
  }

  @Test
  void overloadAnswers503WithRetryAfterInsteadOfQueueing() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir, settings("1", "20s"))) {
      byte[] body = WeChatEndpointTest.text("oUser1", 3, "held").getBytes(StandardCharsets.UTF_8);
      try (Socket holder = f.rawPost(signedQuery(), body.length, "")) {
        holder.getOutputStream().write(body, 0, 5); // holds the only in-flight slot while its body trickles
        holder.getOutputStream().flush();
        // The holder's request reaches the handler asynchronously (slowly on a loaded machine). Probe
        // with unsigned requests, which are refused (401) when admitted and so can never be archived,
        // until the slot is seen taken; a generous liveness bound, not a timing assertion.
        byte[] probe = WeChatEndpointTest.text("oUser1", 5, "probe").getBytes(StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + 60_000_000_000L;
        int probeStatus = 0;
        while (probeStatus != 503 && System.nanoTime() < deadline) {
          probeStatus = f.post(WeChatEndpoint.PATH + "?signature=0&timestamp=1&nonce=2", probe, Map.of()).statusCode();
          if (probeStatus != 503) {
            Thread.sleep(50);
          }
        }
        assertThat(probeStatus).as("the held request never took the in-flight slot").isEqualTo(503);
        HttpResponse<String> r = f.post(signedQuery(),
            WeChatEndpointTest.text("oUser1", 4, "second").getBytes(StandardCharsets.UTF_8), Map.of());
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).contains("1");
        holder.getOutputStream().write(body, 5, body.length - 5);
        holder.getOutputStream().flush();
        assertThat(ServerFixture.status(holder)).isEqualTo(200);
      }
      assertThat(f.records()).extracting(r -> r.source().nativeId()).doesNotContain("4");
    }
  }
}
