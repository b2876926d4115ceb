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
 * @param blockCacheMb decrypted index blocks kept in memory for searches of an encrypted index (0 = none):
 *     every query reads the same term-dictionary, postings and doc-values blocks again, and a block not
 *     in the cache is read and decrypted again; at 10,000,000 messages the blocks twelve mixed queries
 *     read no longer fit in 32 MB and every query decrypts most of what it reads (BENCHMARKS.md,
 *     "Search at 10 million (session 6)")
 */
public record SearchOptions(
    String phoneRegion, int ramBufferMb, Duration refreshInterval, Duration commitInterval,
    int indexThreads, int blockCacheMb) {

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
    if (blockCacheMb < 0 || blockCacheMb > 65_536) {
      throw new IllegalArgumentException("blockCacheMb: " + blockCacheMb + " is outside 0..65536");
    }
  }

  /**
   * Region US, 64 MB buffer, refresh every 200 ms, commit every 30 s, up to 2 indexing threads, and a
   * block cache of {@link #defaultBlockCacheMb()}.
   */
  public static SearchOptions defaults() {
    return new SearchOptions("US", 64, Duration.ofMillis(200), Duration.ofSeconds(30),
        Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors())), defaultBlockCacheMb());
  }

  /**
   * A sixteenth of the JVM's maximum heap, between 32 MB and 512 MB: 32 MB in an import's 512 MB heap
   * (as before; the import must stay within it), 384 MB in a server on the JVM's default heap of a
   * 24 GB machine, 512 MB from an 8 GB heap up.
   */
  public static int defaultBlockCacheMb() {
    long sixteenth = Runtime.getRuntime().maxMemory() / 16 >> 20;
    return (int) Math.max(32, Math.min(512, sixteenth));
  }

  public SearchOptions withPhoneRegion(String region) {
    return new SearchOptions(region, ramBufferMb, refreshInterval, commitInterval, indexThreads, blockCacheMb);
  }

  public SearchOptions withRamBufferMb(int mb) {
    return new SearchOptions(phoneRegion, mb, refreshInterval, commitInterval, indexThreads, blockCacheMb);
  }

  public SearchOptions withRefreshInterval(Duration interval) {
    return new SearchOptions(phoneRegion, ramBufferMb, interval, commitInterval, indexThreads, blockCacheMb);
  }

  public SearchOptions withCommitInterval(Duration interval) {
    return new SearchOptions(phoneRegion, ramBufferMb, refreshInterval, interval, indexThreads, blockCacheMb);
  }

  public SearchOptions withIndexThreads(int threads) {
    return new SearchOptions(phoneRegion, ramBufferMb, refreshInterval, commitInterval, threads, blockCacheMb);
  }

  public SearchOptions withBlockCacheMb(int mb) {
    return new SearchOptions(phoneRegion, ramBufferMb, refreshInterval, commitInterval, indexThreads, mb);
  }
}
