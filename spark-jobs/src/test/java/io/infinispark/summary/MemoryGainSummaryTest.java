package io.infinispark.summary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MemoryGainSummaryTest {
  static final String TEXT =
      "Ahab hunts the white whale across every ocean of the world. "
          + "The cook makes a stew of salted pork and hard biscuits for supper. "
          + "Ishmael signs on to the Pequod in Nantucket with his friend. "
          + "The white whale, Moby Dick, took Ahab's leg and Ahab swore revenge.";

  /** Cuts the text into pieces of 1–6 characters, as a tokenizer's ends would. */
  static int[] randomEnds(Random random, String text) {
    List<Integer> ends = new ArrayList<>();
    int at = 0;
    while (at < text.length()) {
      at = Math.min(text.length(), at + 1 + random.nextInt(6));
      ends.add(at);
    }
    return ends.stream().mapToInt(Integer::intValue).toArray();
  }

  @Test
  void eachSentenceGetsTheMeanGainOfTheTokensEndingInsideIt() {
    Random random = new Random();
    int[] ends = randomEnds(random, TEXT);
    float[] carried = new float[ends.length];
    float[] reset = new float[ends.length];
    for (int i = 0; i < ends.length; i++) {
      carried[i] = 1 + 5 * random.nextFloat();
      reset[i] = carried[i] + 3 * random.nextFloat() - 1;
    }
    carried[0] = reset[0] = Float.NaN; // a document's first token is not scored
    List<Extractive.Sentence> sentences = Prose.of(TEXT).sentences();
    double[] gain = MemoryGainSummary.sentenceGain(sentences, ends, carried, reset);
    assertEquals(4, gain.length);
    for (int s = 0; s < sentences.size(); s++) {
      double sum = 0;
      int n = 0;
      for (int i = 1; i < ends.length; i++) {
        // a token belongs to the sentence its last character is in
        int last = ends[i] - 1;
        if (last >= sentences.get(s).start() && last < sentences.get(s).end()) {
          sum += (double) reset[i] - carried[i];
          n++;
        }
      }
      assertEquals(sum / n, gain[s], 1e-9, "sentence " + s);
    }
  }

  @Test
  void theSentencesTheMemoryHelpedMostAreChosenInDocumentOrder() {
    Random random = new Random();
    int[] ends = randomEnds(random, TEXT);
    List<Extractive.Sentence> sentences = Prose.of(TEXT).sentences();
    float[] carried = new float[ends.length];
    float[] reset = new float[ends.length];
    double[] helped = {2.0, 0.1, 0.3, 1.5}; // the two Ahab sentences gained most
    for (int i = 0; i < ends.length; i++) {
      int s = 0;
      while (s < 3 && ends[i] - 1 >= sentences.get(s + 1).start()) {
        s++;
      }
      carried[i] = 3;
      reset[i] = (float) (3 + helped[s]);
    }
    // a budget of about 25 words: one part, room for two sentences
    List<Extractive.Sentence> chosen = MemoryGainSummary.summarize(TEXT, ends, carried, reset, 25);
    assertEquals(List.of(sentences.get(0), sentences.get(3)), chosen);
  }

  @Test
  void scoresOfAnotherLengthAreRefused() {
    int[] ends = {5, 10};
    assertThrows(
        IllegalArgumentException.class,
        () ->
            MemoryGainSummary.sentenceGain(
                Prose.of(TEXT).sentences(), ends, new float[2], new float[3]));
  }
}
