package dev.coffer.server;

import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.archive.StoredRecord;
import dev.coffer.model.Record;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A real server on a free loopback port over a fresh archive, and a real HTTP client. Not a test. */
final class ServerFixture implements AutoCloseable {
  final Path dir;
  final CofferServer server;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private ServerFixture(Path dir, CofferServer server) {
    this.dir = dir;
    this.server = server;
  }

  /** Creates an archive in {@code dir} and starts a server over it with these settings (by file key). */
  static ServerFixture start(Path dir, Map<String, String> settings) throws IOException {
    Archives.create(dir, ArchiveOptions.defaults()).close();
    return restart(dir, settings);
  }

  /** Starts a server over the existing archive in {@code dir}. */
  static ServerFixture restart(Path dir, Map<String, String> settings) throws IOException {
    Map<String, String> s = new HashMap<>(settings);
    s.put("data", dir.toString());
    s.putIfAbsent("port", "0");
    s.putIfAbsent("host", "127.0.0.1");
    return new ServerFixture(dir, CofferServer.start(ServerConfig.load(null, Map.of(), s), List.of()));
  }

  URI uri(String pathAndQuery) {
    return server.uri().resolve(pathAndQuery);
  }

  HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(uri(pathAndQuery)).build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String pathAndQuery, byte[] body, Map<String, String> headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(pathAndQuery)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Every archived record, in serial order. */
  List<Record> records() throws IOException {
    List<Record> out = new ArrayList<>();
    server.context().archive().scan(1, (StoredRecord r) -> {
      out.add(r.record());
      return true;
    });
    return out;
  }

  /** Opens a raw connection and sends the request line and headers (and no body yet). */
  Socket rawPost(String path, long contentLength, String extraHeaders) throws IOException {
    Socket s = new Socket("127.0.0.1", server.port());
    OutputStream out = s.getOutputStream();
    out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + contentLength + "\r\n" + extraHeaders + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return s;
  }

  /** Reads a raw response's status code, or -1 if the server closed the connection without one. */
  static int status(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      line.append((char) c);
    }
    String l = line.toString();
    return l.startsWith("HTTP/1.1 ") ? Integer.parseInt(l.substring(9, 12)) : -1;
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
