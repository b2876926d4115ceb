package dev.coffer.bench;

import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.connectors.whatsapp.cloud.CloudApiSignature;
import dev.coffer.server.CofferServer;
import dev.coffer.server.ServerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The webhook capture benchmark: signed WhatsApp Cloud API posts to {@code /capture/whatsapp} on
 * loopback, each answered only after its body and record are durable. A closed loop of concurrent
 * senders (as Meta's delivery fleet would be), every body distinct (a new wamid), so every request
 * stores a blob and appends a record. Reports requests/s over the measured requests and the latency
 * quantiles. Server and senders share this JVM (the senders' cost is on the same 2 cores), which is why
 * the default client is a lean raw-socket one ({@link Client#RAW}): the load generator is the harness,
 * not the product, and the JDK client's cost per request was a large share of the 2 cores.
 */
final class WebhookLoad {
  static final String SECRET = "bench-app-secret";

  /**
   * @param requestsPerSecond completed requests / wall seconds; latencies in ms
   * @param cpuMsPerRequest CPU time of the whole process (server, senders, JIT, GC) during the measured
   *     requests, per request: on a shared machine a steadier figure than the rate
   */
  record Result(double requestsPerSecond, double p50, double p99, double max, int requests, int concurrency,
      int failures, double cpuMsPerRequest) {}

  private WebhookLoad() {}

  static byte[] body(int i) {
    return ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"102290129340398\",\"changes\":[{\"value\":{"
        + "\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"15550783881\","
        + "\"phone_number_id\":\"106540352242922\"},\"contacts\":[{\"profile\":{\"name\":\"Bench Customer " + (i % 500)
        + "\"},\"wa_id\":\"1650555" + (1000 + i % 500) + "\"}],\"messages\":[{\"from\":\"1650555" + (1000 + i % 500)
        + "\",\"id\":\"wamid.bench." + i + "\",\"timestamp\":\"" + (1764000000 + i) + "\",\"type\":\"text\","
        + "\"text\":{\"body\":\"Please confirm the order for " + i + " units at the agreed price\"}}]},"
        + "\"field\":\"messages\"}]}]}").getBytes(StandardCharsets.UTF_8);
  }

  /** The load generator: a lean raw-socket HTTP/1.1 client (default) or the JDK {@code HttpClient}. */
  enum Client {
    /**
     * One blocking keep-alive socket per sender, writing pre-built request bytes and reading the status
     * line, headers and {@code Content-Length} body of each answer: a few microseconds of CPU per request,
     * so the 2 cores go to the server.
     */
    RAW,
    /** The JDK's {@code HttpClient} (HTTP/1.1, a pool of keep-alive connections): heavier per request. */
    JDK
  }

  /**
   * Runs {@code warmup} then {@code requests} signed posts with {@code concurrency} senders against a
   * fresh archive in {@code dataDir}, with the raw-socket client.
   */
  static Result run(Path dataDir, int warmup, int requests, int concurrency) throws Exception {
    return run(dataDir, warmup, requests, concurrency, Client.RAW);
  }

  /**
   * Runs {@code warmup} then {@code requests} signed posts with {@code concurrency} senders against a
   * fresh archive in {@code dataDir}. Every request is distinct and signed; the archive must hold one
   * record per acknowledged request at the end.
   */
  static Result run(Path dataDir, int warmup, int requests, int concurrency, Client client) throws Exception {
    Archives.create(dataDir, ArchiveOptions.defaults()).close();
    ServerConfig config = ServerConfig.load(null, Map.of(), Map.of("data", dataDir.toString(), "port", "0",
        "host", "127.0.0.1", "whatsapp.app-secret", SECRET, "whatsapp.verify-token", "bench",
        "limits.max-in-flight", Integer.toString(Math.max(256, concurrency * 2))));
    try (CofferServer server = CofferServer.start(config, List.of())) {
      // Every acknowledged request's record is archived; refused ones (503 under overload) are not.
      return drive(server.uri().resolve("/capture/whatsapp"), warmup, requests, concurrency, client,
          () -> server.context().archive().size());
    }
  }

  /**
   * Sends {@code warmup} then {@code requests} distinct signed bodies to {@code uri} with {@code
   * concurrency} senders and measures the second phase. {@code kept} must then count exactly the
   * acknowledged requests (the archive's size, or what a ceiling server counted).
   */
  static Result drive(URI uri, int warmup, int requests, int concurrency, Client client,
      java.util.function.LongSupplier kept) throws Exception {
    byte[] key = SECRET.getBytes(StandardCharsets.UTF_8);
    int total = warmup + requests;
    List<byte[]> bodies = new ArrayList<>(total);
    List<String> signatures = new ArrayList<>(total);
    for (int i = 0; i < total; i++) {
      byte[] b = body(i);
      bodies.add(b);
      signatures.add(CloudApiSignature.sign(b, key));
    }
    Sender sender = switch (client) {
      case RAW -> new RawSender(uri, bodies, signatures);
      case JDK -> new JdkSender(uri, bodies, signatures);
    };
    // Every sender's keep-alive connection is opened first, one at a time (each carries the first
    // warm-up request of its own before the next opens), and kept for both phases: 64 connects at
    // once overflow the listen backlog, and a dropped handshake is retried by the kernel after a
    // second, which a phase would then measure as a one-second request.
    if (warmup < concurrency) {
      throw new IllegalArgumentException("warm-up (" + warmup + ") must be at least the senders (" + concurrency + ")");
    }
    List<Sender.Connection> connections = new ArrayList<>(concurrency);
    try (sender) {
      int warmupFailures = 0;
      for (int c = 0; c < concurrency; c++) {
        Sender.Connection conn = sender.connect();
        connections.add(conn);
        if (statusOf(conn, c) != 200) {
          warmupFailures++;
        }
      }
      warmupFailures += phase(connections, concurrency, warmup, null);
      double[] latencies = new double[requests];
      var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
          .getOperatingSystemMXBean();
      long cpu0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      int failures = phase(connections, warmup, total, latencies);
      double seconds = (System.nanoTime() - t0) / 1e9;
      double cpuMs = (os.getProcessCpuTime() - cpu0) / 1e6;
      if (kept.getAsLong() != total - failures - warmupFailures) {
        throw new IllegalStateException("the server kept " + kept.getAsLong() + " requests, expected "
            + (total - failures - warmupFailures));
      }
      List<Double> sorted = new ArrayList<>(requests);
      for (double l : latencies) {
        sorted.add(l);
      }
      Collections.sort(sorted);
      return new Result((requests - failures) / seconds, Stats.quantile(sorted, 0.5),
          Stats.quantile(sorted, 0.99), sorted.get(sorted.size() - 1), requests, concurrency, failures,
          cpuMs / requests);
    } finally {
      for (Sender.Connection c : connections) {
        try {
          c.close();
        } catch (Exception e) {
          // the run's figures are taken; a connection that fails to close changes nothing
        }
      }
    }
  }

  /**
   * Closed loop: one sender per open connection takes the next request index in {@code [from, to)}
   * until none is left; latencies (ms, request written to answer read) go to {@code latencies[i - from]}.
   */
  private static int phase(List<Sender.Connection> connections, int from, int to, double[] latencies)
      throws Exception {
    AtomicInteger next = new AtomicInteger(from);
    AtomicInteger failures = new AtomicInteger();
    try (var senders = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> fs = new ArrayList<>();
      for (Sender.Connection conn : connections) {
        fs.add(senders.submit(() -> {
          {
            int i;
            while ((i = next.getAndIncrement()) < to) {
              long t = System.nanoTime();
              if (statusOf(conn, i) != 200) {
                failures.incrementAndGet();
              }
              if (latencies != null) {
                latencies[i - from] = (System.nanoTime() - t) / 1e6;
              }
            }
          }
          return null;
        }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    }
    return failures.get();
  }

  /** The status of request {@code i} on {@code conn}, or -1 if it failed without an answer. */
  private static int statusOf(Sender.Connection conn, int i) {
    try {
      return conn.send(i);
    } catch (Exception e) {
      return -1;
    }
  }

  /** Sends request {@code i} (its pre-signed body) and returns the answer's status. */
  private interface Sender extends AutoCloseable {
    Connection connect() throws Exception;

    @Override
    default void close() {}

    interface Connection extends AutoCloseable {
      int send(int i) throws Exception;

      @Override
      void close() throws Exception;
    }
  }

  /** The JDK client: one shared {@code HttpClient}, requests built ahead. */
  private static final class JdkSender implements Sender {
    private final HttpClient http;
    private final List<HttpRequest> prepared;

    JdkSender(URI uri, List<byte[]> bodies, List<String> signatures) {
      http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
      prepared = new ArrayList<>(bodies.size());
      for (int i = 0; i < bodies.size(); i++) {
        prepared.add(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
            .header("X-Hub-Signature-256", signatures.get(i))
            .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(i))).build());
      }
    }

    @Override
    public Connection connect() {
      return new Connection() {
        @Override
        public int send(int i) throws Exception {
          return http.send(prepared.get(i), HttpResponse.BodyHandlers.discarding()).statusCode();
        }

        @Override
        public void close() {}
      };
    }

    @Override
    public void close() {
      http.close();
    }
  }

  /**
   * The raw client: each request's bytes (request line, headers with its signature, body) are built
   * ahead; a connection writes them and reads the answer (status line, headers to the blank line, then
   * {@code Content-Length} bytes). A {@code Connection: close} answer or an error opens a new socket.
   */
  private static final class RawSender implements Sender {
    private final String host;
    private final int port;
    private final List<byte[]> requests;

    RawSender(URI uri, List<byte[]> bodies, List<String> signatures) {
      host = uri.getHost();
      port = uri.getPort();
      requests = new ArrayList<>(bodies.size());
      for (int i = 0; i < bodies.size(); i++) {
        byte[] b = bodies.get(i);
        byte[] head = ("POST " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + host + ":" + port
            + "\r\nContent-Type: application/json\r\nX-Hub-Signature-256: " + signatures.get(i)
            + "\r\nContent-Length: " + b.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] all = java.util.Arrays.copyOf(head, head.length + b.length);
        System.arraycopy(b, 0, all, head.length, b.length);
        requests.add(all);
      }
    }

    @Override
    public Connection connect() {
      return new RawConnection();
    }

    private final class RawConnection implements Connection {
      private java.net.Socket socket;
      private java.io.OutputStream out;
      private java.io.InputStream in;
      private final byte[] buf = new byte[8192];
      private int start;
      private int end;

      @Override
      public int send(int i) throws java.io.IOException {
        if (socket == null) {
          socket = new java.net.Socket(host, port);
          socket.setTcpNoDelay(true);
          out = socket.getOutputStream();
          in = socket.getInputStream();
          start = end = 0;
        }
        try {
          out.write(requests.get(i));
          out.flush();
          return readResponse();
        } catch (java.io.IOException | RuntimeException e) {
          close();
          throw e;
        }
      }

      /** Reads one answer; returns its status, closing the socket if the server asked to. */
      private int readResponse() throws java.io.IOException {
        int headerEnd;
        while ((headerEnd = find(buf, start, end)) < 0) {
          fill();
        }
        String head = new String(buf, start, headerEnd - start, StandardCharsets.ISO_8859_1);
        start = headerEnd + 4;
        int status = Integer.parseInt(head.substring(9, 12));
        long length = 0;
        boolean closeAfter = false;
        for (String line : head.split("\r\n")) {
          int colon = line.indexOf(':');
          if (colon < 0) {
            continue;
          }
          String name = line.substring(0, colon).trim();
          if (name.equalsIgnoreCase("Content-Length")) {
            length = Long.parseLong(line.substring(colon + 1).trim());
          } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
            throw new java.io.IOException("chunked answers are not expected from the capture endpoint");
          } else if (name.equalsIgnoreCase("Connection") && line.substring(colon + 1).trim().equalsIgnoreCase("close")) {
            closeAfter = true;
          }
        }
        while (length > 0) {
          if (start == end) {
            fill();
          }
          int n = (int) Math.min(length, end - start);
          start += n;
          length -= n;
        }
        if (closeAfter) {
          close();
        }
        return status;
      }

      private void fill() throws java.io.IOException {
        if (start > 0) {
          System.arraycopy(buf, start, buf, 0, end - start);
          end -= start;
          start = 0;
        }
        if (end == buf.length) {
          throw new java.io.IOException("answer headers over " + buf.length + " bytes");
        }
        int n = in.read(buf, end, buf.length - end);
        if (n < 0) {
          throw new java.io.EOFException("server closed the connection");
        }
        end += n;
      }

      private static int find(byte[] b, int from, int to) {
        for (int k = from; k + 3 < to; k++) {
          if (b[k] == '\r' && b[k + 1] == '\n' && b[k + 2] == '\r' && b[k + 3] == '\n') {
            return k;
          }
        }
        return -1;
      }

      @Override
      public void close() throws java.io.IOException {
        if (socket != null) {
          java.net.Socket s = socket;
          socket = null;
          s.close();
        }
      }
    }
  }

  /** Standalone: {@code WebhookLoad DIR [requests] [concurrency] [raw|jdk]}. */
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    int c = args.length > 2 ? Integer.parseInt(args[2]) : 64;
    Client client = args.length > 3 ? Client.valueOf(args[3].toUpperCase(java.util.Locale.ROOT)) : Client.RAW;
    Result r = run(dir, Math.max(c, Math.min(2_000, n / 5)), n, c, client);
    System.out.printf(java.util.Locale.ROOT, "%.0f req/s, p50 %.1f ms, p99 %.1f ms, max %.1f ms, %d requests, %d senders, %d failed, "
        + "CPU %.3f ms/request, client %s%n",
        r.requestsPerSecond(), r.p50(), r.p99(), r.max(), r.requests(), r.concurrency(), r.failures(),
        r.cpuMsPerRequest(),
        client.name().toLowerCase(java.util.Locale.ROOT));
  }
}
