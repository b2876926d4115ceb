package dev.coffer.archive.verify;

import dev.coffer.archive.Archive;
import dev.coffer.archive.blob.BlobFormat;
import dev.coffer.archive.checkpoint.Checkpoint;
import dev.coffer.archive.checkpoint.CheckpointFormat;
import dev.coffer.archive.layout.ArchiveLayout;
import dev.coffer.archive.segment.Segment;
import dev.coffer.archive.segment.SegmentFormat;
import dev.coffer.archive.store.CorruptObjectException;
import dev.coffer.archive.store.NoSuchObjectException;
import dev.coffer.archive.store.ObjectStore;
import dev.coffer.model.Audit;
import dev.coffer.model.Ids;
import dev.coffer.model.Party;
import dev.coffer.model.Source;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-checks an open archive's stored objects in the background, continuously and at a bounded rate,
 * so damage is found without anyone running {@code coffer verify} (the scheduled check regulators ask
 * for). The server runs one per archive: {@link #start()} on start-up, {@link #close()} on shutdown.
 *
 * <p>One <b>cycle</b> reads every segment (CRC, structure, every record's digest, its key naming its
 * first serial, serial continuity — a missing segment shows as a gap — and the checkpoint at its end),
 * every checkpoint (form, signature, archive id) and every blob (rehashed), straight from the primary
 * copy (a mirror does not hide damage here), up to the archive's size when the cycle started. Reads
 * are paced to {@link Settings#bytesPerSecond()}; a cycle starts every {@link Settings#cyclePeriod()}
 * (at once if the last one took longer, with a WARN: raise the rate).
 *
 * <p>A damaged or missing object raises an <b>alert</b> within one cycle: an ERROR log line with the
 * object key and what is wrong (never content), the {@link #alerts()} counter, and an {@code audit}
 * record (action {@value #ACTION}, sender {@code coffer:verifier}, the key in {@code targets}) appended
 * to the archive. The audit record is appended (durable) <em>before</em> the counter and the log
 * line publish the alert, so whoever sees an alert can find its record in the archive. If the record
 * cannot be appended, the alert is raised anyway (damage must not stay hidden because the archive
 * refuses writes; the ERROR line says the record is missing) and the append is retried in each later
 * cycle that still finds the damage, without counting the alert again. An object alerts once while it
 * stays damaged ({@link #damagedObjects()} counts those now known); if it is repaired and damaged
 * again, it alerts again.
 *
 * <p>The getters are cheap and thread-safe, for a metrics exporter (Prometheus counters and gauges).
 */
public final class VerificationSchedule implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(VerificationSchedule.class);
  /** The audit record's action. */
  public static final String ACTION = "verify-alert";

  /**
   * How fast and how often.
   *
   * @param bytesPerSecond read budget, at least 64 KiB/s
   * @param cyclePeriod how often a full cycle starts, at least 1 second
   */
  public record Settings(long bytesPerSecond, Duration cyclePeriod) {
    public Settings {
      Objects.requireNonNull(cyclePeriod, "VerificationSchedule.Settings.cyclePeriod");
      if (bytesPerSecond < 64 << 10) {
        throw new IllegalArgumentException("VerificationSchedule.Settings.bytesPerSecond must be >= 65536, got " + bytesPerSecond);
      }
      if (cyclePeriod.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("VerificationSchedule.Settings.cyclePeriod must be >= 1s, got " + cyclePeriod);
      }
    }

    /** 20 MiB/s, a cycle a day. */
    public static Settings defaults() {
      return new Settings(20L << 20, Duration.ofDays(1));
    }
  }

  /** What one cycle found. */
  public record CycleReport(long objects, long bytes, List<Problem> problems, Duration took) {
    public CycleReport {
      problems = List.copyOf(problems);
    }
  }

  private final Archive archive;
  private final ObjectStore store;
  private final Settings settings;
  private final Clock clock;
  private final Set<String> damaged = ConcurrentHashMap.newKeySet();
  /** Damaged keys whose alert's audit record is durable in the archive (a subset of {@link #damaged}). */
  private final Set<String> recorded = ConcurrentHashMap.newKeySet();
  private final AtomicLong cycles = new AtomicLong();
  private final AtomicLong objects = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong alerts = new AtomicLong();
  private volatile long lastCycleEnd;
  private volatile Thread thread;
  private volatile boolean closed;

  /**
   * @param archive an open archive on disk (the alerts' audit records are appended to it)
   */
  public VerificationSchedule(Archive archive, Settings settings, Clock clock) {
    this.archive = Objects.requireNonNull(archive, "archive");
    if (archive.directory() == null) {
      throw new IllegalArgumentException("scheduled verification needs an archive on disk");
    }
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.store = ArchiveLayout.openStoreForReading(archive.directory(), archive.encryption());
  }

  // ---------------------------------------------------------------- metrics

  /** Cycles completed. */
  public long cyclesCompleted() {
    return cycles.get();
  }

  /** Objects read and checked, over all cycles. */
  public long objectsChecked() {
    return objects.get();
  }

  /** Bytes read, over all cycles. */
  public long bytesChecked() {
    return bytes.get();
  }

  /** Alerts raised (new damage found), over all cycles. */
  public long alerts() {
    return alerts.get();
  }

  /** Objects known to be damaged or missing now. */
  public long damagedObjects() {
    return damaged.size();
  }

  /** When the last cycle ended (epoch milliseconds of the clock), 0 before the first. */
  public long lastCycleEndMillis() {
    return lastCycleEnd;
  }

  // ---------------------------------------------------------------- running

  /** Starts the background thread (a daemon), which runs a cycle every period until {@link #close()}. */
  public synchronized void start() {
    if (thread != null) {
      return;
    }
    Thread t = new Thread(this::loop, "coffer-verify-schedule");
    t.setDaemon(true);
    thread = t;
    t.start();
  }

  private void loop() {
    while (!closed) {
      long started = System.nanoTime();
      try {
        runCycle();
      } catch (InterruptedIOException e) {
        return;
      } catch (IOException | RuntimeException e) {
        LOG.error("scheduled verification cycle failed: {}", e.toString());
      }
      long took = System.nanoTime() - started;
      long wait = settings.cyclePeriod().toNanos() - took;
      if (wait <= 0) {
        LOG.warn("a verification cycle took {} s, longer than its period {}: raise bytesPerSecond", took / 1_000_000_000L,
            settings.cyclePeriod());
        continue;
      }
      try {
        Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Runs one full cycle now, on this thread, paced to the rate; raises the alerts it finds. */
  public CycleReport runCycle() throws IOException {
    long started = System.nanoTime();
    Cycle c = new Cycle(archive.size(), started);
    try {
      c.segments();
      c.checkpoints();
      c.blobs();
      c.packs();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    // Keys damaged before but not found damaged in this cycle were repaired.
    damaged.retainAll(c.found);
    recorded.retainAll(c.found);
    cycles.incrementAndGet();
    lastCycleEnd = clock.millis();
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    LOG.info("verification cycle: {} objects, {} bytes, {} problem(s) in {} ms", c.objects, c.bytes, c.problems.size(),
        took.toMillis());
    return new CycleReport(c.objects, c.bytes, c.problems, took);
  }

  /** One pass over the objects. */
  private final class Cycle {
    final long size;
    final long startNanos;
    final List<Problem> problems = new ArrayList<>();
    final Set<String> found = ConcurrentHashMap.newKeySet();
    long objects;
    long bytes;

    Cycle(long size, long startNanos) {
      this.size = size;
      this.startNanos = startNanos;
    }

    void segments() throws IOException {
      long expected = 1;
      try (Stream<String> keys = store.list(ArchiveLayout.SEGMENTS)) {
        for (Iterator<String> it = keys.iterator(); it.hasNext(); ) {
          String key = it.next();
          long first = ArchiveLayout.serialOfSegmentKey(key);
          if (first < 1) {
            continue;
          }
          if (first > size) {
            break; // appended after this cycle started
          }
          if (expected > 0 && first > expected) {
            alert(ArchiveLayout.segmentKey(expected), "missing: serial gap, records " + expected + ".." + (first - 1)
                + " are not stored", String.valueOf(expected), String.valueOf(first));
          }
          byte[] b;
          try {
            b = read(key); // decrypted and authenticated here
          } catch (CorruptObjectException e) {
            alert(key, e.what(), e.expected(), e.actual());
            expected = -1;
            continue;
          }
          if (b == null) {
            continue;
          }
          Segment seg;
          try {
            seg = SegmentFormat.decodeStructure(key, b);
          } catch (CorruptObjectException e) {
            alert(key, e.what(), e.expected(), e.actual());
            expected = -1; // its length is unknown: the next segment's first serial resumes the chain
            continue;
          }
          for (SegmentFormat.DigestMismatch m : SegmentFormat.digestMismatches(seg)) {
            alert(key, "record " + m.serial() + " does not match its digest", m.expected(), m.actual());
          }
          if (seg.firstSerial() != first) {
            alert(key, "segment's first serial differs from its name", String.valueOf(first), String.valueOf(seg.firstSerial()));
          }
          if (seg.lastSerial() <= size && !store.exists(ArchiveLayout.checkpointKey(seg.lastSerial()))) {
            alert(ArchiveLayout.checkpointKey(seg.lastSerial()), "missing: no signed checkpoint at the end of segment "
                + key, "present", "absent");
          }
          expected = seg.lastSerial() + 1;
        }
      }
      if (expected > 0 && expected <= size) {
        alert(ArchiveLayout.segmentKey(expected), "missing: records " + expected + ".." + size + " are not stored",
            String.valueOf(size), String.valueOf(expected - 1));
      }
    }

    void checkpoints() throws IOException {
      try (Stream<String> keys = store.list(ArchiveLayout.CHECKPOINTS)) {
        for (Iterator<String> it = keys.iterator(); it.hasNext(); ) {
          String key = it.next();
          long n = ArchiveLayout.sizeOfCheckpointKey(key);
          if (n < 0 || n > size) {
            continue;
          }
          byte[] b;
          try {
            b = read(key);
          } catch (CorruptObjectException e) {
            alert(key, e.what(), e.expected(), e.actual());
            continue;
          }
          if (b == null) {
            continue;
          }
          try {
            Checkpoint cp = CheckpointFormat.decode(key, b).checkpoint();
            if (cp.size() != n) {
              alert(key, "checkpoint size differs from its name", String.valueOf(n), String.valueOf(cp.size()));
            } else if (!cp.verifySignature(archive.signingKey())) {
              alert(key, "checkpoint signature does not verify with the archive's key", "valid", "invalid");
            } else if (!cp.archiveId().equals(archive.archiveId())) {
              alert(key, "checkpoint names another archive", archive.archiveId(), cp.archiveId());
            }
          } catch (CorruptObjectException e) {
            alert(key, e.what(), e.expected(), e.actual());
          }
        }
      }
    }

    void blobs() throws IOException {
      try (Stream<String> keys = store.list(ArchiveLayout.BLOBS)) {
        for (Iterator<String> it = keys.iterator(); it.hasNext(); ) {
          String key = it.next();
          String name = ArchiveLayout.nameOfBlobKey(key);
          if (name == null) {
            continue;
          }
          long n;
          try (InputStream in = new BufferedInputStream(store.open(key), 1 << 16)) {
            n = store.size(key);
            String digest = BlobFormat.checkAndDigest(key, in);
            String expected = archive.encryption().blobNames().nameOf(digest);
            if (!expected.equals(name)) {
              alert(key, "blob content does not match its name", expected, name);
            }
          } catch (NoSuchObjectException e) {
            continue; // disposed of while listing
          } catch (CorruptObjectException e) {
            alert(key, e.what(), e.expected(), e.actual());
            n = 0;
          }
          counted(n);
        }
      }
    }

    /** Every blob pack: structure, CRC, and each packed blob's digest. */
    void packs() throws IOException {
      try (Stream<String> keys = store.list(ArchiveLayout.PACKS)) {
        for (Iterator<String> it = keys.iterator(); it.hasNext(); ) {
          String key = it.next();
          if (ArchiveLayout.serialOfPackKey(key) < 1) {
            continue;
          }
          byte[] b = read(key);
          if (b == null) {
            continue;
          }
          try {
            for (dev.coffer.archive.blob.BlobPack.Entry e : dev.coffer.archive.blob.BlobPack.decode(key, b)) {
              dev.coffer.archive.blob.BlobPack.plaintext(key, e);
            }
          } catch (CorruptObjectException e) {
            alert(key, e.what(), e.expected(), e.actual());
          }
        }
      }
    }

    /** Reads an object, paced; null if it vanished since the listing (disposition). */
    byte[] read(String key) throws IOException {
      try {
        byte[] b = store.get(key);
        counted(b.length);
        return b;
      } catch (NoSuchObjectException e) {
        return null;
      }
    }

    void counted(long n) throws IOException {
      objects++;
      bytes += n;
      VerificationSchedule.this.objects.incrementAndGet();
      VerificationSchedule.this.bytes.addAndGet(n);
      pace();
    }

    /** Sleeps so the cycle's reads average no more than the budget. */
    void pace() throws IOException {
      long due = startNanos + bytes * 1_000_000_000L / settings.bytesPerSecond();
      long wait = due - System.nanoTime();
      if (wait > 0) {
        try {
          Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("scheduled verification stopped");
        }
      }
      if (closed) {
        throw new InterruptedIOException("scheduled verification stopped");
      }
    }

    void alert(String key, String what, String expected, String actual) throws IOException {
      Problem p = new Problem(ArchiveLayout.OBJECTS + "/" + key, what, expected, actual);
      problems.add(p);
      found.add(key);
      if (recorded.contains(key)) {
        return; // already alerted, with its audit record, while it stays damaged
      }
      Map<String, String> detail = new LinkedHashMap<>();
      detail.put("what", what);
      if (expected != null) {
        detail.put("expected", expected);
      }
      if (actual != null) {
        detail.put("actual", actual);
      }
      detail.put("cycle", Long.toString(cycles.get() + 1));
      java.time.Instant now = clock.instant();
      String id = Ids.derive("coffer/verify-alert", archive.archiveId(), key, what, now.toString());
      // the audit record first: append returns once it is durable; only then is the alert published
      boolean archived;
      try {
        archive.append(List.of(new Audit(id, "coffer", null, new Party("coffer:verifier", null), now, null, ACTION,
            List.of(key), detail, null, new Source("coffer-archive", null, null, null, null))));
        recorded.add(key);
        archived = true;
      } catch (IOException | RuntimeException e) {
        LOG.error("scheduled verification: could not archive the alert for {} (retried next cycle): {}", key,
            e.toString());
        archived = false;
      }
      if (damaged.add(key)) {
        alerts.incrementAndGet();
        LOG.error("scheduled verification: object {} is damaged or missing: {}", key, p);
      } else if (archived) {
        LOG.info("scheduled verification: the alert for {} is archived now", key);
      }
    }
  }

  /** Stops the background thread (waits up to 10 s for it). */
  @Override
  public void close() {
    closed = true;
    Thread t = thread;
    if (t != null) {
      t.interrupt();
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
