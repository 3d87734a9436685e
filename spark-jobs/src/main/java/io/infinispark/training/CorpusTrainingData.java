package io.infinispark.training;

import io.infinispark.data.passkey.PasskeyExample;
import io.infinispark.data.passkey.PasskeyGenerator;
import io.infinispark.tokenizer.TextTokenizer;
import io.infinispark.train.TrainingData;
import io.infinispark.train.TrainingExample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Training examples from a tokenized corpus: text windows drawn uniformly over the training split's
 * tokens, passkey examples in the evaluation's own wording (the needle's key drawn from seeds below
 * {@link #EVALUATION_SEEDS}, and never equal to a key the evaluation's first {@link #RESERVED_KEYS}
 * seeds give), and validation windows from the held-out split.
 */
public final class CorpusTrainingData implements TrainingData {
  /** Evaluation grids draw keys from seeds starting here (see {@code eval --seed}). */
  static final long EVALUATION_SEEDS = 1_000_000;

  /** Keys of this many evaluation seeds are never trained on. */
  static final int RESERVED_KEYS = 10_000;

  static final int VALIDATION_WINDOWS_PER_DOCUMENT = 2;

  private final List<int[]> train;
  private final long[] trainEnds; // cumulative token counts, for drawing a position uniformly
  private final List<int[]> heldOut;
  private final PasskeyGenerator passkeys;
  private final TextTokenizer tokenizer;
  private final Set<String> evaluationKeys = new HashSet<>();
  private final Map<Integer, PasskeyGenerator> byDigits = new HashMap<>();
  private final PasskeyBackground background;

  /**
   * What surrounds a passkey lane's needle. {@code FILLER}: the evaluation's layout (instruction,
   * the repeated filler sentences). {@code BOOK}: a window of the corpus with the needle sentence
   * written into it and the question at its end — diverse text around the needle, from which small
   * models learn to retrieve reliably where the repeated filler blocks them
   * (docs/memory-training.md §7). {@code MIXED}: each example draws one of the two.
   */
  public enum PasskeyBackground {
    FILLER,
    BOOK,
    MIXED
  }

  public CorpusTrainingData(
      List<int[]> train, List<int[]> heldOut, PasskeyGenerator passkeys, TextTokenizer tokenizer) {
    this(train, heldOut, passkeys, tokenizer, PasskeyBackground.FILLER);
  }

  public CorpusTrainingData(
      List<int[]> train,
      List<int[]> heldOut,
      PasskeyGenerator passkeys,
      TextTokenizer tokenizer,
      PasskeyBackground background) {
    if (train.isEmpty()) {
      throw new IllegalArgumentException("the corpus has no training documents");
    }
    this.train = train;
    this.heldOut = heldOut;
    this.passkeys = passkeys;
    this.tokenizer = tokenizer;
    this.background = background;
    this.trainEnds = new long[train.size()];
    long total = 0;
    for (int i = 0; i < train.size(); i++) {
      total += train.get(i).length;
      trainEnds[i] = total;
    }
    byDigits.put(passkeys.spec().digits(), reserveEvaluationKeys(passkeys));
  }

  public long trainTokens() {
    return trainEnds[trainEnds.length - 1];
  }

  /**
   * A window starting at a uniformly drawn training token; a window that would run past its
   * document's end continues into the next document, as a reader of a concatenated corpus would.
   */
  @Override
  public TrainingExample text(SplittableRandom random, int length) {
    return TrainingExample.text(window(random, length));
  }

  private int[] window(SplittableRandom random, int length) {
    int[] out = new int[length];
    long position = random.nextLong(trainTokens());
    int doc = Arrays.binarySearch(trainEnds, position + 1);
    doc = doc >= 0 ? doc : -doc - 1;
    int offset = (int) (position - (trainEnds[doc] - train.get(doc).length));
    int filled = 0;
    while (filled < length) {
      int[] tokens = train.get(doc);
      int n = Math.min(length - filled, tokens.length - offset);
      System.arraycopy(tokens, offset, out, filled, n);
      filled += n;
      doc = (doc + 1) % train.size();
      offset = 0;
    }
    return out;
  }

  /** Whether one of the reserved evaluation seeds gives this key. */
  boolean isEvaluationKey(String key) {
    return evaluationKeys.contains(key);
  }

