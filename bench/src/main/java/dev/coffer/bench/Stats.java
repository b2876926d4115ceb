package dev.coffer.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The median, min and max of several runs of one measurement, and the runs themselves.
 *
 * @param median the median (the mean of the two middle values for an even count)
 * @param min the smallest run
 * @param max the largest run
 * @param runs every run, in the order measured
 */
public record Stats(double median, double min, double max, List<Double> runs) {

  public Stats {
    runs = List.copyOf(runs);
  }

  /** The statistics of {@code values}; at least one value. */
  public static Stats of(List<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("values must not be empty");
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    return new Stats(median, sorted.get(0), sorted.get(n - 1), values);
  }

  /** One value measured once. */
  public static Stats single(double value) {
    return of(List.of(value));
  }

  /** The {@code q}-quantile (0..1) of {@code values} by the nearest-rank method. */
  public static double quantile(List<Double> values, double q) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int rank = (int) Math.ceil(q * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }
}
