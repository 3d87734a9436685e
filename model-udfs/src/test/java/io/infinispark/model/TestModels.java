package io.infinispark.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Tiny configs ("baby" models) and helpers shared by the model tests. */
final class TestModels {
  private TestModels() {}

  static ModelConfig tiny(MemoryRule rule) {
    return new ModelConfig(32, 16, 2, 2, 2, 8, 24, 8, rule, 10000, 1e-5, true, 0);
  }

  /** Grouped-query attention: 4 query heads share 2 key/value heads (and memories). */
  static ModelConfig tinyGqa(MemoryRule rule) {
    return new ModelConfig(32, 16, 2, 4, 2, 4, 24, 8, rule, 10000, 1e-5, false, 0);
  }

  /**
   * Weights at a scale where every part of the model matters (unlike the 0.02 training init, whose
   * activations are too small to expose a wrong formula): projections ~ N(0, 1/fan_in), norms near
   * 1, gates spread around 0.
   */
  static ModelWeights randomWeights(ModelConfig c, Random random) {
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    for (WeightNames.Spec spec : WeightNames.expected(c)) {
      int size = Arrays.stream(spec.shape()).reduce(1, (a, b) -> a * b);
      float[] data = new float[size];
      String name = spec.name();
      for (int i = 0; i < size; i++) {
        double g = random.nextGaussian();
        if (name.endsWith("norm.weight")) {
          data[i] = (float) (1 + 0.1 * g);
        } else if (name.endsWith("memory_gate")) {
          data[i] = (float) (1.5 * g);
        } else if (name.equals(WeightNames.EMBED)) {
          data[i] = (float) g;
        } else {
          data[i] = (float) (g / Math.sqrt(spec.shape()[spec.shape().length - 1]));
        }
      }
      tensors.put(name, new HostTensor(spec.shape(), data));
    }
    return new ModelWeights(c, tensors, "test-random");
  }

  static InfiniTransformer load(ModelWeights w) {
    return InfiniTransformer.load(w, Device.cpu(), DataType.FLOAT32);
  }

  static int[] randomTokens(Random random, int vocab, int length) {
    int[] tokens = new int[length];
    for (int i = 0; i < length; i++) {
      tokens[i] = random.nextInt(vocab);
    }
    return tokens;
  }

  /** One unpadded segment for a single lane; returns the logits as [T·V] floats. */
  static float[] step(InfiniTransformer model, NDManager base, int[] tokens, MemoryState state) {
    try (NDManager scope = base.newSubManager()) {
      NDArray ids = scope.create(tokens).reshape(1, tokens.length);
      NDArray keep = scope.ones(ids.getShape());
      return model.step(ids, keep, state).toFloatArray();
    }
  }

  static double relativeError(double[] expected, float[] actual) {
    if (expected.length != actual.length) {
      throw new AssertionError("length " + actual.length + " != expected " + expected.length);
    }
    double diff = 0;
    double ref = 0;
    for (int i = 0; i < expected.length; i++) {
      diff += (expected[i] - actual[i]) * (expected[i] - actual[i]);
      ref += expected[i] * expected[i];
    }
    return Math.sqrt(diff / Math.max(ref, 1e-300));
  }

  static double maxAbsDiff(float[] a, float[] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }

  static double[] flatten(double[][] x) {
    return Arrays.stream(x).flatMapToDouble(Arrays::stream).toArray();
  }

  static double[] flatten(double[][][] x) {
    return Arrays.stream(x).flatMapToDouble(m -> Arrays.stream(flatten(m))).toArray();
  }

  /**
   * Reads {@code docs} (by id, in id order, {@code lanes} to a batch) through {@code recurrence} in
   * the order the recur stage feeds it: (batch, segment, document).
   */
  static java.util.List<SegmentScore> read(
      Recurrence recurrence, java.util.Map<String, int[]> docs, int lanes, int segmentLength) {
    java.util.List<String> ids = new java.util.ArrayList<>(docs.keySet());
    ids.sort(null);
    java.util.List<SegmentInput> inputs = new java.util.ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      int[] doc = docs.get(ids.get(i));
      int n = (doc.length + segmentLength - 1) / segmentLength;
      for (int s = 0; s < n; s++) {
        int[] tokens =
            java.util.Arrays.copyOfRange(
                doc, s * segmentLength, Math.min(doc.length, (s + 1) * segmentLength));
        inputs.add(new SegmentInput(ids.get(i), s, n, tokens, i / lanes));
      }
    }
    inputs.sort(
        java.util.Comparator.comparingLong(SegmentInput::batchId)
            .thenComparingInt(SegmentInput::segIdx)
            .thenComparing(SegmentInput::docId));
    java.util.List<SegmentScore> out = new java.util.ArrayList<>();
    recurrence.run(inputs.iterator()).forEachRemaining(out::add);
    return out;
  }
}
