package io.infinispark.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The DJL model against the float64 reference, on fresh random weights and tokens every run. */
class InfiniTransformerReferenceTest {
  private static final double TOLERANCE = 1e-4;

  static Stream<Arguments> configs() {
    return Stream.of(MemoryRule.values())
        .flatMap(
            rule ->
                Stream.of(
                    Arguments.of("mha", TestModels.tiny(rule)),
                    Arguments.of("gqa", TestModels.tinyGqa(rule)),
                    Arguments.of("key shift", TestModels.tiny(rule).withMemoryKeyShift(0.7))));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("configs")
  void logitsAndMemoryMatchFloat64ReferenceOverFourSegments(String kind, ModelConfig config) {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    ModelWeights weights = TestModels.randomWeights(config, random);
    ReferenceModel reference = new ReferenceModel(weights);
    try (InfiniTransformer model = TestModels.load(weights);
        NDManager base = NDManager.newBaseManager(Device.cpu());
        MemoryState state = model.newState(base, 1)) {
      for (int segment = 0; segment < 4; segment++) {
        int[] tokens = TestModels.randomTokens(random, config.vocabSize(), config.segmentLength());
        float[] logits = TestModels.step(model, base, tokens, state);
        double[] expected = TestModels.flatten(reference.step(tokens));
        assertClose(expected, logits, "logits, segment " + segment, seed);
        for (int layer = 0; layer < config.nLayers(); layer++) {
          LayerMemory memory = state.layer(layer);
          assertClose(
              TestModels.flatten(reference.memory[layer]),
              memory.memory().toFloatArray(),
              "M, layer " + layer + ", segment " + segment,
              seed);
          assertClose(
              TestModels.flatten(reference.norm[layer]),
              memory.norm().toFloatArray(),
              "z, layer " + layer + ", segment " + segment,
              seed);
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("rules")
  void oneLayerMatchesFloat64ReferenceOverThreeSegments(MemoryRule rule) {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    ModelConfig config = TestModels.tiny(rule);
    ModelWeights weights = TestModels.randomWeights(config, random);
    ReferenceModel reference = new ReferenceModel(weights);
    int t = config.segmentLength();
    try (NDManager base = NDManager.newBaseManager(Device.cpu())) {
      InfiniAttention layer = LayerHarness.layer(base, weights, 0);
      LayerMemory memory = LayerMemory.empty(base, config, 1);
      for (int segment = 0; segment < 3; segment++) {
        double[][] x = new double[t][config.dModel()];
        float[] flat = new float[t * config.dModel()];
        for (int i = 0; i < t; i++) {
          for (int j = 0; j < config.dModel(); j++) {
            x[i][j] = random.nextGaussian();
            flat[i * config.dModel() + j] = (float) x[i][j];
          }
        }
        double[][] expected = reference.attention(0, x);
        NDArray input = base.create(flat, new Shape(1, t, config.dModel()));
        InfiniAttention.Output out = layer.forward(input, base.ones(new Shape(1, 1, t, 1)), memory);
        memory = out.memory();
        assertClose(
            TestModels.flatten(expected), out.out().toFloatArray(), "layer out " + segment, seed);
        assertClose(
            TestModels.flatten(reference.memory[0]),
            memory.memory().toFloatArray(),
            "M " + segment,
            seed);
        assertClose(
            TestModels.flatten(reference.norm[0]),
            memory.norm().toFloatArray(),
            "z " + segment,
            seed);
      }
    }
  }

  static Stream<MemoryRule> rules() {
    return Stream.of(MemoryRule.values());
  }

  private static void assertClose(double[] expected, float[] actual, String what, long seed) {
    double error = TestModels.relativeError(expected, actual);
    assertTrue(
        error < TOLERANCE,
        what + ": relative error " + error + " ≥ " + TOLERANCE + " (seed " + seed + ")");
  }
}
