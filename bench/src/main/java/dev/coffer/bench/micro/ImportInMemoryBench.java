package dev.coffer.bench.micro;

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
import org.openjdk.jmh.annotations.TearDown;

/**
 * The WhatsApp export parser through its nearest public entry point: {@code ExportParser} is
 * package-private, so this imports a 5,000-entry export into a fresh in-memory archive — parse (both
 * passes), map to records, canonical JSON, SHA-256, Merkle append, in-memory id index. The score is
 * entries per second; the parser alone is faster than this.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ImportInMemoryBench {
  static final int ENTRIES = 5000;
  private Path export;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    export = Fixtures.export(ENTRIES);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    Files.deleteIfExists(export);
  }

  @Benchmark
  @OperationsPerInvocation(ENTRIES)
  public long parseAndMapInMemory() throws Exception {
    return Fixtures.importInMemory(export);
  }
}
