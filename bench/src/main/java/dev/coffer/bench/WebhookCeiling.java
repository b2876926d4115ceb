package dev.coffer.bench;

import io.javalin.Javalin;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Ceilings for {@link WebhookLoad}: the same senders and bodies against a server that does less, to
 * show what the machine allows. The suite runs {@code http} and {@code commit6} beside each run of
 * {@link WebhookLoad} (peers of the webhook figure); {@code main} runs one by hand.
 *
 * <ul>
 *   <li>{@code http}: Javalin configured as the Coffer server (virtual threads, Jetty 12) reads each
 *       body and answers 200: the HTTP stack and the senders alone.
 *   <li>{@code fsync}: as {@code http}, and the body is appended to one file with a group commit (one
 *       leader writes every waiting body and calls fdatasync once for all of them) before the 200.
 *   <li>{@code commit6}: as {@code fsync}, with the archive's sync pattern per group commit
 *       ({@code ObjectStore.putInOrder} on the file store): three new files (pack, segment, checkpoint)
 *       written to temporary names and fdatasync'd concurrently, then each linked to its name and its
 *       directory fsync'd, in order — six syncs in four rounds, no CPU work between them. (Until
 *       2026-11-25 12:30 the archive, and this ceiling, did the six one after another.)
 * </ul>
 *
 * <p>{@code WebhookCeiling MODE DIR [requests] [senders]}.
 */
final class WebhookCeiling {
  private WebhookCeiling() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    Path dir = Path.of(args[1]);
    int n = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
    int c = args.length > 3 ? Integer.parseInt(args[3]) : 64;
    Ceiling r = run(mode, dir, Math.max(c, Math.min(2_000, n / 5)), n, c);
    WebhookLoad.Result w = r.load();
    System.out.printf(Locale.ROOT, "ceiling %s: %.0f req/s, p50 %.1f ms, p99 %.1f ms, max %.1f ms, %d requests, "
        + "%d senders, %d failed, CPU %.3f ms/request%s%n", mode, w.requestsPerSecond(), w.p50(), w.p99(), w.max(),
        w.requests(), w.concurrency(), w.failures(), w.cpuMsPerRequest(),
        r.commits() == 0 ? "" : String.format(Locale.ROOT, ", %d commits (%.1f requests each)", r.commits(),
            (double) r.kept() / r.commits()));
  }

  /** What one ceiling run measured: the load's figures, bodies kept, group commits made (0 for http). */
  record Ceiling(WebhookLoad.Result load, long kept, long commits) {}

  /**
   * Runs one ceiling: {@code warmup} unmeasured then {@code requests} measured posts from {@code senders}
   * raw-socket senders (the suite's client) against a server doing only what {@code mode} names.
   */
  static Ceiling run(String mode, Path dir, int warmup, int requests, int senders) throws Exception {
    Files.createDirectories(dir);
    GroupCommit commit = switch (mode) {
      case "http" -> null;
      case "fsync" -> new GroupCommit(dir, false);
      case "commit6" -> new GroupCommit(dir, true);
      default -> throw new IllegalArgumentException("mode: http, fsync or commit6, not " + mode);
    };
    AtomicLong kept = new AtomicLong();
    Javalin app = Javalin.create(jc -> {
      jc.startup.showJavalinBanner = false;
      jc.startup.showOldJavalinVersionWarning = false;
      jc.concurrency.useVirtualThreads = true;
      jc.jetty.host = "127.0.0.1";
      jc.jetty.port = 0;
      jc.routes.post("/capture/whatsapp", ctx -> {
        byte[] body = ctx.bodyAsBytes();
        if (commit != null) {
          commit.append(body);
        }
        kept.incrementAndGet();
        ctx.status(200).contentType("text/plain; charset=utf-8").result("EVENT_RECEIVED");
      });
    });
    app.start();
    try {
      URI uri = URI.create("http://127.0.0.1:" + app.port() + "/capture/whatsapp");
      WebhookLoad.Result r = WebhookLoad.drive(uri, warmup, requests, senders, WebhookLoad.Client.RAW, kept::get);
      return new Ceiling(r, kept.get(), commit == null ? 0 : commit.commits());
    } finally {
      app.stop();
      if (commit != null) {
        commit.close();
      }
    }
  }

  /** Leader/follower group commit of appended bodies, like the archive's (without its CPU work). */
  private static final class GroupCommit {
    private final Path dir;
    private final boolean sixSyncs;
    private final FileChannel log;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<byte[]> waiting = new ArrayList<>();
    private long queued; // guarded by waiting
    private volatile long durable;
    private long commits; // guarded by lock
    private long files; // guarded by lock

    GroupCommit(Path dir, boolean sixSyncs) throws IOException {
      this.dir = dir;
      this.sixSyncs = sixSyncs;
      this.log = FileChannel.open(dir.resolve("log"), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND);
      for (String d : List.of("packs", "segments", "checkpoints", "tmp")) {
        Files.createDirectories(dir.resolve(d));
      }
    }

    void append(byte[] body) throws IOException {
      long mine;
      synchronized (waiting) {
        waiting.add(body);
        mine = ++queued;
      }
      lock.lock();
      try {
        if (durable >= mine) {
          return; // a leader made it durable while this one waited for the lock
        }
        List<byte[]> batch;
        long upTo;
        synchronized (waiting) {
          batch = new ArrayList<>(waiting);
          waiting.clear();
          upTo = queued;
        }
        int size = 0;
        for (byte[] b : batch) {
          size += b.length;
        }
        ByteBuffer all = ByteBuffer.allocate(size);
        batch.forEach(all::put);
        if (sixSyncs) {
          all.flip();
          putInOrder(List.of("packs", "segments", "checkpoints"), all);
        } else {
          log.write(all.flip());
          log.force(false);
        }
        commits++;
        durable = upTo;
      } finally {
        lock.unlock();
      }
    }

    long commits() {
      lock.lock();
      try {
        return commits;
      } finally {
        lock.unlock();
      }
    }

    void close() throws IOException {
      log.close();
    }

    /**
     * The archive's group-commit write ({@code FileObjectStore.putInOrder}): the three files written to
     * temporary names and fdatasync'd concurrently (one thread each), then each linked to its name and
     * its directory fsync'd, one after another in order.
     */
    private void putInOrder(List<String> dirs, ByteBuffer bytes) throws IOException {
      Path[] tmps = new Path[dirs.size()];
      for (int i = 0; i < tmps.length; i++) {
        tmps[i] = dir.resolve("tmp").resolve(Long.toString(++files));
      }
      IOException[] failed = new IOException[tmps.length];
      Thread[] stagers = new Thread[tmps.length];
      for (int i = 0; i < tmps.length; i++) {
        int k = i;
        stagers[k] = Thread.ofVirtual().start(() -> {
          try (FileChannel ch = FileChannel.open(tmps[k], StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(bytes.duplicate());
            ch.force(false);
          } catch (IOException e) {
            failed[k] = e;
          }
        });
      }
      for (Thread t : stagers) {
        try {
          t.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted", e);
        }
      }
      for (IOException e : failed) {
        if (e != null) {
          throw e;
        }
      }
      for (int i = 0; i < tmps.length; i++) {
        Path target = dir.resolve(dirs.get(i));
        Files.createLink(target.resolve(tmps[i].getFileName().toString()), tmps[i]);
        Files.delete(tmps[i]);
        try (FileChannel d = FileChannel.open(target, StandardOpenOption.READ)) {
          d.force(true);
        }
      }
    }
  }
}
