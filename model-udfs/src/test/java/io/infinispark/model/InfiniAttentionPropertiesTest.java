package io.infinispark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Properties the paper's equations imply, each checked on the DJL model. */
class InfiniAttentionPropertiesTest {
  private static NDManager base;
  private final Random random = new Random();

  @BeforeAll
  static void open() {
    base = NDManager.newBaseManager(Device.cpu());
  }

  @AfterAll
  static void close() {
    base.close();
  }

  @Test
  void stateSizeIsTheSameAfterSegmentsOneSixtyFourAndTwoHundred() {
    ModelConfig config = TestModels.tiny(MemoryRule.DELTA);
    try (InfiniTransformer model = TestModels.load(TestModels.randomWeights(config, random));
        MemoryState state = model.newState(base, 1)) {
      TestModels.step(model, base, tokens(config), state);
      List<Shape> afterOne = state.shapes();
      long bytesAfterOne = state.sizeInBytes();
      for (int s = 1; s < 200; s++) {
        TestModels.step(model, base, tokens(config), state);
        if (s == 63 || s == 199) {
          assertEquals(afterOne, state.shapes(), "after segment " + (s + 1));
          assertEquals(bytesAfterOne, state.sizeInBytes(), "after segment " + (s + 1));
        }
      }
      assertEquals(
          2L * config.nLayers() * config.nKvHeads() * config.dHead() * (config.dHead() + 1),
          bytesAfterOne / 2);
    }
  }

  @Test
  void deltaRuleLeavesMemoryUnchangedWhenTheSameBindingIsWrittenTwice() {
    float[] once = writeOneTokenTwice(MemoryRule.DELTA, 1);
    float[] twice = writeOneTokenTwice(MemoryRule.DELTA, 2);
    assertTrue(TestModels.maxAbsDiff(once, twice) < 1e-5 * max(once), "delta rule rewrote memory");
  }

  @Test
  void linearRuleDoublesMemoryWhenTheSameBindingIsWrittenTwice() {
    float[] once = writeOneTokenTwice(MemoryRule.LINEAR, 1);
    float[] twice = writeOneTokenTwice(MemoryRule.LINEAR, 2);
    for (int i = 0; i < once.length; i++) {
      assertEquals(2 * once[i], twice[i], 1e-5 * max(once));
    }
  }

  /** Memory M of layer 0 after writing the same single-token segment {@code times} times. */
  private float[] writeOneTokenTwice(MemoryRule rule, int times) {
    ModelConfig config = TestModels.tiny(rule);
    ModelWeights weights = TestModels.randomWeights(config, new Random(7));
    try (NDManager scope = base.newSubManager()) {
      InfiniAttention layer = LayerHarness.layer(scope, weights, 0);
      LayerMemory memory = LayerMemory.empty(scope, config, 1);
      Random inputs = new Random(11);
      float[] token = new float[config.dModel()];
      for (int i = 0; i < token.length; i++) {
        token[i] = (float) inputs.nextGaussian();
      }
      NDArray x = scope.create(token, new Shape(1, 1, config.dModel()));
      for (int i = 0; i < times; i++) {
        memory = layer.forward(x, scope.ones(new Shape(1, 1, 1, 1)), memory).memory();
      }
      return memory.memory().toFloatArray();
    }
  }

  @Test
  void gateClosedOnMemoryMakesEverySegmentAPlainTransformerRunAlone() {
    ModelConfig config = TestModels.tiny(MemoryRule.DELTA);
    ModelWeights weights = TestModels.randomWeights(config, random).withGates(-100);
    try (InfiniTransformer model = TestModels.load(weights);
        MemoryState carried = model.newState(base, 1)) {
      for (int s = 0; s < 3; s++) {
        int[] tokens = tokens(config);
        float[] withMemory = TestModels.step(model, base, tokens, carried);
        try (MemoryState fresh = model.newState(base, 1)) {
          float[] alone = TestModels.step(model, base, tokens, fresh);
          assertTrue(TestModels.maxAbsDiff(withMemory, alone) < 1e-5, "segment " + s);
        }
      }
    }
  }

