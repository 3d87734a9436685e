package io.infinispark.report;

/** The summary statistics the report and the benchmarks share. */
public final class Stats {
  private Stats() {}

  /**
   * The median of values sorted ascending (the mean of the middle two for an even count; 0 if
   * none).
   */
  public static double median(double[] sorted) {
    if (sorted.length == 0) {
      return 0;
    }
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }
}
