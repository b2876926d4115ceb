package dev.coffer.bench.micro;

import dev.coffer.connectors.whatsapp.export.ExportGenerator;
import dev.coffer.connectors.whatsapp.export.WhatsAppExportParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@code WhatsAppExportParser.parse(byte[])} alone on the file the suite's {@code parse} figure
 * uses: the 200-person Android group export in English, seed 7, 17,500 entries (the full scale's
 * growth baseline; {@code coffer generate whatsapp --messages 17500 --seed 7 --participants 200
 * --platform android --locale en} writes the same bytes). The score is entries per second, the
 * same denominator as the suite's figure.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ParseBench {
  static final int ENTRIES = 17_500;
  private byte[] text;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    Path file = Files.createTempFile("coffer-parse-bench-", ".txt");
    try {
      Files.delete(file);
      new ExportGenerator(new ExportGenerator.Options(ENTRIES, 7, ExportGenerator.Platform.ANDROID, "en",
          200, false)).write(file);
      text = Files.readAllBytes(file);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Benchmark
  @OperationsPerInvocation(ENTRIES)
  public WhatsAppExportParser.Result parse() {
    return WhatsAppExportParser.parse(text);
  }
}
