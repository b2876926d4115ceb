package dev.coffer.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Reads a JFR recording (settings=profile) and says where the CPU samples were: the same data as
 * {@code jfr print --events jdk.ExecutionSample x.jfr}, counted four ways — by thread (the import
 * runs parsing, group commit and search indexing on threads of their own), by top frame (self
 * time), by the first Coffer frame on the stack (which of our methods the time is under), and by the
 * package of every frame on the stack (inclusive share per area).
 */
final class Profile {
  private Profile() {}

  /**
   * Prints the summary of a recording as JSON, the way the suite reports its profile import:
   * {@code java -cp "bench/target/coffer-bench.jar:bench/target/lib/*" dev.coffer.bench.Profile X.jfr [TOP]}.
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: Profile RECORDING.jfr [TOP]");
      System.exit(2);
    }
    Map<String, Object> summary = summarize(Path.of(args[0]), args.length == 2 ? Integer.parseInt(args[1]) : 15);
    System.out.println(new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
        .writeValueAsString(summary));
  }

  static Map<String, Object> summarize(Path jfr, int top) throws IOException {
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> firstOurs = new HashMap<>();
    Map<String, Integer> inclusivePackages = new HashMap<>();
    Map<String, Integer> threads = new HashMap<>();
    int samples = 0;
    Map<String, Double> waitMs = new HashMap<>();
    Map<String, Double> waitByFrame = new HashMap<>();
    // Streamed, not RecordingFile.readAllEvents: a profile of a million-entry import holds millions of events.
    try (RecordingFile recording = new RecordingFile(jfr)) {
      while (recording.hasMoreEvents()) {
        RecordedEvent e = recording.readEvent();
        String type = e.getEventType().getName();
        if (OFF_CPU.contains(type) && e.getThread("eventThread") != null
            && "main".equals(e.getThread("eventThread").getJavaName())) {
          // Off-CPU time (fsync, parking, sleeping, monitor waits) that CPU samples cannot show.
          double ms = e.getDuration().toNanos() / 1e6;
          waitMs.merge(type, ms, Double::sum);
          if (e.getStackTrace() != null) {
            for (RecordedFrame f : e.getStackTrace().getFrames()) {
              if (f.isJavaFrame() && f.getMethod().getType().getName().startsWith("dev.coffer.")) {
                waitByFrame.merge(type + " under " + name(f), ms, Double::sum);
                break;
              }
            }
          }
          continue;
        }
        if (!type.equals("jdk.ExecutionSample")) {
          continue;
        }
        RecordedStackTrace st = e.getStackTrace();
        if (st == null || st.getFrames().isEmpty()) {
          continue;
        }
        samples++;
        threads.merge(threadName(e), 1, Integer::sum);
        List<RecordedFrame> frames = st.getFrames();
        self.merge(name(frames.get(0)), 1, Integer::sum);
        for (RecordedFrame f : frames) {
          if (f.isJavaFrame() && f.getMethod().getType().getName().startsWith("dev.coffer.")) {
            firstOurs.merge(name(f), 1, Integer::sum);
            break;
          }
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (RecordedFrame f : frames) {
          String pkg = area(f.getMethod().getType().getName());
          if (seen.add(pkg)) {
            inclusivePackages.merge(pkg, 1, Integer::sum);
          }
        }
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("samples", samples);
    out.put("threads_pct", topPct(threads, samples, top));
    out.put("top_self_frames_pct", topPct(self, samples, top));
    out.put("first_coffer_frame_pct", topPct(firstOurs, samples, top));
    out.put("inclusive_by_area_pct", topPct(inclusivePackages, samples, top));
    out.put("off_cpu_ms_by_event", round(waitMs, top));
    out.put("off_cpu_ms_by_first_coffer_frame", round(waitByFrame, top));
    return out;
  }

  /** Events with a duration that mean the importing (main) thread waited (profile.jfc records those over 10-20 ms). */
  private static final java.util.Set<String> OFF_CPU = java.util.Set.of("jdk.FileForce", "jdk.ThreadPark",
      "jdk.ThreadSleep", "jdk.JavaMonitorWait", "jdk.JavaMonitorEnter", "jdk.FileRead", "jdk.FileWrite");

  private static Map<String, Double> round(Map<String, Double> ms, int top) {
    Map<String, Double> out = new LinkedHashMap<>();
    ms.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(top)
        .forEach(en -> out.put(en.getKey(), Math.round(en.getValue() * 10) / 10.0));
    return out;
  }

  /**
   * The sampled thread's name with a trailing number dropped (Lucene's merge threads, a pool's
   * workers), so one kind of thread is one line.
   */
  private static String threadName(RecordedEvent e) {
    var t = e.getThread("sampledThread");
    String n = t == null ? "?" : t.getJavaName() != null ? t.getJavaName() : t.getOSName();
    return n == null ? "?" : n.replaceAll("[-_ #]*\\d+$", "");
  }

  private static String name(RecordedFrame f) {
    return f.getMethod().getType().getName() + "." + f.getMethod().getName();
  }

  /** A package trimmed to the level that names an area: dev.coffer.archive.segment, org.apache.lucene.index. */
  private static String area(String className) {
    String[] parts = className.split("\\.");
    int keep = className.startsWith("dev.coffer.") || className.startsWith("org.apache.lucene.") ? 4
        : className.startsWith("com.fasterxml.") ? 3 : 2;
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < Math.min(keep, parts.length - 1); i++) {
      if (i > 0) {
        b.append('.');
      }
      b.append(parts[i]);
    }
    return b.toString();
  }

  private static Map<String, Double> topPct(Map<String, Integer> counts, int total, int top) {
    Map<String, Double> out = new LinkedHashMap<>();
    counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
        .forEach(en -> out.put(en.getKey(), Math.round(1000.0 * en.getValue() / Math.max(1, total)) / 10.0));
    return out;
  }
}
