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
    int firstPasskey = options.lanes() - options.passkeyLanes();
    int firstRecall = firstPasskey - options.recallLanes();
    for (int lane = 0; lane < options.lanes(); lane++) {
      if (lane >= firstPasskey) {
        int boundary = answerBoundary(random);
        boolean throughMemory = throughMemory(random);
        examples.add(
            data.passkey(
                random,
                length,
                passkeyTokens(random, step, throughMemory),
                needleBefore(length, boundary, throughMemory),
                digits(random),
                boundary));
      } else if (lane >= firstRecall) {
        examples.add(recall(random, data.text(random, length).tokens().clone()));
      } else {
        examples.add(data.text(random, length));
      }
    }
    return Batch.of(examples, options.passkeyWeight());
  }

  /**
   * Text with one span written again further on, anywhere in the window: when both copies share a
   * segment local attention can copy it, otherwise only the memory can. Every token is scored, so
   * each lane gives a copy target per repeated token, where a passkey lane gives a handful.
   */
  TrainingExample recall(SplittableRandom random, int[] tokens) {
    int span = Math.min(options.recallSpan(), (tokens.length - 1) / 2);
    int source = random.nextInt(tokens.length - 2 * span);
    int target = source + span + random.nextInt(tokens.length - source - 2 * span);
    System.arraycopy(tokens, source, tokens, target, span);
    return TrainingExample.text(tokens);
  }

  /**
   * Curriculum: the longest passkey example grows from one segment (two when it must go through the
   * memory) to all K over {@code curriculumSteps}; each example's span is drawn up to that, so
   * short ones keep being seen.
   */
  int passkeyTokens(SplittableRandom random, int step, boolean throughMemory) {
    double progress = Math.min(1.0, (double) step / options.curriculumSteps());
    int fewest = throughMemory ? 2 : 1;
    int most = fewest + (int) Math.floor((options.windowSegments() - fewest) * progress);
    int segments = fewest + random.nextInt(most - fewest + 1);
    return segments * segmentLength - random.nextInt(segmentLength / 2);
  }

  /**
   * A key length in [min, max] digits; nothing drawn when they are equal (older runs reproduce).
   */
  private int digits(SplittableRandom random) {
    int min = options.passkeyMinDigits();
    int max = options.passkeyMaxDigits();
    return min == max ? min : min + random.nextInt(max - min + 1);
  }

  /**
   * Whether this example's needle must lie before the question's segment: with {@code
   * passkeyThroughMemory}, all but a {@code passkeyAnywhere} share; nothing drawn when that share
   * is 0 (older runs reproduce).
   */
  private boolean throughMemory(SplittableRandom random) {
    double anywhere = options.passkeyAnywhere();
    return options.passkeyThroughMemory() && !(anywhere > 0 && random.nextDouble() < anywhere);
  }

  /**
   * The last segment boundary for a {@code passkeyAcrossBoundary} share of the examples, else
   * {@link TrainingData#ANSWER_AT_END}; nothing drawn when the option is 0 (older runs reproduce).
   */
  private int answerBoundary(SplittableRandom random) {
    double share = options.passkeyAcrossBoundary();
    return share > 0 && random.nextDouble() < share
        ? (options.windowSegments() - 1) * segmentLength
        : TrainingData.ANSWER_AT_END;
  }

  /**
   * Through the memory, the needle must end before the question's segment: the last, or the one
   * before an answer boundary.
   */
  private int needleBefore(int length, int answerBoundary, boolean throughMemory) {
    if (!throughMemory) {
      return length;
    }
    int questionSegment =
        answerBoundary == TrainingData.ANSWER_AT_END
            ? options.windowSegments() - 1
            : answerBoundary / segmentLength - 1;
    return questionSegment * segmentLength;
  }
}
