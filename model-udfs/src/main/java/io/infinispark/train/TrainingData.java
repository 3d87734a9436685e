package io.infinispark.train;

import java.util.List;
import java.util.SplittableRandom;

/** Where a trainer's examples come from. Draws must depend on the random source alone. */
public interface TrainingData {

  /** {@code length} consecutive tokens of one training document. */
  TrainingExample text(SplittableRandom random, int length);

  /** {@code answerBoundary} of an answer that ends the window. */
  int ANSWER_AT_END = -1;

  /**
   * Exactly {@code length} tokens holding a passkey question and its answer, the example itself
   * spanning about {@code exampleTokens} tokens (text from the corpus before it fills the rest).
   * The needle ends before window position {@code needleBefore} (pass {@code length} for anywhere);
   * its key has {@code digits} digits. The answer ends the window ({@link #ANSWER_AT_END}), or one
   * of its tokens is predicted from window position {@code answerBoundary}, the first of a segment
   * — as at inference when a question ends a segment, that token is read with only the memory
   * behind it — and unscored text follows the answer.
   */
  TrainingExample passkey(
      SplittableRandom random,
      int length,
      int exampleTokens,
      int needleBefore,
      int digits,
      int answerBoundary);

  /** Fixed held-out windows of {@code length} tokens, the same on every call. */
  List<int[]> validation(int length);
}
