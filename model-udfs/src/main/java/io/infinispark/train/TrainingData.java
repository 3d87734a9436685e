package io.infinispark.train;

import java.util.List;
import java.util.SplittableRandom;

/** Where a trainer's examples come from. Draws must depend on the random source alone. */
public interface TrainingData {

  /** {@code length} consecutive tokens of one training document. */
  TrainingExample text(SplittableRandom random, int length);

  /**
   * Exactly {@code length} tokens ending in a passkey question and its answer, the example itself
   * spanning about {@code exampleTokens} tokens (text from the corpus before it fills the rest).
   * The needle ends before window position {@code needleBefore} (pass {@code length} for anywhere);
   * its key has {@code digits} digits.
   */
  TrainingExample passkey(
      SplittableRandom random, int length, int exampleTokens, int needleBefore, int digits);

  /** Fixed held-out windows of {@code length} tokens, the same on every call. */
  List<int[]> validation(int length);
}
