package io.infinispark.summary;

import java.util.List;

/**
 * The model-guided extractive summary: sentences ranked by how much the compressive memory helped
 * the model predict them, i.e. the mean over a sentence's tokens of
 *
 * <pre>gain = −log p(token | memory reset) − (−log p(token | memory carried))</pre>
 *
 * <p>A sentence with a high gain is one the book's earlier pages made predictable beyond its own
 * segment: it names the people, places and ideas the book keeps returning to. That is the
 * "similarity to what the memory holds" the model itself measures while reading, and it is what a
 * summary should keep; plain surprisal, the other candidate, favours odd and unpredictable
 * sentences (numbers, lists, foreign words), which are the opposite of central. Sentences in a
 * document's first segment gain nothing (the memory is still empty) and are chosen only where a
 * part of the budget has nothing better.
 */
public final class MemoryGainSummary {
  private MemoryGainSummary() {}

  /**
   * @param tokenEnds where each token ends in {@code text} (UTF-16), from the tokenizer
   * @param nllCarried −log p per token with the memory carried (NaN where not scored)
   * @param nllReset the same with the memory emptied at every segment
   */
  public static List<Extractive.Sentence> summarize(
      String text, int[] tokenEnds, float[] nllCarried, float[] nllReset, int words) {
    List<Extractive.Sentence> sentences = Prose.of(text).sentences();
    return Extractive.choose(
        sentences, sentenceGain(sentences, tokenEnds, nllCarried, nllReset), words);
  }

  /** Mean memory gain of the tokens ending inside each sentence; −∞ for a sentence with none. */
  static double[] sentenceGain(
      List<Extractive.Sentence> sentences, int[] tokenEnds, float[] nllCarried, float[] nllReset) {
    if (tokenEnds.length != nllCarried.length || tokenEnds.length != nllReset.length) {
      throw new IllegalArgumentException(
          "token counts differ: "
              + tokenEnds.length
              + " ends, "
              + nllCarried.length
              + " and "
              + nllReset.length
              + " scores");
    }
    double[] gain = new double[sentences.size()];
    int token = 0;
    for (int s = 0; s < sentences.size(); s++) {
      Extractive.Sentence sentence = sentences.get(s);
      while (token < tokenEnds.length && tokenEnds[token] <= sentence.start()) {
        token++;
      }
      double sum = 0;
      int n = 0;
      for (; token < tokenEnds.length && tokenEnds[token] <= sentence.end(); token++) {
        double g = (double) nllReset[token] - nllCarried[token];
        if (!Double.isNaN(g)) {
          sum += g;
          n++;
        }
      }
      gain[s] = n == 0 ? Double.NEGATIVE_INFINITY : sum / n;
    }
    return gain;
  }
}
