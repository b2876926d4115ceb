package dev.coffer.connectors.whatsapp.export;

import dev.coffer.model.Attachment;
import dev.coffer.model.Conversation;
import dev.coffer.model.ConversationKind;
import dev.coffer.model.Record;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;

/**
 * Manual measurement, not a test (surefire runs only *Test and *Properties): pass 1, pass 2 and
 * record mapping over a generated export, no archive. Prints entries per second.
 *
 * <p>{@code java -cp ... ParseThroughput FILE [MESSAGES]}: writes FILE with the generator if it is
 * missing, then measures one run.
 */
final class ParseThroughput {
  private ParseThroughput() {}

  public static void main(String[] args) throws IOException {
    Path file = Path.of(args[0]);
    long messages = args.length > 1 ? Long.parseLong(args[1]) : 1_000_000;
    if (!Files.exists(file)) {
      new ExportGenerator(ExportGenerator.Options.of(messages, 42)).write(file);
    }
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    long cpu0 = mx.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    ExportParser.Scan scan;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      scan = ExportParser.scan(in, null, ExportParser.Limits.DEFAULT);
    }
    long t1 = System.nanoTime();
    Conversation c = new Conversation(RecordMapper.conversationId(null, "bench"),
        scan.group() ? ConversationKind.GROUP : ConversationKind.DIRECT, "bench");
    RecordMapper mapper = new RecordMapper(c, "0".repeat(64), new LocalTimes(ZoneId.of("UTC")),
        new Parties(null, null), new RecordMapper.Media() {
          @Override
          public Attachment attachment(Entry.MediaRef ref) {
            return WhatsAppExportImporter.withoutBytes(ref);
          }

          @Override
          public List<String> vcardPhones(String sha256) {
            return List.of();
          }
        });
    long[] count = {0};
    long[] hash = {0};
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      new ExportParser(scan.decision(), ExportParser.Limits.DEFAULT).parse(in, e -> {
        try {
          Record r = mapper.map(e, mapper.occurrence(e));
          hash[0] += r.id().hashCode();
          count[0]++;
        } catch (IOException x) {
          throw new UncheckedIOException(x);
        }
      });
    }
    long t2 = System.nanoTime();
    long cpu = mx.getCurrentThreadCpuTime() - cpu0;
    System.out.printf("entries %d, pass1 %.2f s, pass2+map %.2f s, total %.2f s, %.0f entries/s;"
            + " main thread CPU %.2f s, %.0f entries per CPU second (check %d)%n", count[0],
        (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t2 - t0) / 1e9, count[0] / ((t2 - t0) / 1e9),
        cpu / 1e9, count[0] / (cpu / 1e9), hash[0]);
  }
}
