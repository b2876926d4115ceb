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
    // The request time limit is far above the probing's liveness bound: the holder must keep the slot
    // however slowly a loaded machine runs the probes (a 20 s limit cut it off and let the second in).
    try (ServerFixture f = ServerFixture.start(dir, settings("1", "300s"))) {
      byte[] body = WeChatEndpointTest.text("oUser1", 3, "held").getBytes(StandardCharsets.UTF_8);
      byte[] probe = WeChatEndpointTest.text("oUser1", 5, "probe").getBytes(StandardCharsets.UTF_8);
      long deadline = System.nanoTime() + 60_000_000_000L; // liveness bounds, not timing assertions
      Socket holder = null;
      try {
        int probeStatus = 0;
        while (probeStatus != 503 && System.nanoTime() < deadline) {
          if (holder != null) {
            holder.close(); // refused while a probe had the slot: take it again
          }
          long before = requests(f);
          holder = f.rawPost(signedQuery(), body.length, "");
          holder.getOutputStream().write(body, 0, 5); // holds the only in-flight slot while its body trickles
          holder.getOutputStream().flush();
          // The holder reaches the handler asynchronously (slowly on a loaded machine). Nothing else is
          // sent until it has (the server counts a request just before it admits it), so no probe can
          // take the slot first.
          while (requests(f) == before && System.nanoTime() < deadline) {
            Thread.sleep(20);
          }
          // Then probe with unsigned requests, which are refused (401) when admitted and so can never be
          // archived, until the slot is seen taken; if the holder was answered (refused in the instant
          // between being counted and admitted), start again with a new one.
          while (probeStatus != 503 && holder.getInputStream().available() == 0 && System.nanoTime() < deadline) {
            probeStatus = answered(f, WeChatEndpoint.PATH + "?signature=0&timestamp=1&nonce=2", probe).statusCode();
            if (probeStatus != 503) {
              Thread.sleep(50);
            }
          }
        }
        assertThat(probeStatus).as("the held request never took the in-flight slot").isEqualTo(503);
        HttpResponse<String> r = answered(f, signedQuery(),
            WeChatEndpointTest.text("oUser1", 4, "second").getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).contains("1");
        holder.getOutputStream().write(body, 5, body.length - 5);
        holder.getOutputStream().flush();
        assertThat(ServerFixture.status(holder)).isEqualTo(200);
      } finally {
        if (holder != null) {
          holder.close();
        }
      }
      assertThat(f.records()).extracting(r -> r.source().nativeId()).doesNotContain("4");
    }
  }

  /**
   * Posts and waits for the answer at most 60 s (a liveness bound: admitted or refused, the answer
   * comes at once): a server that queued the request behind the held one fails here rather than
   * after the holder's 300 s limit.
   */
  private static HttpResponse<String> answered(ServerFixture f, String pathAndQuery, byte[] body) throws Exception {
    java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(f.uri(pathAndQuery))
        .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).timeout(java.time.Duration.ofSeconds(60)).build();
    try {
      return f.http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (java.net.http.HttpTimeoutException e) {
      throw new AssertionError("no answer within 60 s: the request was queued instead of refused with 503", e);
    }
  }

  /** Capture requests the WeChat endpoint has received (counted before admission). */
  private static long requests(ServerFixture f) {
    CaptureHealth.ConnectorStatus s = f.server.context().health().snapshot().get(WeChatEndpoint.CONNECTOR);
    return s == null ? 0 : s.requests();
  }
}
