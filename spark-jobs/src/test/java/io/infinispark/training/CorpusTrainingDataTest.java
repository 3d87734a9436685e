package io.infinispark.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infinispark.data.passkey.PasskeyGenerator;
import io.infinispark.data.passkey.PasskeySpec;
import io.infinispark.testing.SampleBooks;
import io.infinispark.tokenizer.TextTokenizer;
import io.infinispark.tokenizer.Tokenizers;
import io.infinispark.train.TrainingData;
import io.infinispark.train.TrainingExample;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The trainer's passkey lanes: what is scored is the key and the full stop that ends it, right
 * after the question, and nothing else.
 */
class CorpusTrainingDataTest {
  private static final int SEGMENT = 256;
  private static final int AT_END = TrainingData.ANSWER_AT_END;
  private static TextTokenizer tokenizer;

  /** 200,000 characters of a bundled book, encoded once: the tests only read it. */
  private static int[] book;

  @BeforeAll
  static void loadTokenizer() throws Exception {
    tokenizer = Tokenizers.load(Path.of("../model-udfs/models/default/tokenizer.json"));
    book = tokenizer.encode(SampleBooks.devilsDictionary().substring(0, 200_000));
  }

  /** Training data from 200,000 characters of a bundled book, passkeys in the paper's wording. */
  private static CorpusTrainingData corpusData() throws Exception {
    return corpusData(CorpusTrainingData.PasskeyBackground.FILLER);
  }

  private static CorpusTrainingData corpusData(CorpusTrainingData.PasskeyBackground background)
      throws Exception {
    PasskeyGenerator passkeys = new PasskeyGenerator(PasskeySpec.paper(), tokenizer);
    return new CorpusTrainingData(List.of(book), List.of(), passkeys, tokenizer, background);
  }

  @Test
  void inABookTheNeedleSitsOnceInCorpusTextBeforeItsLimitAndTheAnswerEndsTheWindow()
      throws Exception {
    CorpusTrainingData data = corpusData(CorpusTrainingData.PasskeyBackground.BOOK);
    SplittableRandom random = new SplittableRandom(System.nanoTime());
    String text = tokenizer.decode(book);
    for (int n = 0; n < 30; n++) {
      int window = 3 * SEGMENT + 1;
      int needleBefore = 2 * SEGMENT; // through the memory: the question's segment is the third
      TrainingExample e =
          data.passkey(random, window, 2 * SEGMENT + 100, needleBefore, 1 + n % 5, AT_END);
      int[] tokens = e.tokens();
      assertEquals(window, e.answerStart() + e.answerLength());
      String answer = tokenizer.decode(Arrays.copyOfRange(tokens, e.answerStart(), window));
      assertTrue(answer.matches(" [1-9][0-9]{0,4}\\."), answer);
      String key = answer.substring(1, answer.length() - 1);
      String needle = " The pass key is " + key + ". Remember it. " + key + " is the pass key.";
      String upToLimit = tokenizer.decode(Arrays.copyOfRange(tokens, 0, needleBefore));
      assertTrue(upToLimit.contains(needle), "needle not before token " + needleBefore);
      String before = tokenizer.decode(Arrays.copyOfRange(tokens, 0, e.answerStart()));
      assertEquals(before.indexOf(needle), before.lastIndexOf(needle), "one needle");
      assertTrue(before.endsWith(" What is the pass key? The pass key is"), before);
      // around the needle, the book itself: the window's text outside it is corpus text
      String outside = before.substring(0, before.indexOf(needle));
      String tail = outside.substring(Math.max(0, outside.length() - 40));
      assertTrue(outside.length() < 40 || text.contains(tail), "not corpus text: " + tail);
      assertFalse(before.contains("There is an important info"), "no instruction in a book");
    }
  }

  @Test
  void theAnswerIsExactlyTheKeyAndItsFullStopAfterThePassKeyIs() throws Exception {
    CorpusTrainingData data = corpusData();
    SplittableRandom random = new SplittableRandom(11);
    for (int n = 0; n < 20; n++) {
      int window = 4 * SEGMENT + 1;
      TrainingExample e =
          data.passkey(random, window, SEGMENT + random.nextInt(3 * SEGMENT), window, 5, AT_END);
      int[] tokens = e.tokens();
      assertEquals(window, tokens.length);
      assertEquals(tokens.length, e.answerStart() + e.answerLength(), "the answer ends the window");

      String answer = tokenizer.decode(Arrays.copyOfRange(tokens, e.answerStart(), tokens.length));
      String before = tokenizer.decode(Arrays.copyOfRange(tokens, 0, e.answerStart()));
      assertTrue(answer.matches(" [1-9][0-9]{4}\\."), "answer " + answer);
      assertTrue(
          before.endsWith("What is the pass key? The pass key is"),
          before.substring(before.length() - 60));
      String key = answer.substring(1, answer.length() - 1);
      String needle = "The pass key is " + key + ". Remember it. " + key + " is the pass key.";
      assertTrue(before.contains(needle), "the needle holds the same key");
      assertFalse(data.isEvaluationKey(key), "a key of the evaluation seeds was trained on");
    }
  }

