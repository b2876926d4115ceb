package dev.coffer.search;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link SearchIndex} indexes and how fresh it keeps its searcher. Validated on construction;
 * an invalid value fails with a message naming the field and the value.
 *
 * @param phoneRegion ISO 3166 region for phone numbers written without a country code (in text, in
 *     handles and in queries), e.g. {@code US}. An index is built for one region: opening it with
 *     another fails until it is rebuilt
 * @param ramBufferMb indexing buffer before Lucene flushes a segment (not a commit); 64 MB suits a
 *     512 MB heap
 * @param refreshInterval how often newly indexed records are made searchable (near-real-time
 *     refresh); the freshness bound is this plus the refresh time
 * @param commitInterval how often the index is made durable (Lucene commit) while records arrive;
 *     after a crash at most this much is re-indexed from the archive by {@link SearchIndex#catchUp}
 * @param indexThreads threads that analyze a large batch in parallel (1 = the caller's thread only)
 */
public record SearchOptions(
    String phoneRegion, int ramBufferMb, Duration refreshInterval, Duration commitInterval,
    int indexThreads) {

  public SearchOptions {
    phoneRegion = PhoneNumbers.validRegion(phoneRegion);
    if (ramBufferMb < 1 || ramBufferMb > 2048) {
      throw new IllegalArgumentException("ramBufferMb: " + ramBufferMb + " is outside 1..2048");
    }
    Objects.requireNonNull(refreshInterval, "refreshInterval");
    Objects.requireNonNull(commitInterval, "commitInterval");
    if (refreshInterval.isNegative() || refreshInterval.isZero()
        || refreshInterval.compareTo(Duration.ofSeconds(1)) > 0) {
      throw new IllegalArgumentException(
          "refreshInterval: " + refreshInterval + " must be positive and at most 1 s (the freshness promise)");
    }
    if (commitInterval.isNegative() || commitInterval.isZero()) {
      throw new IllegalArgumentException("commitInterval: " + commitInterval + " must be positive");
    }
    if (indexThreads < 1 || indexThreads > 64) {
      throw new IllegalArgumentException("indexThreads: " + indexThreads + " is outside 1..64");
    }
  }

  /** Region US, 64 MB buffer, refresh every 200 ms, commit every 30 s, up to 2 indexing threads. */
  public static SearchOptions defaults() {
    return new SearchOptions("US", 64, Duration.ofMillis(200), Duration.ofSeconds(30),
        Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors())));
  }

  public SearchOptions withPhoneRegion(String region) {
    return new SearchOptions(region, ramBufferMb, refreshInterval, commitInterval, indexThreads);
  }

  public SearchOptions withRamBufferMb(int mb) {
    return new SearchOptions(phoneRegion, mb, refreshInterval, commitInterval, indexThreads);
  }

  public SearchOptions withRefreshInterval(Duration interval) {
    return new SearchOptions(phoneRegion, ramBufferMb, interval, commitInterval, indexThreads);
  }

  public SearchOptions withCommitInterval(Duration interval) {
    return new SearchOptions(phoneRegion, ramBufferMb, refreshInterval, interval, indexThreads);
  }

  public SearchOptions withIndexThreads(int threads) {
    return new SearchOptions(phoneRegion, ramBufferMb, refreshInterval, commitInterval, threads);
  }
}