  @Test
  void gateOpenOnMemoryGivesZeroAttentionOnTheFirstSegment() {
    ModelConfig config = TestModels.tiny(MemoryRule.LINEAR);
    ModelWeights weights = TestModels.randomWeights(config, random).withGates(100);
    try (NDManager scope = base.newSubManager()) {
      InfiniAttention layer = LayerHarness.layer(scope, weights, 0);
      LayerMemory memory = LayerMemory.empty(scope, config, 1);
      Shape shape = new Shape(1, config.segmentLength(), config.dModel());
      NDArray keep = scope.ones(new Shape(1, 1, config.segmentLength(), 1));
      InfiniAttention.Output first = layer.forward(scope.randomNormal(shape), keep, memory);
      assertEquals(0f, first.out().abs().max().getFloat(), 1e-6f);
      InfiniAttention.Output second =
          layer.forward(scope.randomNormal(shape), keep, first.memory());
      assertTrue(second.out().abs().max().getFloat() > 1e-3f, "memory read nothing back");
    }
  }

  @Test
  void changingALaterTokenNeverChangesEarlierOutputs() {
    ModelConfig config = TestModels.tiny(MemoryRule.DELTA);
    ModelWeights weights = TestModels.randomWeights(config, random);
    int[] first = tokens(config);
    int[] second = tokens(config);
    int[] secondChanged = second.clone();
    int position = 5;
    secondChanged[position] = (second[position] + 1) % config.vocabSize();
    try (InfiniTransformer model = TestModels.load(weights);
        MemoryState a = model.newState(base, 1);
        MemoryState b = model.newState(base, 1)) {
      assertArrayEquals(
          TestModels.step(model, base, first, a), TestModels.step(model, base, first, b));
      float[] original = TestModels.step(model, base, second, a);
      float[] changed = TestModels.step(model, base, secondChanged, b);
      int v = config.vocabSize();
      for (int i = 0; i < position * v; i++) {
        assertEquals(original[i], changed[i], "position " + i / v + " saw a later token");
      }
      assertNotEquals(original[position * v], changed[position * v]);
    }
  }

  @Test
  void freshStateGivesTheSameResultAsANewRunAndResetLaneEmptiesOneLane() {
    ModelConfig config = TestModels.tiny(MemoryRule.DELTA);
    ModelWeights weights = TestModels.randomWeights(config, random);
    int[] warmUp = tokens(config);
    int[] probe = tokens(config);
    try (InfiniTransformer model = TestModels.load(weights);
        MemoryState used = model.newState(base, 2);
        MemoryState fresh = model.newState(base, 1);
        MemoryState warm = model.newState(base, 1)) {
      stepTwoLanes(model, warmUp, warmUp, used);
      TestModels.step(model, base, warmUp, warm);
      used.resetLane(0);
      float[][] lanes = stepTwoLanes(model, probe, probe, used);
      float[] fromFresh = TestModels.step(model, base, probe, fresh);
      float[] fromWarm = TestModels.step(model, base, probe, warm);
      assertTrue(
          maxAbsDifference(fromFresh, fromWarm) > 1e-3, "the warm-up must change the memory");
      assertArrayEquals(fromFresh, lanes[0], 1e-5f);
      assertArrayEquals(fromWarm, lanes[1], 1e-5f);
    }
  }

  private static double maxAbsDifference(float[] a, float[] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }

  /** One step with both lanes of a two-lane state; the logits of each lane. */
  private float[][] stepTwoLanes(
      InfiniTransformer model, int[] lane0, int[] lane1, MemoryState state) {
    try (NDManager scope = base.newSubManager()) {
      int[] both = new int[lane0.length + lane1.length];
      System.arraycopy(lane0, 0, both, 0, lane0.length);
      System.arraycopy(lane1, 0, both, lane0.length, lane1.length);
      NDArray ids = scope.create(both).reshape(2, lane0.length);
      NDArray logits = model.step(ids, scope.ones(ids.getShape()), state);
      return new float[][] {logits.get(0).toFloatArray(), logits.get(1).toFloatArray()};
    }
  }

