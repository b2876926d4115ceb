package dev.coffer.server;

import dev.coffer.archive.retention.Actor;
import dev.coffer.archive.retention.Disposition;
import dev.coffer.archive.verify.VerificationSchedule;
import dev.coffer.search.IndexHoldQueries;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The archive's background duties while the server runs: scheduled verification (a corrupted or
 * missing object raises an ERROR log line with its key, a metric and an audit record within one cycle —
 * {@link VerificationSchedule}) and, when configured, scheduled disposition ({@link Disposition}, with
 * query holds answered by the search index). Both are settings of {@link ServerConfig}; their figures
 * appear in {@code GET /status} and the Prometheus metrics.
 */
final class Housekeeping implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);
  /** Who the scheduled disposition's audit records name. */
  static final Actor SCHEDULER = new Actor("coffer-scheduler", null, "system");

  private final VerificationSchedule verification;
  private final ScheduledExecutorService disposer;
  private final AtomicLong dispositionRuns = new AtomicLong();
  private final AtomicLong disposedRecords = new AtomicLong();

  Housekeeping(ServerContext context) {
    ServerConfig config = context.config();
    if (config.verifyCycle() != null) {
      verification = new VerificationSchedule(context.archive(),
          new VerificationSchedule.Settings(config.verifyBytesPerSecond(), config.verifyCycle()), context.clock());
      verification.start();
      LOG.info("scheduled verification: a full pass every {} at up to {} bytes/s", config.verifyCycle(),
          config.verifyBytesPerSecond());
    } else {
      verification = null;
      LOG.warn("scheduled verification is off (verify.cycle=off): damage is found only by 'coffer verify'");
    }
    if (config.disposeEvery() != null) {
      disposer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "coffer-disposition");
        t.setDaemon(true);
        return t;
      });
      Disposition.runScheduled(context.archive(), SCHEDULER, disposer, config.disposeEvery(),
          new IndexHoldQueries(context.index()), report -> {
            dispositionRuns.incrementAndGet();
            disposedRecords.addAndGet(report.disposable().size());
            LOG.info("scheduled disposition: {} records disposed", report.disposable().size());
          });
      LOG.info("scheduled disposition: every {}", config.disposeEvery());
    } else {
      disposer = null;
    }
  }

  /** The figures for {@code GET /status}. */
  Map<String, Object> report() {
    Map<String, Object> out = new LinkedHashMap<>();
    if (verification != null) {
      out.put("verify_cycles", verification.cyclesCompleted());
      out.put("verify_objects_checked", verification.objectsChecked());
      out.put("verify_bytes_checked", verification.bytesChecked());
      out.put("verify_alerts", verification.alerts());
      out.put("verify_damaged_objects", verification.damagedObjects());
      out.put("verify_last_cycle_end_ms", verification.lastCycleEndMillis());
    } else {
      out.put("verify", "off");
    }
    out.put("disposition", disposer == null ? "off" : "on");
    out.put("disposition_runs", dispositionRuns.get());
    out.put("disposed_records", disposedRecords.get());
    return out;
  }

  /** Prometheus lines (gauges and counters, no labels). */
  void metrics(StringBuilder b) {
    if (verification != null) {
      line(b, "coffer_verify_cycles_total", "counter", "Scheduled verification cycles completed.", verification.cyclesCompleted());
      line(b, "coffer_verify_bytes_total", "counter", "Bytes read by scheduled verification.", verification.bytesChecked());
      line(b, "coffer_verify_alerts_total", "counter", "Damaged or missing objects alerted.", verification.alerts());
      line(b, "coffer_verify_damaged_objects", "gauge", "Objects currently known damaged or missing.", verification.damagedObjects());
    }
    line(b, "coffer_disposition_runs_total", "counter", "Scheduled disposition runs.", dispositionRuns.get());
    line(b, "coffer_disposed_records_total", "counter", "Records disposed by scheduled disposition.", disposedRecords.get());
  }

  private static void line(StringBuilder b, String name, String type, String help, long value) {
    b.append("# HELP ").append(name).append(' ').append(help).append('\n');
    b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    b.append(name).append(' ').append(value).append('\n');
  }

  @Override
  public void close() {
    if (verification != null) {
      verification.close();
    }
    if (disposer != null) {
      disposer.shutdownNow();
    }
  }
}
