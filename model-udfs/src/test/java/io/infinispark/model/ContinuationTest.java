package io.infinispark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ContinuationTest {
  @Test
  void everyGeneratedTokenIsTheArgmaxOfAFreshReadOfEverythingBeforeIt() {
    Random random = new Random();
    ModelConfig config = TestModels.tiny(MemoryRule.DELTA);
    ModelWeights weights = TestModels.randomWeights(config, random);
    int t = config.segmentLength();
    // two full segments, then an open one of 5 tokens: 12 new tokens cross into a fourth segment
    int[] doc = TestModels.randomTokens(random, config.vocabSize(), 2 * t + 5);
    try (InfiniTransformer model = TestModels.load(weights);
        NDManager base = NDManager.newBaseManager(Device.cpu());
        MemoryState state = model.newState(base, 1)) {
      for (int s = 0; s < 2; s++) {
        TestModels.step(model, base, Arrays.copyOfRange(doc, s * t, (s + 1) * t), state);
      }
      int[] open = Arrays.copyOfRange(doc, 2 * t, doc.length);
      int[] generated =
          new Continuation(model, base)
              .generate(state, new int[][] {open}, 12, List.of(Sampling.GREEDY))[0];
      int[] sequence = Arrays.copyOf(doc, doc.length + generated.length);
      System.arraycopy(generated, 0, sequence, doc.length, generated.length);
      for (int i = 0; i < generated.length; i++) {
        assertEquals(
            argmaxAfter(model, base, Arrays.copyOf(sequence, doc.length + i)),
            generated[i],
            "token " + i);
      }
    }
  }

  /**
   * Documents of different lengths in one batch — one segment or several, a last segment that the
   * prompt overflows, generation crossing a segment boundary — continue exactly as each alone.
   */
  @Test
  void documentsReadSideBySideContinueAsEachDoesAlone() {
    Random random = new Random();
    ModelConfig config = TestModels.tiny(MemoryRule.DELTA);
    // heads that read mostly from memory, so a lane's padding written into it would change its
    // tokens
    ModelWeights weights = TestModels.randomWeights(config, random).withGates(3);
    int t = config.segmentLength();
    int[] prompt = TestModels.randomTokens(random, config.vocabSize(), 3);
    int[] lengths = {
      t - 5, 3 * t + 1, t - 2, 2 * t, 4 * t + t / 2
    }; // t − 2 + 3: the prompt overflows
    List<List<int[]>> documents = new ArrayList<>();
    List<Sampling> samplings = new ArrayList<>();
    for (int n = 0; n < lengths.length; n++) {
      documents.add(segments(TestModels.randomTokens(random, config.vocabSize(), lengths[n]), t));
      samplings.add(n % 2 == 0 ? Sampling.GREEDY : new Sampling(0.8, 0.95, random.nextLong()));
    }
    int newTokens = 14;
    try (InfiniTransformer model = TestModels.load(weights);
        NDManager base = NDManager.newBaseManager(Device.cpu())) {
      Continuation continuation = new Continuation(model, base);
      int[][] together = continuation.afterDocuments(documents, prompt, newTokens, samplings);
      for (int n = 0; n < lengths.length; n++) {
        int[][] alone =
            continuation.afterDocuments(
                List.of(documents.get(n)), prompt, newTokens, List.of(samplings.get(n)));
        assertArrayEquals(alone[0], together[n], "document of " + lengths[n] + " tokens");
      }
      for (int n = 0; n < lengths.length; n += 2) {
        int[] greedyAlone = greedyAfter(model, base, documents.get(n), prompt, newTokens);
        assertArrayEquals(
            greedyAlone,
            together[n],
            "greedy continuation of " + lengths[n] + " tokens is the argmax of a fresh read");
      }
    }
  }

  /**
   * Cut from the end: the same tokens, the last segment with room for the new ones (or all of
   * them), full segments before it, the short one first; random lengths, pieces and room.
   */
  @Test
  void aDocumentIsCutFromItsEndLeavingRoomInTheOpenSegment() {
    Random random = new Random();
    for (int trial = 0; trial < 200; trial++) {
      int t = 1 + random.nextInt(40);
      int room = random.nextInt(t);
      List<int[]> pieces = new ArrayList<>();
      for (int p = 0, n = 1 + random.nextInt(4); p < n; p++) {
        pieces.add(TestModels.randomTokens(random, 1000, random.nextInt(3 * t + 2)));
      }
      int[] prompt = TestModels.randomTokens(random, 1000, random.nextInt(t + 1));
      List<int[]> cut = Continuation.cutFromEnd(pieces, prompt, t, room);
      int[] all =
          IntStream.concat(pieces.stream().flatMapToInt(Arrays::stream), Arrays.stream(prompt))
              .toArray();
      assertArrayEquals(all, cut.stream().flatMapToInt(Arrays::stream).toArray());
      int[] last = cut.get(cut.size() - 1);
      assertEquals(Math.min(all.length, t - room), last.length, "the open segment");
      for (int i = 0; i < cut.size() - 1; i++) {
        int length = cut.get(i).length;
        assertEquals(i == 0 ? length : t, length);
        assertTrue(length >= 1 && length <= t, "segment " + i + ": " + length);
      }
    }
  }

  private static List<int[]> segments(int[] doc, int t) {
    List<int[]> out = new ArrayList<>();
    for (int start = 0; start < doc.length; start += t) {
      out.add(Arrays.copyOfRange(doc, start, Math.min(doc.length, start + t)));
    }
    return out;
  }

  /**
   * Token by token: the argmax after reading document, prompt and what was generated, from scratch,
   * in segments whose boundaries fall where {@link Continuation#afterDocuments} puts them: the open
   * segment starts {@code min(n, t − room)} tokens before the end of document and prompt.
   */
  private static int[] greedyAfter(
      InfiniTransformer model, NDManager base, List<int[]> doc, int[] prompt, int n) {
    int t = model.config().segmentLength();
    int[] sequence = doc.stream().flatMapToInt(Arrays::stream).toArray();
    int[] withPrompt = Arrays.copyOf(sequence, sequence.length + prompt.length + n);
    System.arraycopy(prompt, 0, withPrompt, sequence.length, prompt.length);
    int known = sequence.length + prompt.length;
    int openStart = Math.max(0, known - (t - Math.min(n, t / 2)));
    int[] generated = new int[n];
    for (int i = 0; i < n; i++) {
      generated[i] = argmaxAfter(model, base, Arrays.copyOf(withPrompt, known + i), openStart % t);
      withPrompt[known + i] = generated[i];
    }
    return generated;
  }

  private static int argmaxAfter(InfiniTransformer model, NDManager base, int[] prefix) {
    return argmaxAfter(model, base, prefix, 0);
  }

  /**
   * Reads the prefix from scratch, segment by segment (the first one {@code phase} tokens long when
   * that is not 0), and takes the last position's argmax.
   */
  private static int argmaxAfter(InfiniTransformer model, NDManager base, int[] prefix, int phase) {
    int t = model.config().segmentLength();
    try (MemoryState fresh = model.newState(base, 1)) {
      float[] logits = null;
      for (int start = 0, end = phase > 0 ? phase : t;
          start < prefix.length;
          start = end, end += t) {
        logits =
            TestModels.step(
                model,
                base,
                Arrays.copyOfRange(prefix, start, Math.min(prefix.length, end)),
                fresh);
      }
      int v = model.config().vocabSize();
      int last = logits.length / v - 1;
      int best = 0;
      for (int k = 1; k < v; k++) {
        if (logits[last * v + k] > logits[last * v + best]) {
          best = k;
        }
      }
      return best;
    }
  }
}
