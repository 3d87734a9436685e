package io.infinispark.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RougeTest {
  private static final double EPS = 1e-12;

  @Test
  void matchesTheExamplePublishedInRougeScoresReadme() {
    // rouge-score README: scorer.score('The quick brown fox jumps over the lazy dog',
    //                                  'The quick brown dog jumps on the log.') with stemming
    Rouge.Scores s =
        Rouge.score(
            "The quick brown fox jumps over the lazy dog", "The quick brown dog jumps on the log.");
    assertEquals(0.75, s.rouge1().precision(), EPS);
    assertEquals(0.6666666666666666, s.rouge1().recall(), EPS);
    assertEquals(0.7058823529411765, s.rouge1().f1(), EPS);
    assertEquals(0.625, s.rougeL().precision(), EPS);
    assertEquals(0.5555555555555556, s.rougeL().recall(), EPS);
    assertEquals(0.5882352941176471, s.rougeL().f1(), EPS);
  }

  /**
   * rouge-score's tests with stemming on, whose expected figures come from ROUGE-1.5.5 (5 places):
   * on the second pair, stemming moves ROUGE-1 recall from 0.40476 to 0.42857.
   */
  @Test
  void matchesRougeScoresOwnTestsAgainstRouge155WithStemming() throws java.io.IOException {
    List<String> targets = resourceLines("/rouge/rouge-score-target.txt");
    List<String> predictions = resourceLines("/rouge/rouge-score-prediction.txt");
    Rouge.Scores first = Rouge.score(targets.get(0), predictions.get(0));
    assertScore(0.68750, 0.40741, 0.51163, first.rouge1());
    assertScore(0.53333, 0.30769, 0.39024, first.rouge2());
    Rouge.Scores second = Rouge.score(targets.get(1), predictions.get(1));
    assertScore(0.69231, 0.42857, 0.52941, second.rouge1());
    assertScore(0.48000, 0.29268, 0.36364, second.rouge2());
  }

  private static void assertScore(double precision, double recall, double f1, Rouge.Score actual) {
    assertEquals(precision, actual.precision(), 5e-6, "precision");
    assertEquals(recall, actual.recall(), 5e-6, "recall");
    assertEquals(f1, actual.f1(), 5e-6, "F1");
  }

  private static List<String> resourceLines(String name) throws java.io.IOException {
    try (java.io.InputStream in = RougeTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
          .lines()
          .toList();
    }
  }

  @Test
  void rougeTwoOnTheSameExampleByHand() {
    // reference bigrams (8): the quick, quick brown, brown fox, fox jump, jump over, over the, the
    // lazi, lazi dog
    // candidate bigrams (7): the quick, quick brown, brown dog, dog jump, jump on, on the, the log
    // → 2 shared
    Rouge.Score s =
        Rouge.score(
                "The quick brown fox jumps over the lazy dog",
                "The quick brown dog jumps on the log.")
            .rouge2();
    assertEquals(2.0 / 7, s.precision(), EPS);
    assertEquals(2.0 / 8, s.recall(), EPS);
    assertEquals(28.0 / 105, s.f1(), EPS);
  }

  @Test
  void tokenizesLikeRougeScoreLowercaseAlphanumericStemOnlyLongTokens() {
    assertEquals(List.of("hello", "world", "42"), Rouge.tokens("Hello, WORLD!! (42)"));
    assertEquals(List.of("run", "run", "was", "it"), Rouge.tokens("running runs was it"));
    assertEquals(List.of("caf", "au", "lait"), Rouge.tokens("Café au lait")); // é is not a–z
    assertEquals(1.0, Rouge.score("cats running", "cat runs").rouge1().f1(), EPS);
  }

  @Test
  void repeatedWordsAreClippedAndEmptyTextsScoreZero() {
    Rouge.Score s = Rouge.score("the cat sat", "the the the the").rouge1();
    assertEquals(1.0 / 4, s.precision(), EPS);
    assertEquals(1.0 / 3, s.recall(), EPS);
    Rouge.Scores empty = Rouge.score("the cat sat", "");
    assertEquals(new Rouge.Score(0, 0, 0), empty.rouge1());
    assertEquals(new Rouge.Score(0, 0, 0), empty.rougeL());
    assertEquals(new Rouge.Score(0, 0, 0), Rouge.score("", "").rouge2());
  }

  @Test
  void withSeveralReferencesEachMetricTakesTheBestF1() {
    Rouge.Scores best = Rouge.best(List.of("a b c d", "x y z w"), "x y c d");
    assertEquals(0.5, best.rouge1().f1(), EPS);
    assertEquals(
        Rouge.score("x y z w", "x y c d").rouge2(), best.rouge2()); // "x y" only in the second
    assertThrows(IllegalArgumentException.class, () -> Rouge.best(List.of(), "x"));
  }

  @Test
  void lcsEqualsAnExhaustiveSearchOnRandomShortSequences() {
    Random random = new Random();
    for (int trial = 0; trial < 200; trial++) {
      List<String> a = randomWords(random, random.nextInt(9));
      List<String> b = randomWords(random, random.nextInt(9));
      long expected = bruteForceLcs(a, b);
      Rouge.Score s = Rouge.lcs(a, b);
      assertEquals(
          b.isEmpty() ? 0 : (double) expected / b.size(), s.precision(), EPS, a + " vs " + b);
    }
  }

  private static List<String> randomWords(Random random, int n) {
    List<String> words = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      words.add(String.valueOf((char) ('a' + random.nextInt(3))));
    }
    return words;
  }

  /** Longest common subsequence by trying every subsequence of a. */
  private static long bruteForceLcs(List<String> a, List<String> b) {
    long best = 0;
    for (int mask = 0; mask < 1 << a.size(); mask++) {
      List<String> sub = new ArrayList<>();
      for (int i = 0; i < a.size(); i++) {
        if ((mask >> i & 1) == 1) {
          sub.add(a.get(i));
        }
      }
      int j = 0;
      for (String w : b) {
        if (j < sub.size() && sub.get(j).equals(w)) {
          j++;
        }
      }
      if (j == sub.size()) {
        best = Math.max(best, sub.size());
      }
    }
    return best;
  }
}
