package io.infinispark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ModelWeightsTest {
  @Test
  void withGatesSetsEveryGateAndNothingElse() {
    ModelConfig config = TestModels.tiny(MemoryRule.DELTA);
    ModelWeights weights = TestModels.randomWeights(config, new Random());
    ModelWeights reset = weights.withGates(2.0);
    for (int layer = 0; layer < config.nLayers(); layer++) {
      for (float beta : reset.tensor(WeightNames.gate(layer)).data()) {
        assertEquals(2.0f, beta);
      }
      for (double share : reset.memoryShares()[layer]) {
        assertEquals(1 / (1 + Math.exp(-2.0)), share, 1e-7);
      }
    }
    assertEquals(2.0, reset.config().gateInit());
    for (String name : weights.tensors().keySet()) {
      if (!name.endsWith("memory_gate")) {
        assertSame(weights.tensor(name), reset.tensor(name), name);
      }
    }
    assertArrayEquals(
        weights.tensor(WeightNames.gate(0)).shape(), reset.tensor(WeightNames.gate(0)).shape());
  }
}
