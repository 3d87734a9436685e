package io.infinispark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SamplingTest {
  private static final float[] LOGITS = {2.0f, 1.0f, 0.5f, -1.0f, 0.0f};

  /** softmax(logits / t) in float64. */
  private static double[] softmax(double t) {
    double[] p = new double[LOGITS.length];
    double total = 0;
    for (int i = 0; i < p.length; i++) {
      total += p[i] = Math.exp(LOGITS[i] / t);
    }
    for (int i = 0; i < p.length; i++) {
      p[i] /= total;
    }
    return p;
  }

  @Test
  void temperatureZeroIsArgmaxAndATinyTopPKeepsOnlyTheBestToken() {
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < 100; i++) {
      assertEquals(0, Sampling.GREEDY.choose(LOGITS, random));
      assertEquals(0, new Sampling(1.5, 1e-6, 0).choose(LOGITS, random));
    }
  }

  @Test
  void drawsFollowTheTemperedSoftmaxAndTopPDropsTheTail() {
    for (double t : new double[] {0.7, 1.0, 2.0}) {
      double[] expected = softmax(t);
      int[] counts = new int[LOGITS.length];
      SplittableRandom random = new SplittableRandom(42);
      int n = 200_000;
      for (int i = 0; i < n; i++) {
        counts[new Sampling(t, 1, 0).choose(LOGITS, random)]++;
      }
      for (int k = 0; k < LOGITS.length; k++) {
        double sd = Math.sqrt(expected[k] * (1 - expected[k]) / n);
        assertEquals(expected[k], counts[k] / (double) n, 5 * sd + 1e-4, "t=" + t + " token " + k);
      }
    }
    // top-p 0.8 at t = 1: tokens 0 (0.563) and 1 (0.207) reach 0.770 < 0.8, so token 2 joins; 3 and
    // 4 never
    double[] p = softmax(1);
    int[] counts = new int[LOGITS.length];
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 100_000; i++) {
      counts[new Sampling(1, 0.8, 0).choose(LOGITS, random)]++;
    }
    assertEquals(0, counts[3] + counts[4]);
    double kept = p[0] + p[1] + p[2];
    assertEquals(p[2] / kept, counts[2] / 100_000.0, 0.01);
  }

  @Test
  void badSettingsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new Sampling(-1, 1, 0));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new Sampling(1, 0, 0));
    assertTrue(e.getMessage().contains("top-p"), e.getMessage());
  }
}
