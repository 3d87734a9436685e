package io.infinispark.train;

import java.util.List;

/**
 * One optimisation step's examples, all of the same length, and the loss weight of every
 * prediction: position i of a lane predicts token i + 1. Plain-text lanes score every token and
 * share weight 1 between them; passkey lanes score only their answers, which share {@code
 * passkeyWeight}. The loss is then mean text NLL + passkeyWeight · mean answer NLL.
 */
record Batch(List<TrainingExample> examples, float[][] textWeights, float[][] answerWeights) {

  static Batch of(List<TrainingExample> examples, double passkeyWeight) {
    int lanes = examples.size();
    int predictions = examples.get(0).tokens().length - 1;
    long textTargets = 0;
    long answerTargets = 0;
    for (TrainingExample e : examples) {
      if (e.answerLength() == 0) {
        textTargets += predictions;
      } else {
        answerTargets += e.answerLength();
      }
    }
    float[][] text = new float[lanes][predictions];
    float[][] answer = new float[lanes][predictions];
    for (int lane = 0; lane < lanes; lane++) {
      TrainingExample e = examples.get(lane);
      if (e.tokens().length != predictions + 1) {
        throw new IllegalArgumentException("examples of one batch must have equal lengths");
      }
      for (int i = 0; i < predictions; i++) {
        if (e.answerLength() == 0) {
          text[lane][i] = 1f / textTargets;
        } else if (e.isAnswer(i + 1)) {
          answer[lane][i] = (float) (passkeyWeight / answerTargets);
        }
      }
    }
    return new Batch(List.copyOf(examples), text, answer);
  }

  int lanes() {
    return examples.size();
  }

  /** Tokens [from, to) of every lane, row-major (lanes, to − from). */
  int[] tokens(int from, int to) {
    int[] out = new int[lanes() * (to - from)];
    for (int lane = 0; lane < lanes(); lane++) {
      System.arraycopy(examples.get(lane).tokens(), from, out, lane * (to - from), to - from);
    }
    return out;
  }

  /**
   * The predictions of positions [from, to) that carry loss weight, each as its row in the
   * segment's flattened (lanes · (to − from)) positions, its lane, target and two weights. A
   * passkey lane scores only its answer, so most of a segment's positions need no logits at all.
   */
  record Scored(long[] rows, int[] lanes, long[] targets, float[] text, float[] answer) {
    int size() {
      return rows.length;
    }
  }

  private boolean isScored(int lane, int position) {
    return textWeights[lane][position] > 0 || answerWeights[lane][position] > 0;
  }

  Scored scored(int from, int to) {
    int width = to - from;
    int n = 0;
    for (int lane = 0; lane < lanes(); lane++) {
      for (int i = from; i < to; i++) {
        if (isScored(lane, i)) {
          n++;
        }
      }
    }
    Scored out = new Scored(new long[n], new int[n], new long[n], new float[n], new float[n]);
    int k = 0;
    for (int lane = 0; lane < lanes(); lane++) {
      int[] tokens = examples.get(lane).tokens();
      for (int i = from; i < to; i++) {
        if (isScored(lane, i)) {
          out.rows[k] = (long) lane * width + i - from;
          out.lanes[k] = lane;
          out.targets[k] = tokens[i + 1];
          out.text[k] = textWeights[lane][i];
          out.answer[k] = answerWeights[lane][i];
          k++;
        }
      }
    }
    return out;
  }
}