  @Test
  void emptyMemoryAndTwoThousandSegmentsOfRandomTokensStayFinite() {
    ModelConfig config = TestModels.tiny(MemoryRule.DELTA);
    try (InfiniTransformer model = TestModels.load(TestModels.randomWeights(config, random));
        MemoryState state = model.newState(base, 1)) {
      for (int s = 0; s < 2000; s++) {
        float[] logits = TestModels.step(model, base, tokens(config), state);
        if (s == 0 || s % 500 == 499) {
          assertAllFinite(logits, "logits at segment " + s);
          for (int layer = 0; layer < config.nLayers(); layer++) {
            assertAllFinite(state.layer(layer).memory().toFloatArray(), "M at segment " + s);
            assertAllFinite(state.layer(layer).norm().toFloatArray(), "z at segment " + s);
          }
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(MemoryRule.class)
  void paddedBatchOfUnevenDocumentsMatchesOneDocumentAtATime(MemoryRule rule) {
    ModelConfig config = TestModels.tiny(rule);
    int t = config.segmentLength();
    ModelWeights weights = TestModels.randomWeights(config, random);
    int[][] lengths = {{t, t, 3}, {t, 5}, {t, t, t}}; // segment lengths per document
    try (InfiniTransformer model = TestModels.load(weights);
        MemoryState batch = model.newState(base, 3)) {
      int[][][] docs = new int[3][][];
      for (int d = 0; d < 3; d++) {
        docs[d] = new int[lengths[d].length][];
        for (int s = 0; s < lengths[d].length; s++) {
          docs[d][s] = TestModels.randomTokens(random, config.vocabSize(), lengths[d][s]);
        }
      }
      float[][][] batched = new float[3][3][];
      for (int s = 0; s < 3; s++) {
        int[] ids = new int[3 * t];
        float[] keep = new float[3 * t];
        for (int d = 0; d < 3; d++) {
          if (s < docs[d].length) {
            System.arraycopy(docs[d][s], 0, ids, d * t, docs[d][s].length);
            java.util.Arrays.fill(keep, d * t, d * t + docs[d][s].length, 1f);
          }
        }
        try (NDManager scope = base.newSubManager()) {
          NDArray logits =
              model.step(
                  scope.create(ids, new Shape(3, t)), scope.create(keep, new Shape(3, t)), batch);
          for (int d = 0; d < 3; d++) {
            if (s < docs[d].length) {
              batched[d][s] = logits.get(d).get("0:" + docs[d][s].length).toFloatArray();
            }
          }
        }
      }
      for (int d = 0; d < 3; d++) {
        try (MemoryState alone = model.newState(base, 1)) {
          for (int s = 0; s < docs[d].length; s++) {
            float[] expected = TestModels.step(model, base, docs[d][s], alone);
            assertTrue(
                TestModels.maxAbsDiff(expected, batched[d][s]) < 1e-4,
                "document " + d + " segment " + s + " differs when batched");
          }
        }
      }
    }
  }

  @Test
  void float16WeightsKeepAFloat32MemoryAndStayCloseToFloat32() {
    ModelConfig config = TestModels.tiny(MemoryRule.DELTA);
    ModelWeights weights = TestModels.randomWeights(config, random);
    int[] tokens = tokens(config);
    try (InfiniTransformer full = TestModels.load(weights);
        InfiniTransformer half = InfiniTransformer.load(weights, Device.cpu(), DataType.FLOAT16);
        MemoryState a = full.newState(base, 1);
        MemoryState b = half.newState(base, 1)) {
      float[] expected = TestModels.step(full, base, tokens, a);
      float[] actual = TestModels.step(half, base, tokens, b);
      assertEquals(DataType.FLOAT32, b.layer(0).memory().getDataType());
      assertEquals(DataType.FLOAT32, b.layer(0).norm().getDataType());
      double error = TestModels.relativeError(toDouble(expected), actual);
      assertTrue(error < 2e-2, "float16 logits off by " + error);
    }
  }

  @Test
  void bfloat16OnCpuIsRefusedWithAMessageInsteadOfCrashingTheJvm() {
    ModelWeights weights = TestModels.randomWeights(TestModels.tiny(MemoryRule.DELTA), random);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> InfiniTransformer.load(weights, Device.cpu(), DataType.BFLOAT16));
    assertTrue(e.getMessage().contains("bfloat16 needs a GPU"), e.getMessage());
  }

  private int[] tokens(ModelConfig config) {
    return TestModels.randomTokens(random, config.vocabSize(), config.segmentLength());
  }

  private static float max(float[] x) {
    float m = 0;
    for (float v : x) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }

  private static double[] toDouble(float[] x) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i];
    }
    return out;
  }

  private static void assertAllFinite(float[] values, String what) {
    for (float v : values) {
      assertTrue(Float.isFinite(v), what + " has " + v);
    }
  }
}
