package dev.coffer.connectors.whatsapp.cloud;

import java.time.Duration;

/**
 * How {@link MediaFetcher} retries: up to {@code maxAttempts} HTTP attempts per fetch, waiting
 * between them {@code initialDelay} doubled per attempt, capped at {@code maxDelay}, with jitter
 * (each wait is drawn between half and all of that figure, so many fetchers that failed together do
 * not retry together). Validated on construction; the message names the field.
 *
 * @param maxAttempts HTTP attempts per fetch (lookup and download together), at least 1
 * @param initialDelay the first wait, positive
 * @param maxDelay the longest wait, at least {@code initialDelay}
 * @param requestTimeout a single request's limit (connect to last byte), positive
 * @param maxBytes the largest media file accepted, positive (WhatsApp's own limit is 100 MB)
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay,
    Duration requestTimeout, long maxBytes) {
  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, not " + maxAttempts);
    }
    if (initialDelay == null || initialDelay.isNegative() || initialDelay.isZero()) {
      throw new IllegalArgumentException("initialDelay must be positive, not " + initialDelay);
    }
    if (maxDelay == null || maxDelay.compareTo(initialDelay) < 0) {
      throw new IllegalArgumentException("maxDelay must be at least initialDelay, not " + maxDelay);
    }
    if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("requestTimeout must be positive, not " + requestTimeout);
    }
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be positive, not " + maxBytes);
    }
  }

  /** 6 attempts, 1 s doubling to at most 60 s, 60 s per request, 100 MiB. */
  public static RetryPolicy defaults() {
    return new RetryPolicy(6, Duration.ofSeconds(1), Duration.ofSeconds(60),
        Duration.ofSeconds(60), 100L * 1024 * 1024);
  }

  /** The wait before attempt {@code attempt + 1}, before jitter: initial × 2^(attempt-1), capped. */
  public Duration backoff(int attempt) {
    long initial = initialDelay.toMillis();
    long cap = maxDelay.toMillis();
    int shift = Math.min(Math.max(attempt - 1, 0), 30);
    long d = initial > (cap >> shift) ? cap : initial << shift;
    return Duration.ofMillis(Math.min(d, cap));
  }
}
