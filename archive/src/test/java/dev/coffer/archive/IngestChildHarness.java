package dev.coffer.archive;

import dev.coffer.model.Record;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Child process for {@link RandomKillTest}: starts, warms up on an in-memory archive, then waits for a
 * {@code GO} line on standard input before it opens the real archive, so the parent can start the next
 * child while the current one is still running (the JVM's start-up cost overlaps the previous round).
 * After GO it ingests until killed, with two appending threads and one blob writer. It prints one line
 * per acknowledgement, only after the call returned:
 * <pre>
 * ACK &lt;id&gt; &lt;serial&gt;      per record of an acknowledged append (duplicates name their existing serial)
 * BLOB &lt;sha256&gt;           per acknowledged putBlob
 * </pre>
 * Arguments: data directory, first message number (unique per child), seed.
 */
public final class IngestChildHarness {
  private IngestChildHarness() {}

  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[0]);
    long base = Long.parseLong(args[1]);
    long seed = Long.parseLong(args[2]);
    try (Archive warm = Archives.inMemory(ArchiveOptions.defaults())) {
      warm.append(RecordFixtures.messages(0, 10));
      warm.putBlob(new byte[] {1, 2, 3});
    }
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    out.println("READY");
    out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    if (!"GO".equals(in.readLine())) {
      return;
    }
    ArchiveOptions options = ArchiveOptions.defaults().withMaxCommitRecords(40).withIdIndexCommitRecords(300);
    Archive archive = Archives.exists(data) ? Archives.open(data, options) : Archives.create(data, options);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      long first = base + t * 100_000L;
      Random rnd = new Random(seed * 31 + t);
      threads.add(new Thread(() -> {
        try {
          long n = first;
          List<Record> previous = List.of();
          while (true) {
            int count = 1 + rnd.nextInt(30);
            List<Record> batch = new ArrayList<>(RecordFixtures.messages(n, count));
            n += count;
            if (!previous.isEmpty() && rnd.nextInt(4) == 0) {
              batch.add(previous.get(rnd.nextInt(previous.size()))); // a re-delivery: must stay one record
            }
            AppendResult r = archive.append(batch);
            StringBuilder sb = new StringBuilder();
            for (AppendResult.Outcome o : r.outcomes()) {
              sb.append("ACK ").append(o.id()).append(' ').append(o.serial()).append('\n');
            }
            synchronized (out) {
              out.print(sb);
              out.flush();
            }
            previous = batch;
          }
        } catch (Exception e) {
          e.printStackTrace();
        }
      }));
    }
    Random rnd = new Random(seed);
    threads.add(new Thread(() -> {
      try {
        while (true) {
          byte[] bytes = new byte[1 + rnd.nextInt(200_000)];
          rnd.nextBytes(bytes);
          String sha = archive.putBlob(bytes);
          synchronized (out) {
            out.println("BLOB " + sha);
            out.flush();
          }
          Thread.sleep(rnd.nextInt(20));
        }
      } catch (Exception e) {
        e.printStackTrace();
      }
    }));
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
  }
}
