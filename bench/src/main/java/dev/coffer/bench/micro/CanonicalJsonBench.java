package dev.coffer.bench.micro;

import dev.coffer.model.Record;
import dev.coffer.model.RecordJson;
import java.io.IOException;
import java.util.List;
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
import org.openjdk.jmh.infra.Blackhole;

/** RFC 8785 canonical JSON of real records ({@code RecordJson.canonical}), records per second. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CanonicalJsonBench {
  static final int RECORDS = 2000;
  private List<Record> records;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    records = Fixtures.records(RECORDS).subList(0, RECORDS);
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public void canonical(Blackhole bh) {
    for (Record r : records) {
      bh.consume(RecordJson.canonical(r));
    }
  }
}
