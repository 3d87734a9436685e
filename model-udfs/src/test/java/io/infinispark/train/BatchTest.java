package io.infinispark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Which predictions a step's loss scores: every one of a text lane, only the answer of a passkey
 * lane.
 */
class BatchTest {
  @Test
  void answerWeightsCoverExactlyThePredictionsOfTheAnswerTokens() {
    SplittableRandom random = new SplittableRandom(7);
    int length = 40;
    int[] text = random.ints(length, 0, 100).toArray();
    int[] passkey = random.ints(length, 0, 100).toArray();
    int answerStart = 31;
    int answerLength = 1 + random.nextInt(5);
    double passkeyWeight = 0.5 + random.nextDouble();
    Batch batch =
        Batch.of(
            List.of(
                TrainingExample.text(text),
                TrainingExample.text(text.clone()),
                new TrainingExample(passkey, answerStart, answerLength)),
            passkeyWeight);

    for (int i = 0; i < length - 1; i++) {
      // position i predicts token i + 1
      boolean predictsAnswer = i + 1 >= answerStart && i + 1 < answerStart + answerLength;
      assertEquals(
          predictsAnswer ? passkeyWeight / answerLength : 0,
          batch.answerWeights()[2][i],
          1e-6,
          "position " + i);
      assertEquals(0, batch.textWeights()[2][i], "a passkey lane's text is not scored");
      assertEquals(1.0 / (2 * (length - 1)), batch.textWeights()[0][i], 1e-9);
      assertEquals(0, batch.answerWeights()[0][i]);
    }
    // the predictions [8, 39): text lanes score all 31; the passkey lane only its answer's
    Batch.Scored scored = batch.scored(8, length - 1);
    int segment = length - 1 - 8;
    assertEquals(2 * segment + answerLength, scored.size());
    for (int k = 0; k < scored.size(); k++) {
      int lane = scored.lanes()[k];
      int i = (int) (scored.rows()[k] - (long) lane * segment) + 8;
      int[] tokens = lane == 2 ? passkey : text;
      assertEquals(tokens[i + 1], scored.targets()[k], "row " + k + " predicts its next token");
      assertEquals(batch.textWeights()[lane][i], scored.text()[k]);
      assertEquals(batch.answerWeights()[lane][i], scored.answer()[k]);
      if (lane == 2) {
        assertTrue(i + 1 >= answerStart && i + 1 < answerStart + answerLength, "position " + i);
      }
    }
  }
}
