package io.infinispark.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws step {@code s}'s batch from a random source seeded by (seed, s) alone, so a run resumed at
 * step s sees exactly the batches an uninterrupted run would have.
 */
final class BatchSampler {
  private final TrainingData data;
  private final TrainOptions options;
  private final int segmentLength;

  BatchSampler(TrainingData data, TrainOptions options, int segmentLength) {
    this.data = data;
    this.options = options;
    this.segmentLength = segmentLength;
  }

  Batch batch(int step) {
    SplittableRandom random = new SplittableRandom(options.seed() * 0x9E3779B97F4A7C15L + step);
    int length = options.windowTokens(segmentLength);
    List<TrainingExample> examples = new ArrayList<>();
    for (int lane = 0; lane < options.lanes(); lane++) {
      boolean passkey = lane >= options.lanes() - options.passkeyLanes();
      examples.add(
          passkey
              ? data.passkey(random, length, passkeyTokens(random, step))
              : data.text(random, length));
    }
    return Batch.of(examples, options.passkeyWeight());
  }

  /**
   * Curriculum: the longest passkey example grows from one segment to all K over {@code
   * curriculumSteps}; each example's span is drawn up to that, so short ones keep being seen.
   */
  int passkeyTokens(SplittableRandom random, int step) {
    double progress = Math.min(1.0, (double) step / options.curriculumSteps());
    int maxSegments = 1 + (int) Math.floor((options.windowSegments() - 1) * progress);
    int segments = 1 + random.nextInt(maxSegments);
    return segments * segmentLength - random.nextInt(segmentLength / 2);
  }
}
