package io.infinispark.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The gradient of a two-segment loss is the same whether or not the JVM collects garbage between
 * the forward and the backward pass. DJL makes an array of a Java number operand over a direct
 * buffer and closes it after the op; where autograd keeps that array for the backward pass (a
 * product's factor, a power's exponent), the collector frees its memory first and the backward
 * reads whatever was written there since. That was the trainer's "non-finite gradient" (1e19 to ∞
 * at ~1% of steps, never reproduced by replaying the step): this test, with freed memory
 * overwritten by 1e30, failed every time before the model's constants became arrays of its own.
 */
class GradientLifetimeTest {
  private static final int LANES = 2;

  @Test
  void aGarbageCollectionBetweenForwardAndBackwardChangesNoGradient() throws Exception {
    ModelConfig config = TestModels.tiny(MemoryRule.DELTA).withMemoryKeyShift(1);
    Random random = new Random();
    ModelWeights weights = TestModels.randomWeights(config, random);
    int[] tokens =
        TestModels.randomTokens(random, config.vocabSize(), LANES * config.segmentLength());
    try (ModelParameters parameters = ModelParameters.forTraining(weights, Device.cpu())) {
      InfiniTransformer model = InfiniTransformer.over(parameters);
      Map<String, float[]> undisturbed = gradients(parameters, model, tokens, false);
      for (int attempt = 0; attempt < 3; attempt++) {
        Map<String, float[]> collected = gradients(parameters, model, tokens, true);
        for (String name : undisturbed.keySet()) {
          float[] expected = undisturbed.get(name);
          double largest = 0;
          for (float g : expected) {
            largest = Math.max(largest, Math.abs(g));
          }
          double difference = TestModels.maxAbsDiff(expected, collected.get(name));
          assertTrue(
              difference <= 1e-4 * largest + 1e-9,
              name + ": gradient moved by " + difference + " (largest " + largest + ")");
        }
      }
    }
  }

  /** d(loss)/d(weight) for every weight; the loss reads the second segment after the first. */
  private static Map<String, float[]> gradients(
      ModelParameters parameters, InfiniTransformer model, int[] tokens, boolean collect)
      throws InterruptedException {
    ModelConfig config = parameters.config();
    int t = config.segmentLength();
    Map<String, float[]> result = new LinkedHashMap<>();
    try (NDManager scope = parameters.manager().newSubManager()) {
      List<LayerMemory> memory = new ArrayList<>();
      for (int i = 0; i < config.nLayers(); i++) {
        memory.add(LayerMemory.empty(scope, config, 1));
      }
      NDArray keep = scope.ones(new Shape(1, t));
      try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
        NDArray first = scope.create(java.util.Arrays.copyOfRange(tokens, 0, t), new Shape(1, t));
        NDArray second =
            scope.create(java.util.Arrays.copyOfRange(tokens, t, 2 * t), new Shape(1, t));
        InfiniTransformer.HiddenOutput read = model.hidden(first, keep, memory);
        NDArray states = model.hidden(second, keep, read.memory()).states();
        NDArray loss = model.logits(states).logSoftmax(-1).get(new NDIndex("..., 0")).sum();
        if (collect) {
          collectAndOverwriteFreedMemory();
        }
        collector.backward(loss);
      }
      for (Map.Entry<String, NDArray> p : parameters.arrays().entrySet()) {
        NDArray gradient = p.getValue().getGradient();
        gradient.attach(scope);
        result.put(p.getKey(), gradient.toFloatArray());
        gradient.set(new NDIndex("..."), 0f);
      }
    }
    return result;
  }

  /** Frees what is unreachable, then fills small allocations with 1e30, as later ops would. */
  private static void collectAndOverwriteFreedMemory() throws InterruptedException {
    System.gc();
    Thread.sleep(50); // direct buffers are freed by the cleaner thread
    try (NDManager junk = NDManager.newBaseManager(Device.cpu())) {
      for (int i = 0; i < 20_000; i++) {
        junk.create(1e30f);
      }
    }
  }
}