  @Test
  void aNeedleThatMustGoThroughTheMemoryEndsBeforeTheQuestionsSegment() throws Exception {
    CorpusTrainingData data = corpusData();
    SplittableRandom random = new SplittableRandom(12);
    int window = 4 * SEGMENT + 1;
    int lastSegment = 3 * SEGMENT;
    int inTheSegmentBefore = 0;
    int further = 0;
    for (int n = 0; n < 30; n++) {
      int exampleTokens = (2 + random.nextInt(3)) * SEGMENT - random.nextInt(SEGMENT / 2);
      TrainingExample e = data.passkey(random, window, exampleTokens, lastSegment, 5, AT_END);
      int[] tokens = e.tokens();
      String answer = tokenizer.decode(Arrays.copyOfRange(tokens, e.answerStart(), tokens.length));
      String key = answer.substring(1, answer.length() - 1);
      String needle = "The pass key is " + key + ". Remember it. " + key + " is the pass key.";
      String early = tokenizer.decode(Arrays.copyOfRange(tokens, 0, lastSegment));
      String late = tokenizer.decode(Arrays.copyOfRange(tokens, lastSegment, e.answerStart()));
      assertTrue(
          early.contains(needle), "the whole needle is in the segments before the question's");
      assertFalse(late.contains(key), "the question's segment holds no copy of the key");
      String before = tokenizer.decode(Arrays.copyOfRange(tokens, 2 * SEGMENT, lastSegment));
      inTheSegmentBefore += before.contains(needle) ? 1 : 0;
      further +=
          tokenizer.decode(Arrays.copyOfRange(tokens, 0, 2 * SEGMENT)).contains(needle) ? 1 : 0;
    }
    assertTrue(
        inTheSegmentBefore > 0 && further > 0,
        "needles at every distance: "
            + inTheSegmentBefore
            + " one segment back, "
            + further
            + " further");
  }

  @Test
  void keysHaveTheDigitsAskedAndLongOnesAreNeverAnEvaluationKey() throws Exception {
    CorpusTrainingData data = corpusData();
    SplittableRandom random = new SplittableRandom(13);
    int window = 2 * SEGMENT + 1;
    for (int digits : new int[] {1, 3, 5, 7, 9}) {
      for (int n = 0; n < 4; n++) {
        TrainingExample e = data.passkey(random, window, 2 * SEGMENT - 20, window, digits, AT_END);
        String answer =
            tokenizer.decode(Arrays.copyOfRange(e.tokens(), e.answerStart(), e.tokens().length));
        assertTrue(answer.matches(" [1-9][0-9]{" + (digits - 1) + "}\\."), digits + ": " + answer);
        String key = answer.substring(1, answer.length() - 1);
        String before = tokenizer.decode(Arrays.copyOfRange(e.tokens(), 0, e.answerStart()));
        assertTrue(
            before.contains("The pass key is " + key + ". Remember it."), "the needle's key");
        if (digits >= 5) {
          PasskeyGenerator evaluation =
              new PasskeyGenerator(PasskeySpec.paper().withDigits(digits), tokenizer);
          for (long seed = CorpusTrainingData.EVALUATION_SEEDS;
              seed < CorpusTrainingData.EVALUATION_SEEDS + 2_000;
              seed++) {
            assertFalse(key.equals(evaluation.key(seed)), "trained on evaluation key " + key);
          }
        }
      }
    }
  }

  @Test
  void anAnswerAcrossABoundaryHasATokenPredictedFromItAndTextAfterIt() throws Exception {
    String text = tokenizer.decode(book);
    SplittableRandom random = new SplittableRandom(System.nanoTime());
    int window = 4 * SEGMENT + 1;
    int boundary = 3 * SEGMENT;
    for (CorpusTrainingData.PasskeyBackground background :
        CorpusTrainingData.PasskeyBackground.values()) {
      CorpusTrainingData data = corpusData(background);
      boolean[] predictedFrom = new boolean[4]; // which answer token was read from the boundary
      for (int n = 0; n < 40; n++) {
        // as the sampler draws them through the memory: 2 to 3 segments, less up to half of one
        int exampleTokens = (2 + random.nextInt(2)) * SEGMENT - random.nextInt(SEGMENT / 2);
        TrainingExample e =
            data.passkey(random, window, exampleTokens, 2 * SEGMENT, 1 + n % 5, boundary);
        int[] tokens = e.tokens();
        assertEquals(window, tokens.length);
        int end = e.answerStart() + e.answerLength();
        int fromBoundary = boundary + 1 - e.answerStart(); // token i is predicted from i − 1
        assertTrue(
            fromBoundary >= 0 && fromBoundary < e.answerLength(),
            background + ": answer [" + e.answerStart() + ", " + end + ") misses " + boundary);
        predictedFrom[Math.min(fromBoundary, 3)] = true;
        String answer = tokenizer.decode(Arrays.copyOfRange(tokens, e.answerStart(), end));
        assertTrue(answer.matches(" [1-9][0-9]{0,4}\\."), background + ": " + answer);
        String key = answer.substring(1, answer.length() - 1);
        String before = tokenizer.decode(Arrays.copyOfRange(tokens, 0, e.answerStart()));
        assertTrue(before.endsWith(" What is the pass key? The pass key is"), before);
        String needle = "The pass key is " + key + ". Remember it. " + key + " is the pass key.";
        String early = tokenizer.decode(Arrays.copyOfRange(tokens, 0, 2 * SEGMENT));
        assertTrue(early.contains(needle), background + ": the needle ends before its limit");
        String after = tokenizer.decode(Arrays.copyOfRange(tokens, end, window));
        String probe = after.substring(0, Math.min(30, after.length())).strip();
        assertTrue(text.contains(probe), background + ": after the answer, corpus text: " + probe);
      }
      assertTrue(
          predictedFrom[0] && predictedFrom[1],
          background + ": both the first and a later answer token are read from the boundary");
    }
  }
}
