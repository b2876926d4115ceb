package dev.coffer.server;

import dev.coffer.archive.AppendResult;
import dev.coffer.model.Digests;
import dev.coffer.model.Record;
import dev.coffer.model.Unparsed;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every capture endpoint does with a POST, in this order: admit it (bounded in-flight, else 503),
 * read the body within the size and time bounds (else 413/408, nothing kept), authenticate and
 * interpret it (else 401/403, nothing kept), append the records together with the raw body (and any
 * derived original) as blobs in one call, and only then answer 200 (invariant 1: acknowledge after
 * durable: the blobs are durable before the records, both before the answer).
 * A failure to make it durable answers 500 so the sender retries; the retry finds the same record ids
 * (invariant 3), so nothing is archived twice.
 *
 * <p>Concurrent requests each call {@link dev.coffer.archive.Archive#append(List, List)} from their own
 * (virtual) thread; the archive batches them into group commits: one blob pack, one segment and one
 * checkpoint for many requests, bodies included.
 */
final class CapturePipeline {
  private static final Logger LOG = LoggerFactory.getLogger(CapturePipeline.class);

  private final ServerContext context;
  private final String connector;
  private final Semaphore inFlight;

  CapturePipeline(ServerContext context, String connector, Semaphore inFlight) {
    this.context = context;
    this.connector = connector;
    this.inFlight = inFlight;
  }

  /** One POST as the pipeline needs it: its headers, query, peer and body, and where the answer goes. */
  interface Exchange {
    /** The first value of a request header, or null. */
    String header(String name);

    /** The query's parameters, first value of each. */
    java.util.Map<String, String> query();

    /** The peer's address, for the log. */
    String ip();

    /** The declared body length, or -1 when none was declared (chunked). */
    long declaredLength();

    /** The body, read as it arrives (blocking). */
    InputStream body() throws IOException;

    /** The answer: a status, a short text body, and a {@code Retry-After} value or null. Called once. */
    void answer(int status, String text, String retryAfter);
  }

  /** Turns an authenticated body into what to archive; refuses an unauthenticated one. */
  @FunctionalInterface
  interface Interpreter {
    /**
     * @param request the request (headers, query) the body came with
     * @param body the raw body as received
     * @param digest its SHA-256 (hex), which the raw blob will have
     * @param receivedAt when the request arrived
     * @throws Refused if the request is not authenticated (nothing is kept)
     */
    Capture interpret(Exchange request, byte[] body, String digest, Instant receivedAt) throws Refused;
  }

  /**
   * What to archive for one request and how to answer.
   *
   * @param records the records to append (one append call, one group commit)
   * @param extraBlobs originals derived from the body that records name (e.g. WeChat's decrypted XML)
   * @param afterDurable run once everything is durable, before answering (e.g. queue media fetches);
   *     must be quick and not throw
   * @param reply the response body
   * @param diagnostics notes for the log (no content)
   */
  record Capture(List<Record> records, List<byte[]> extraBlobs, Runnable afterDurable, String reply,
      List<String> diagnostics) {}

  /** A request refused before anything was kept. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;
    final boolean signature;

    /**
     * @param status the HTTP status to answer
     * @param signature true when the refusal is an authentication failure (counted as such)
     * @param reason for the log: never content, tokens or signatures
     */
    Refused(int status, boolean signature, String reason) {
      super(reason, null, false, false);
      this.status = status;
      this.signature = signature;
    }
  }

  void handle(Exchange ctx, Interpreter interpreter) {
    context.health().received(connector);
    if (!inFlight.tryAcquire()) {
      context.health().refused(connector);
      ctx.answer(503, "overloaded; retry later", "1");
      return;
    }
    try {
      Instant receivedAt = context.clock().instant();
      byte[] body;
      try {
        body = readBody(ctx);
      } catch (Refused r) {
        context.health().refused(connector);
        LOG.warn("{}: refused a request from {}: {}", connector, ctx.ip(), r.getMessage());
        ctx.answer(r.status, r.getMessage(), null);
        return;
      }
      String digest = Digests.sha256Hex(body);
      Capture capture;
      try {
        capture = interpreter.interpret(ctx, body, digest, receivedAt);
      } catch (Refused r) {
        if (r.signature) {
          context.health().signatureFailure(connector);
        } else {
          context.health().refused(connector);
        }
        LOG.warn("{}: refused a request from {} ({} bytes, body {}): {}", connector, ctx.ip(), body.length,
            digest, r.getMessage());
        ctx.answer(r.status, r.status == 401 ? "unauthorized" : "refused", null);
        return;
      }
      AppendResult result;
      try {
        // The body (named by digest in every record) and the derived originals join the records' group
        // commit: durable before the records, with the commit's syncs rather than two of their own.
        List<byte[]> blobs = new java.util.ArrayList<>(1 + capture.extraBlobs().size());
        blobs.add(body);
        blobs.addAll(capture.extraBlobs());
        result = context.archive().append(capture.records(), blobs);
      } catch (IOException | RuntimeException e) {
        context.health().failed(connector);
        LOG.error("{}: could not archive body {} ({} records); answered 500 so the sender retries: {}", connector,
            digest, capture.records().size(), e.toString());
        ctx.answer(500, "not archived; retry", null);
        return;
      }
      capture.afterDurable().run();
      long unparsed = 0;
      Instant newest = null;
      for (int i = 0; i < capture.records().size(); i++) {
        Record r = capture.records().get(i);
        if (result.outcomes().get(i).duplicate()) {
          continue;
        }
        if (r instanceof Unparsed) {
          unparsed++;
        }
        if (r.sentAt() != null && (newest == null || r.sentAt().isAfter(newest))) {
          newest = r.sentAt();
        }
      }
      context.health().archived(connector, result.appended(), result.duplicates(), unparsed, newest);
      if (!capture.diagnostics().isEmpty()) {
        LOG.info("{}: body {}: {} record(s), {} new; {}", connector, digest, capture.records().size(),
            result.appended(), String.join("; ", capture.diagnostics()));
      } else if (LOG.isDebugEnabled()) { // per request: no argument array when debug is off
        LOG.debug("{}: body {}: {} record(s), {} new", connector, digest, capture.records().size(), result.appended());
      }
      ctx.answer(200, capture.reply(), null);
    } finally {
      inFlight.release();
    }
  }

  /**
   * Reads the body within the configured size and time: a declared or actual size over the limit is
   * 413 (without reading the rest), a body that takes longer than the request time limit is 408.
   * Together with the connector's idle timeout (a client sending nothing is cut off after the same
   * limit) a slow client holds a request for at most about twice the limit.
   */
  private byte[] readBody(Exchange ctx) throws Refused {
    long max = context.config().limits().maxBodyBytes();
    long declared = ctx.declaredLength();
    if (declared > max) {
      throw new Refused(413, false, "body of " + declared + " bytes is over the limit of " + max);
    }
    long deadline = System.nanoTime() + context.config().limits().requestTimeout().toNanos();
    byte[] buf = new byte[(int) Math.min(max + 1, declared >= 0 ? declared + 1 : 16384)];
    int n = 0;
    try (InputStream in = ctx.body()) {
      while (true) {
        if (n == buf.length) {
          if (n > max) {
            throw new Refused(413, false, "body is over the limit of " + max + " bytes");
          }
          buf = java.util.Arrays.copyOf(buf, (int) Math.min(max + 1, (long) buf.length * 2));
        }
        int r = in.read(buf, n, buf.length - n);
        if (r < 0) {
          break;
        }
        n += r;
        if (n > max) {
          throw new Refused(413, false, "body is over the limit of " + max + " bytes");
        }
        if (System.nanoTime() - deadline > 0) {
          throw new Refused(408, false, "body not received within "
              + context.config().limits().requestTimeout().toMillis() + " ms");
        }
      }
    } catch (IOException e) {
      // Jetty's idle timeout or a client that went away: nothing was kept.
      throw new Refused(408, false, "body not received (" + e.getClass().getSimpleName() + ")");
    }
    return n == buf.length ? buf : java.util.Arrays.copyOf(buf, n);
  }
}
