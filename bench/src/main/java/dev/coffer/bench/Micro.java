package dev.coffer.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Runs the JMH micro-benchmarks in {@code dev.coffer.bench.micro} in a forked JVM. */
final class Micro {
  private Micro() {}

  /**
   * One JMH result: the median of the measurement iterations and their min and max.
   *
   * @param name benchmark method (and parameters)
   */
  record Result(String name, String unit, Stats stats) {}

  static List<Result> run(Scale scale) throws RunnerException {
    ChainedOptionsBuilder b = new OptionsBuilder()
        .include("dev\\.coffer\\.bench\\.micro\\..*")
        .forks(1)
        .warmupIterations(scale.jmhWarmups())
        .warmupTime(TimeValue.seconds(scale.jmhSeconds()))
        .measurementIterations(scale.jmhIterations())
        .measurementTime(TimeValue.seconds(scale.jmhSeconds()))
        .jvmArgsAppend("-Xmx1g", "--enable-native-access=ALL-UNNAMED", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
        .param("leaves", scale.proofLeaves().stream().map(String::valueOf).toArray(String[]::new))
        .shouldFailOnError(true);
    List<Result> out = new ArrayList<>();
    for (RunResult r : new Runner(b.build()).run()) {
      List<Double> values = new ArrayList<>();
      r.getBenchmarkResults().forEach(br -> br.getIterationResults().forEach(
          ir -> values.add(ir.getPrimaryResult().getScore())));
      Map<String, String> params = new LinkedHashMap<>();
      for (String k : r.getParams().getParamsKeys()) {
        params.put(k, r.getParams().getParam(k));
      }
      String label = r.getParams().getBenchmark().replace("dev.coffer.bench.micro.", "")
          + (params.isEmpty() ? "" : " " + params);
      out.add(new Result(label, r.getPrimaryResult().getScoreUnit(), Stats.of(values)));
    }
    return out;
  }
}
