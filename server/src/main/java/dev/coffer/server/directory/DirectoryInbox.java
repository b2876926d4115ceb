package dev.coffer.server.directory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coffer.archive.Archive;
import dev.coffer.archive.crypto.Encryption;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How {@code coffer directory import} reaches a running server: the archive has one writer (the
 * server), so the CLI leaves the directory as a request for the server to archive and put in force.
 *
 * <ul>
 *   <li>Writers of {@code <data>/directory/} take its own lock, {@code <data>/directory/lock} (an OS
 *       file lock, separate from the archive's), so a request is never read half-written nor withdrawn
 *       while the server takes it.
 *   <li>A request is {@code <data>/directory/inbox/<id>.request}: the directory's stored form with who
 *       imported it, <b>sealed with the archive's keys</b> ({@link Encryption#sealFile}, name
 *       {@value #SEALED_NAME}: no phone number is ever plaintext on disk), written to a temporary file,
 *       synced and renamed into place (atomic).
 *   <li>The server ({@link #start}) looks every half second, archives each request with
 *       {@link DirectoryStore#importDirectory} (blob, {@code directory-import} audit record naming the
 *       CLI's user, then the pointer, atomically replaced), writes {@code <id>.answer} (digest and
 *       counts, or why it was refused: no personal data), and deletes the request. The server's
 *       {@link DirectoryView} re-reads the pointer, so the new directory is in force at once.
 *   <li>The CLI waits for the answer ({@link #await}); when no server takes the request in time it
 *       withdraws it ({@link #withdraw}) and says so.
 * </ul>
 */
public final class DirectoryInbox {
  private static final Logger LOG = LoggerFactory.getLogger(DirectoryInbox.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The name a request is sealed under. */
  public static final String SEALED_NAME = "directory/request";
  /** The request format. */
  public static final String FORMAT = "coffer-directory-request/1";
  /** One process may hold the file lock once; threads of one process take turns on this first. */
  private static final ReentrantLock IN_PROCESS = new ReentrantLock();

  private final Archive archive;
  private final Path dataDir;

  /** The server side: takes requests into {@code archive}. */
  public DirectoryInbox(Archive archive, Path dataDir) {
    this.archive = archive;
    this.dataDir = dataDir;
  }

  /** The inbox folder of a data directory. */
  public static Path inbox(Path dataDir) {
    return dataDir.resolve("directory").resolve("inbox");
  }

  /** Work that holds the directory lock. */
  @FunctionalInterface
  public interface Locked<T> {
    T run() throws IOException;
  }

  /** Runs {@code work} holding {@code <data>/directory/lock} (waits for other holders). */
  public static <T> T locked(Path dataDir, Locked<T> work) throws IOException {
    Path lock = dataDir.resolve("directory").resolve("lock");
    Files.createDirectories(lock.getParent());
    IN_PROCESS.lock();
    try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        var held = ch.lock()) {
      return work.run();
    } finally {
      IN_PROCESS.unlock();
    }
  }

  /**
   * What the server answered.
   *
   * @param directory the archived directory's digest, or null when refused
   * @param employees employees in it
   * @param handles handles in it
   * @param refused why the server did not take it, or null
   */
  public record Answer(String directory, int employees, int handles, String refused) {}

  /**
   * Leaves {@code directory} for the running server (the CLI side).
   *
   * @param encryption the archive's encryption ({@code Archives.encryption}), to seal the request
   * @return the request's id
   */
  public static String submit(Path dataDir, Encryption encryption, Directory directory, String actor, String host,
      String fileName) throws IOException {
    ObjectNode req = JSON.createObjectNode();
    req.put("format", FORMAT);
    req.put("actor", actor);
    req.put("host", host);
    req.put("file", fileName);
    req.set("directory", JSON.readTree(directory.toJson()));
    byte[] sealed = encryption.sealFile(SEALED_NAME, JSON.writeValueAsBytes(req));
    String id = UUID.randomUUID().toString();
    Path inbox = inbox(dataDir);
    locked(dataDir, () -> {
      Files.createDirectories(inbox);
      DirectoryStore.writeAtomically(inbox.resolve(id + ".request"), sealed);
      return null;
    });
    return id;
  }

  /** Waits up to {@code timeout} for the answer to request {@code id}, and removes it once read. */
  public static Optional<Answer> await(Path dataDir, String id, Duration timeout) throws IOException {
    Path answer = inbox(dataDir).resolve(id + ".answer");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        JsonNode a = JSON.readTree(Files.readAllBytes(answer));
        Files.deleteIfExists(answer);
        return Optional.of(new Answer(a.path("directory").asText(null), a.path("employees").asInt(),
            a.path("handles").asInt(), a.path("refused").asText(null)));
      } catch (NoSuchFileException e) {
        if (System.nanoTime() - deadline > 0) {
          return Optional.empty();
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return Optional.empty();
        }
      }
    }
  }

  /** Withdraws request {@code id} if no server has taken it yet; false when one has (await its answer). */
  public static boolean withdraw(Path dataDir, String id) throws IOException {
    return locked(dataDir, () -> Files.deleteIfExists(inbox(dataDir).resolve(id + ".request")));
  }

  /**
   * Takes every waiting request (the server side): archives each directory and answers.
   *
   * @return how many requests were taken
   */
  public int drain() throws IOException {
    Path inbox = inbox(dataDir);
    if (!Files.isDirectory(inbox)) {
      return 0;
    }
    List<Path> requests = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(inbox, "*.request")) {
      ds.forEach(requests::add);
    }
    requests.sort(null);
    int n = 0;
    for (Path request : requests) {
      n += locked(dataDir, () -> take(request));
    }
    return n;
  }

  private int take(Path request) throws IOException {
    byte[] sealed;
    try {
      sealed = Files.readAllBytes(request);
    } catch (NoSuchFileException e) {
      return 0; // withdrawn
    }
    String name = request.getFileName().toString();
    Path answer = request.resolveSibling(name.substring(0, name.length() - ".request".length()) + ".answer");
    ObjectNode out = JSON.createObjectNode();
    try {
      JsonNode req = JSON.readTree(archive.encryption().openFile(SEALED_NAME, sealed));
      if (!FORMAT.equals(req.path("format").asText())) {
        throw new IOException("not a " + FORMAT + " request");
      }
      Directory d = Directory.fromStored(JSON.writeValueAsBytes(req.get("directory")));
      String actor = req.path("actor").asText("unknown");
      String digest = DirectoryStore.importDirectory(archive, dataDir, d, actor, req.path("host").asText(null),
          req.path("file").asText(null));
      out.put("directory", digest);
      out.put("employees", d.employees().size());
      out.put("handles", d.employees().stream().mapToInt(e -> e.handles().size()).sum());
      LOG.info("directory: {} imported version {} ({} employees) through the running server", actor, digest,
          d.employees().size());
    } catch (IOException | RuntimeException e) {
      out.put("refused", "the server could not take the directory: " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
      LOG.warn("directory: refused request {}: {}", name, e.getClass().getSimpleName());
    }
    DirectoryStore.writeAtomically(answer, JSON.writeValueAsBytes(out));
    Files.delete(request);
    return 1;
  }

  /** Looks for requests every {@code every} on a daemon thread until the returned handle is closed. */
  public AutoCloseable start(Duration every) {
    ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "coffer-directory-inbox");
      t.setDaemon(true);
      return t;
    });
    s.scheduleWithFixedDelay(() -> {
      try {
        drain();
      } catch (IOException | RuntimeException e) {
        LOG.warn("directory: reading the inbox failed: {}", e.toString());
      }
    }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    return () -> {
      s.shutdownNow();
      s.awaitTermination(10, TimeUnit.SECONDS);
    };
  }
}
