package io.infinispark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RecurrenceTest {
  private final Random random = new Random();
  private final ModelConfig config = TestModels.tiny(MemoryRule.DELTA);
  private final ModelWeights weights = TestModels.randomWeights(config, random);

  @Test
  void documentNllEqualsFloat64ReferenceAcrossSegmentBoundaries() {
    int[] doc = TestModels.randomTokens(random, config.vocabSize(), 3 * config.segmentLength() + 5);
    double expected = referenceNll(weights, doc, false);
    try (InfiniTransformer model = TestModels.load(weights);
        Recurrence recurrence = new Recurrence(model, 1)) {
      List<SegmentScore> scores = run(recurrence, Map.of("d", doc), 1);
      assertEquals(4, scores.size());
      double nll = scores.stream().mapToDouble(SegmentScore::nllSum).sum();
      int predicted = scores.stream().mapToInt(SegmentScore::nPredicted).sum();
      assertEquals(doc.length - 1, predicted);
      assertEquals(expected, nll, 1e-4 * Math.abs(expected));
    }
  }

  @Test
  void resetModeEqualsAFloat64ReferenceWithAnEmptyMemoryAtEverySegment() {
    int[] doc = TestModels.randomTokens(random, config.vocabSize(), 3 * config.segmentLength() + 5);
    // Random gates are sometimes all low enough that resetting the memory changes nothing
    // measurable; gates at sigmoid(2) = 0.88 make every head read mostly from its memory.
    ModelWeights memoryBound = weights.withGates(2.0);
    double expected = referenceNll(memoryBound, doc, true);
    assertTrue(
        Math.abs(expected - referenceNll(memoryBound, doc, false)) > 1e-3 * Math.abs(expected),
        "the memory should matter for these weights");
    try (InfiniTransformer model = TestModels.load(memoryBound);
        Recurrence recurrence = new Recurrence(model, 2, MemoryMode.RESET)) {
      List<SegmentScore> scores =
          run(recurrence, Map.of("d", doc, "e", TestModels.randomTokens(random, 32, 20)), 2);
      double nll =
          scores.stream()
              .filter(s -> s.docId().equals("d"))
              .mapToDouble(SegmentScore::nllSum)
              .sum();
      assertEquals(expected, nll, 1e-4 * Math.abs(expected));
    }
  }

  @Test
  void fourLanesGiveTheSameScoresAsOneLane() {
    Map<String, int[]> docs = new HashMap<>();
    for (int d = 0; d < 4; d++) {
      docs.put(
          "doc" + d, TestModels.randomTokens(random, config.vocabSize(), 1 + random.nextInt(40)));
    }
    try (InfiniTransformer model = TestModels.load(weights);
        Recurrence single = new Recurrence(model, 1);
        Recurrence batched = new Recurrence(model, 4)) {
      Map<String, Double> one = totals(run(single, docs, 1));
      Map<String, Double> four = totals(run(batched, docs, 4));
      assertEquals(one.keySet(), four.keySet());
      for (String doc : one.keySet()) {
        assertEquals(one.get(doc), four.get(doc), 1e-4 * Math.abs(one.get(doc)), doc);
      }
    }
  }

  @Test
  void aDocumentWithAnOutOfRangeTokenGetsOneErrorAndTheOthersAreUnaffected() {
    Map<String, int[]> docs = new HashMap<>();
    docs.put("good", TestModels.randomTokens(random, config.vocabSize(), 20));
    int[] bad = TestModels.randomTokens(random, config.vocabSize(), 20);
    bad[12] = config.vocabSize() + 3;
    docs.put("bad", bad);
    try (InfiniTransformer model = TestModels.load(weights);
        Recurrence alone = new Recurrence(model, 2);
        Recurrence together = new Recurrence(model, 2)) {
      List<SegmentScore> scores = run(together, docs, 2);
      List<SegmentScore> errors = scores.stream().filter(s -> s.error() != null).toList();
      assertEquals(1, errors.size());
      assertEquals("bad", errors.get(0).docId());
      assertTrue(errors.get(0).error().contains("token id " + (config.vocabSize() + 3)));
      double good = totals(run(alone, Map.of("good", docs.get("good")), 2)).get("good");
      assertEquals(good, totals(scores).get("good"), 1e-5 * good);
      scores.stream().filter(s -> s.docId().equals("good")).forEach(s -> assertNull(s.error()));
    }
  }

  @Test
  void aDocumentThatStartsLateInItsBatchIsRefusedWithTheOrderingItNeeds() {
    int[] tokens = TestModels.randomTokens(random, config.vocabSize(), 10);
    List<SegmentInput> misordered =
        List.of(
            new SegmentInput("a", 0, 2, tokens, 0),
            new SegmentInput("a", 1, 2, tokens, 0),
            new SegmentInput("b", 0, 1, tokens, 0));
    try (InfiniTransformer model = TestModels.load(weights);
        Recurrence recurrence = new Recurrence(model, 4)) {
      IllegalStateException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              IllegalStateException.class,
              () -> recurrence.run(misordered.iterator()).forEachRemaining(s -> {}));
      assertTrue(
          e.getMessage().contains("document b starts after the batch's first step"),
          e.getMessage());
    }
  }

  /** Runs documents through the recurrence in the order the Spark job feeds it. */
  private List<SegmentScore> run(Recurrence recurrence, Map<String, int[]> docs, int lanes) {
    return TestModels.read(recurrence, docs, lanes, config.segmentLength());
  }

  private static Map<String, Double> totals(List<SegmentScore> scores) {
    Map<String, Double> sums = new HashMap<>();
    for (SegmentScore s : scores) {
      if (s.error() == null) {
        sums.merge(s.docId(), s.nllSum(), Double::sum);
      }
    }
    return sums;
  }

  /** −Σ log p(x_i | x_<i) for i ≥ 1, from the float64 reference with an exact log-softmax. */
  private double referenceNll(ModelWeights modelWeights, int[] doc, boolean resetEverySegment) {
    ReferenceModel reference = new ReferenceModel(modelWeights);
    int t = config.segmentLength();
    double nll = 0;
    double[] previousLast = null;
    for (int start = 0; start < doc.length; start += t) {
      int[] tokens = Arrays.copyOfRange(doc, start, Math.min(doc.length, start + t));
      if (resetEverySegment) {
        reference = new ReferenceModel(modelWeights);
      }
      double[][] logits = reference.step(tokens);
      if (previousLast != null) {
        nll -= logSoftmax(previousLast)[tokens[0]];
      }
      for (int j = 0; j + 1 < tokens.length; j++) {
        nll -= logSoftmax(logits[j])[tokens[j + 1]];
      }
      previousLast = logits[tokens.length - 1];
    }
    return nll;
  }

  private static double[] logSoftmax(double[] x) {
    double max = Arrays.stream(x).max().orElseThrow();
    double sum = Arrays.stream(x).map(v -> Math.exp(v - max)).sum();
    return Arrays.stream(x).map(v -> v - max - Math.log(sum)).toArray();
  }
}
