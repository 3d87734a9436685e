package io.infinispark.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Native memory has an owner: after 1,000 steps through the recurrence, with the memory carried and
 * with it reset at every segment (the ablation), the process RSS is flat. The allocator alone moves
 * RSS by up to ~70 MiB either way (seen on the 2-core build machine), so the model is sized for a
 * leak to stand far above that: one leaked logits array (64 × 4096 floats = 1 MiB) per step would
 * add about 1 GiB; the test allows 256 MiB.
 */
class NativeMemoryTest {
  @ParameterizedTest
  @EnumSource(MemoryMode.class)
  void aThousandStepsLeaveTheResidentSetFlat(MemoryMode mode) throws IOException {
    ModelConfig config =
        new ModelConfig(4096, 64, 2, 4, 4, 16, 128, 64, MemoryRule.DELTA, 10000, 1e-5, true, 0);
    Random random = new Random(3);
    try (InfiniTransformer model = TestModels.load(ModelWeights.randomInit(config, 1))) {
      read(model, 300, random, mode);
      long before = residentKiB();
      read(model, 1000, random, mode);
      long growth = residentKiB() - before;
      assertTrue(growth < 256 * 1024, mode + ": RSS grew by " + growth + " KiB over 1,000 steps");
    }
  }

  private static void read(InfiniTransformer model, int segments, Random random, MemoryMode mode) {
    int t = model.config().segmentLength();
    java.util.List<SegmentInput> inputs = new java.util.ArrayList<>();
    for (int s = 0; s < segments; s++) {
      inputs.add(new SegmentInput("doc", s, segments, TestModels.randomTokens(random, 4096, t), 0));
    }
    try (Recurrence recurrence = new Recurrence(model, 1, mode)) {
      recurrence.run(inputs.iterator()).forEachRemaining(score -> {});
    }
  }

  private static long residentKiB() throws IOException {
    System.gc();
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }
}