  @Override
  public TrainingExample passkey(
      SplittableRandom random,
      int length,
      int exampleTokens,
      int needleBefore,
      int digits,
      int answerBoundary) {
    PasskeyGenerator generator = generator(digits);
    long seed;
    do {
      seed = random.nextLong(EVALUATION_SEEDS);
    } while (isEvaluationKey(generator.key(seed)));
    // with the full stop that ends the key: an answer never taught to end runs on into more digits,
    // and the harness reads the first integer ("12345" → "123456063")
    int[] answer = tokenizer.encode(generator.spec().answer(generator.key(seed)));
    int answerEnd = answerEnd(random, length, answerBoundary, answer.length);
    if (background == PasskeyBackground.BOOK
        || (background == PasskeyBackground.MIXED && random.nextBoolean())) {
      return inBook(
          random, length, answerEnd, exampleTokens, needleBefore, generator, seed, answer);
    }
    int requested = Math.min(exampleTokens, answerEnd) - answer.length;
    PasskeyExample example = generator.example(requested, random.nextDouble(), seed);
    int needle = generator.needleTokens(example.key());
    // shallower until the needle ends in time: uniform over the depths allowed, by rejection
    for (int tries = 0; needleEnd(example, answerEnd, answer, needle) > needleBefore; tries++) {
      if (tries == 64 || example.depth() == 0) {
        throw new IllegalArgumentException(
            "a passkey needle cannot end before token "
                + needleBefore
                + " of a "
                + length
                + "-token window in a "
                + exampleTokens
                + "-token example");
      }
      example = generator.example(requested, random.nextDouble() * example.depth(), seed);
    }
    int[] prompt = generator.allTokens(example);
    int prefix = answerEnd - prompt.length - answer.length;
    if (prefix < 0) {
      throw new IllegalArgumentException(
          "a passkey example needs "
              + (prompt.length + answer.length)
              + " tokens with this tokenizer, but a"
              + " training window has "
              + length
              + ": raise --window-segments or set --passkey-lanes 0");
    }
    int[] tokens = new int[length];
    System.arraycopy(window(random, prefix), 0, tokens, 0, prefix);
    System.arraycopy(prompt, 0, tokens, prefix, prompt.length);
    System.arraycopy(answer, 0, tokens, answerEnd - answer.length, answer.length);
    if (answerEnd < length) {
      System.arraycopy(
          window(random, length - answerEnd), 0, tokens, answerEnd, length - answerEnd);
    }
    return new TrainingExample(tokens, answerEnd - answer.length, answer.length);
  }

  /**
   * Where the answer ends: the window's end, or one of the answer's tokens predicted from {@code
   * boundary} (token i is predicted from position i − 1, so the answer starts 0 to n − 1 tokens
   * before boundary + 1).
   */
  static int answerEnd(SplittableRandom random, int length, int boundary, int answerTokens) {
    if (boundary == ANSWER_AT_END) {
      return length;
    }
    int start = boundary + 1 - random.nextInt(answerTokens);
    if (start < 1 || start + answerTokens > length) {
      throw new IllegalArgumentException(
          "an answer of "
              + answerTokens
              + " tokens cannot cross position "
              + boundary
              + " of a "
              + length
              + "-token window");
    }
    return start + answerTokens;
  }

  /**
   * A corpus window with the needle sentence written in at a uniform place among the example's last
   * {@code exampleTokens} tokens (ending by {@code needleBefore}) and the question and answer at
   * its end.
   */
  private TrainingExample inBook(
      SplittableRandom random,
      int length,
      int answerEnd,
      int exampleTokens,
      int needleBefore,
      PasskeyGenerator generator,
      long seed,
      int[] answer) {
    String key = generator.key(seed);
    int[] needle = generator.needleIds(key);
    int[] question = generator.questionIds();
    int questionAt = answerEnd - answer.length - question.length;
    int first = Math.max(0, answerEnd - exampleTokens);
    int last = Math.min(needleBefore, questionAt) - needle.length;
    if (last < first) {
      throw new IllegalArgumentException(
          "a passkey needle cannot end before token "
              + needleBefore
              + " of a "
              + length
              + "-token window in a "
              + exampleTokens
              + "-token example");
    }
    int[] tokens = window(random, length);
    System.arraycopy(needle, 0, tokens, first + random.nextInt(last - first + 1), needle.length);
    System.arraycopy(question, 0, tokens, questionAt, question.length);
    System.arraycopy(answer, 0, tokens, answerEnd - answer.length, answer.length);
    return new TrainingExample(tokens, answerEnd - answer.length, answer.length);
  }

  /**
   * The generator of {@code digits}-digit keys; holds out that length's evaluation keys when it
   * can.
   */
  private PasskeyGenerator generator(int digits) {
    return byDigits.computeIfAbsent(
        digits,
        n -> reserveEvaluationKeys(new PasskeyGenerator(passkeys.spec().withDigits(n), tokenizer)));
  }

  /** Records the keys of the reserved evaluation seeds for this generator's key length. */
  private PasskeyGenerator reserveEvaluationKeys(PasskeyGenerator generator) {
    // shorter keys than this are too few to hold 10,000 out: all of them are trained on
    if (9 * Math.pow(10, generator.spec().digits() - 1) >= 4.0 * RESERVED_KEYS) {
      for (long seed = EVALUATION_SEEDS; seed < EVALUATION_SEEDS + RESERVED_KEYS; seed++) {
        evaluationKeys.add(generator.key(seed));
      }
    }
    return generator;
  }

  /** Window position just past the needle, with the example placed to end in the answer. */
  private static long needleEnd(PasskeyExample example, int answerEnd, int[] answer, int needle) {
    long start = answerEnd - answer.length - example.tokens();
    return start + example.needleOffset() + needle;
  }

  /** Evenly spaced windows from every held-out document long enough to hold one. */
  @Override
  public List<int[]> validation(int length) {
    List<int[]> windows = new ArrayList<>();
    for (int[] doc : heldOut) {
      if (doc.length < length * VALIDATION_WINDOWS_PER_DOCUMENT) {
        continue;
      }
      long stride = doc.length / VALIDATION_WINDOWS_PER_DOCUMENT;
      for (int w = 0; w < VALIDATION_WINDOWS_PER_DOCUMENT; w++) {
        windows.add(Arrays.copyOfRange(doc, (int) (w * stride), (int) (w * stride) + length));
      }
    }
    return windows;
  }
}
