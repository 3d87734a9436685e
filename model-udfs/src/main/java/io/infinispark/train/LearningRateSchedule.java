package io.infinispark.train;

/** Linear warm-up to the peak, then cosine decay to {@code minRatio}·peak at the last step. */
record LearningRateSchedule(double peak, int warmupSteps, int totalSteps, double minRatio) {

  double at(int step) {
    if (step < warmupSteps) {
      return peak * (step + 1) / warmupSteps;
    }
    double progress =
        Math.min(1.0, (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
    double cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
    return peak * (minRatio + (1 - minRatio) * cosine);
  }
}
