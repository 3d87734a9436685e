package io.infinispark.train;

/**
 * One lane of a batch: {@code tokens} are read in order, each predicting the next. Plain text has
 * no answer ({@code answerLength == 0}); a passkey example ends with its answer, whose tokens are
 * scored apart from the text.
 *
 * @param answerStart index in {@code tokens} of the answer's first token
 */
public record TrainingExample(int[] tokens, int answerStart, int answerLength) {

  public static TrainingExample text(int[] tokens) {
    return new TrainingExample(tokens, tokens.length, 0);
  }

  public TrainingExample {
    if (answerStart < 1 || answerStart + answerLength > tokens.length) {
      throw new IllegalArgumentException(
          "answer ["
              + answerStart
              + ", +"
              + answerLength
              + ") outside "
              + tokens.length
              + " tokens");
    }
  }

  boolean isAnswer(int index) {
    return index >= answerStart && index < answerStart + answerLength;
  }
}
