package io.infinispark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GreedyContinuationTest {
  @Test
  void everyGeneratedTokenIsTheArgmaxOfAFreshReadOfEverythingBeforeIt() {
    Random random = new Random();
    ModelConfig config = TestModels.tiny(MemoryRule.DELTA);
    ModelWeights weights = TestModels.randomWeights(config, random);
    int t = config.segmentLength();
    // two full segments, then an open one of 5 tokens: 12 new tokens cross into a fourth segment
    int[] doc = TestModels.randomTokens(random, config.vocabSize(), 2 * t + 5);
    try (InfiniTransformer model = TestModels.load(weights);
        NDManager base = NDManager.newBaseManager(Device.cpu());
        MemoryState state = model.newState(base, 1)) {
      for (int s = 0; s < 2; s++) {
        TestModels.step(model, base, Arrays.copyOfRange(doc, s * t, (s + 1) * t), state);
      }
      int[] generated = GreedyContinuation.generate(model, base, state, Arrays.copyOfRange(doc, 2 * t, doc.length), 12);
      int[] sequence = Arrays.copyOf(doc, doc.length + generated.length);
      System.arraycopy(generated, 0, sequence, doc.length, generated.length);
      for (int i = 0; i < generated.length; i++) {
        assertEquals(argmaxAfter(model, base, Arrays.copyOf(sequence, doc.length + i)), generated[i], "token " + i);
      }
    }
  }

  /** Reads the prefix from scratch, segment by segment, and takes the last position's argmax. */
  private static int argmaxAfter(InfiniTransformer model, NDManager base, int[] prefix) {
    int t = model.config().segmentLength();
    try (MemoryState fresh = model.newState(base, 1)) {
      float[] logits = null;
      for (int start = 0; start < prefix.length; start += t) {
        logits = TestModels.step(model, base, Arrays.copyOfRange(prefix, start, Math.min(prefix.length, start + t)), fresh);
      }
      int v = model.config().vocabSize();
      int last = logits.length / v - 1;
      int best = 0;
      for (int k = 1; k < v; k++) {
        if (logits[last * v + k] > logits[last * v + best]) {
          best = k;
        }
      }
      return best;
    }
  }
}
