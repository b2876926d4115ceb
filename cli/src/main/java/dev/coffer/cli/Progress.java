package dev.coffer.cli;

import java.time.Duration;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar with rate and ETA on standard error for long work, or nothing in {@code --json}
 * mode (machine-readable output must not be mixed with drawing).
 */
final class Progress implements AutoCloseable {
  private final ProgressBar bar;

  private Progress(ProgressBar bar) {
    this.bar = bar;
  }

  /** A bar counting {@code unit} (e.g. "MB" with scale 1_000_000), or a silent one in JSON mode. */
  static Progress start(Output output, String task, long total, String unit, long unitSize) {
    if (output.json()) {
      return new Progress(null);
    }
    ProgressBar bar =
        new ProgressBarBuilder()
            .setTaskName(task)
            .setInitialMax(Math.max(total, 0))
            .setUnit(" " + unit, Math.max(unitSize, 1))
            .showSpeed()
            .setUpdateIntervalMillis(250)
            .setStyle(ProgressBarStyle.ASCII)
            .setConsumer(new ConsoleProgressBarConsumer(System.err))
            .setMaxRenderedLength(100)
            .build();
    return new Progress(bar);
  }

  void max(long total) {
    if (bar != null) {
      bar.maxHint(total);
    }
  }

  void to(long done) {
    if (bar != null) {
      bar.stepTo(done);
    }
  }

  void by(long n) {
    if (bar != null) {
      bar.stepBy(n);
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
