package io.infinispark.model;

import java.io.Serializable;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * How the next token is chosen: temperature 0 is greedy (argmax); otherwise nucleus (top-p)
 * sampling: softmax(logits / temperature), keep the most likely tokens until their probability
 * reaches topP, renormalise, draw. Seeded, so a run is reproducible.
 */
public record Sampling(double temperature, double topP, long seed) implements Serializable {
  public static final Sampling GREEDY = new Sampling(0, 1, 0);

  public Sampling {
    if (temperature < 0 || !Double.isFinite(temperature)) {
      throw new IllegalArgumentException("temperature must be ≥ 0, got " + temperature);
    }
    if (!(topP > 0 && topP <= 1)) {
      throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
    }
  }

  /** A token id from one position's logits. */
  public int choose(float[] logits, SplittableRandom random) {
    if (temperature == 0) {
      int best = 0;
      for (int i = 1; i < logits.length; i++) {
        if (logits[i] > logits[best]) {
          best = i;
        }
      }
      return best;
    }
    double max = Double.NEGATIVE_INFINITY;
    for (float l : logits) {
      max = Math.max(max, l);
    }
    double[] p = new double[logits.length];
    double total = 0;
    for (int i = 0; i < p.length; i++) {
      p[i] = Math.exp((logits[i] - max) / temperature);
      total += p[i];
    }
    Integer[] order = new Integer[p.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
    double kept = 0;
    int n = 0;
    while (n < order.length && (n == 0 || kept / total < topP)) {
      kept += p[order[n++]];
    }
    double u = random.nextDouble() * kept;
    for (int i = 0; i < n; i++) {
      u -= p[order[i]];
      if (u <= 0) {
        return order[i];
      }
    }
    return order[n - 1];
  }
}
