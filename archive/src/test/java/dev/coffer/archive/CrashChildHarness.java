package dev.coffer.archive;

import java.nio.file.Path;

/**
 * Child process for {@link KillTest}: appends until killed, printing one line per acknowledged batch,
 * {@code ACK <first message number> <count> <first serial>}, only after append returned.
 */
public final class CrashChildHarness {
  private CrashChildHarness() {}

  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[0]);
    Archive archive = Archives.exists(data) ? Archives.open(data, ArchiveOptions.defaults())
        : Archives.create(data, ArchiveOptions.defaults());
    Thread[] threads = new Thread[2];
    for (int t = 0; t < threads.length; t++) {
      long base = t * 1_000_000_000L;
      threads[t] = new Thread(() -> {
        try {
          for (long n = base; ; n += 100) {
            AppendResult r = archive.append(RecordFixtures.messages(n, 100));
            long first = r.outcomes().get(0).serial();
            synchronized (System.out) {
              System.out.println("ACK " + n + " 100 " + first + " " + (r.appended() == 100));
              System.out.flush();
            }
          }
        } catch (Exception e) {
          e.printStackTrace();
        }
      });
      threads[t].start();
    }
    System.out.println("STARTED");
    System.out.flush();
    for (Thread t : threads) {
      t.join();
    }
  }
}
