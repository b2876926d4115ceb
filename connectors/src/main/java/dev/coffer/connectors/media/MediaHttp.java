package dev.coffer.connectors.media;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** The HTTP details media fetchers share: bounded reads, jittered waits, where a token may go. */
public final class MediaHttp {
  private MediaHttp() {}

  /** A read refused for its size: a permanent failure (the same request will be as large). */
  public static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    TooLarge(String message) {
      super(message);
    }
  }

  /** Reads at most {@code limit} bytes; more is refused with {@link TooLarge} (nothing kept). */
  public static byte[] readBounded(InputStream in, long limit, String what) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[1 << 16];
    long total = 0;
    for (int n; (n = in.read(buf)) > 0; ) {
      total += n;
      if (total > limit) {
        throw new TooLarge(what + " is larger than the limit of " + limit + " bytes");
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  /**
   * A wait drawn between half and all of {@code backoff} (so fetchers that failed together do not
   * retry together), but at least {@code retryAfter} (what the server asked, capped at {@code max}).
   */
  public static Duration jitter(Duration backoff, Duration retryAfter, Duration max) {
    long ms = backoff.toMillis();
    long jittered = ms / 2 + (ms > 1 ? ThreadLocalRandom.current().nextLong(ms - ms / 2 + 1) : ms);
    long floor = retryAfter == null ? 0 : Math.min(retryAfter.toMillis(), max.toMillis());
    return Duration.ofMillis(Math.max(jittered, floor));
  }

  /** Sleeps; false when interrupted (the interrupt flag is set again). */
  public static boolean sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * A token or secret goes over https only, or over plain http to a literal loopback address (a test
   * server on this machine): never in clear text across a network.
   */
  public static boolean tokenMayGoTo(URI u) {
    if ("https".equals(u.getScheme())) {
      return true;
    }
    if (!"http".equals(u.getScheme())) {
      return false;
    }
    String host = u.getHost();
    if (host == null) {
      return false;
    }
    // Literal loopback addresses only ("127.0.0.1.example.test" is a name anyone can point anywhere).
    return host.equals("localhost") || host.matches("127\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}")
        || host.equals("[::1]") || host.equals("::1");
  }
}
