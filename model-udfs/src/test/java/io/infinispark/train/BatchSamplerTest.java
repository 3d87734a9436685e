package io.infinispark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * How a step's lanes are made: text, then recall lanes, then passkey lanes, all from (seed, step).
 */
class BatchSamplerTest {
  private static final int SEGMENT = 16;
  private static final int SPAN = 8;

  @Test
  void recallLanesRepeatOneSpanLaterInTheWindowAndTextLanesDoNot() {
    TrainOptions options =
        new TrainOptions(
            10, 4, 3, 1e-3, 0.01, 0, 1, 0.1, 1, 1, 2, SPAN, 1, 1, false, 5, 5, 0, 0, 9, 5, 5);
    BatchSampler sampler = new BatchSampler(new TrainerTest.SyntheticData(false), options, SEGMENT);
    for (int step = 0; step < 20; step++) {
      Batch batch = sampler.batch(step);
      assertEquals(4, batch.lanes());
      assertEquals(-1, repeatedSpan(batch.examples().get(0).tokens()), "a text lane has no repeat");
      for (int lane = 1; lane <= 2; lane++) {
        TrainingExample e = batch.examples().get(lane);
        assertEquals(0, e.answerLength(), "a recall lane is scored as text, every token");
        assertTrue(repeatedSpan(e.tokens()) >= 0, "step " + step + " lane " + lane);
      }
      assertTrue(batch.examples().get(3).answerLength() > 0, "the last lane is a passkey lane");
      assertArrayEquals(
          batch.examples().get(1).tokens(),
          sampler.batch(step).examples().get(1).tokens(),
          "a step's batch depends on (seed, step) alone");
    }
  }

  @Test
  void passkeyLanesThatMustGoThroughTheMemorySpanTwoSegmentsOrMoreAndEndTheirNeedleEarly() {
    int k = 4;
    TrainOptions options =
        new TrainOptions(
            10, 3, k, 1e-3, 0.01, 0, 1, 0.1, 1, 3, 0, SPAN, 1, 5, true, 5, 5, 0, 0, 9, 5, 5);
    RecordingData data = new RecordingData();
    List<int[]> asked = data.asked; // {exampleTokens, needleBefore, answerBoundary}
    BatchSampler sampler = new BatchSampler(data, options, SEGMENT);
    Set<Integer> segments = new TreeSet<>();
    for (int step = 0; step < 40; step++) {
      sampler.batch(step);
    }
    for (int[] a : asked) {
      assertEquals((k - 1) * SEGMENT, a[1], "the needle must end before the question's segment");
      assertTrue(a[0] > SEGMENT && a[0] <= k * SEGMENT, "an example spans 2..K segments: " + a[0]);
      segments.add((a[0] + SEGMENT - 1) / SEGMENT);
    }
    assertEquals(Set.of(2, 3, 4), segments, "once grown, every span from 2 to K segments is drawn");
  }

  @Test
  void aShareOfAnswersCrossTheLastBoundaryWithTheirNeedleASegmentEarlier() {
    int k = 4;
    RecordingData data = new RecordingData();
    TrainOptions options =
        new TrainOptions(
            10, 4, k, 1e-3, 0.01, 0, 1, 0.1, 1, 4, 0, SPAN, 1, 1, true, 1, 1, 0.25, 0, 9, 5, 5);
    BatchSampler sampler = new BatchSampler(data, options, SEGMENT);
    for (int step = 0; step < 100; step++) {
      Batch batch = sampler.batch(step);
      for (TrainingExample e : batch.examples()) {
        int end = e.answerStart() + e.answerLength();
        assertTrue(end == e.tokens().length || end == (k - 1) * SEGMENT + 2, "answer at " + end);
      }
    }
    int across = 0;
    for (int[] a : data.asked) {
      if (a[2] == TrainingData.ANSWER_AT_END) {
        assertEquals((k - 1) * SEGMENT, a[1], "the question's segment is the last");
      } else {
        across++;
        assertEquals((k - 1) * SEGMENT, a[2], "the boundary is the last segment's start");
        assertEquals((k - 2) * SEGMENT, a[1], "the needle ends before the question's segment");
      }
    }
    assertEquals(400, data.asked.size());
    assertTrue(across > 60 && across < 140, "about a quarter cross: " + across + " of 400");
  }

  /**
   * With --passkey-anywhere, that share of the through-memory lanes places its needle anywhere in
   * the window (the question's segment included, examples from one segment up), the rest still
   * before the question's segment.
   */
  @Test
  void aShareOfThroughMemoryNeedlesMayLieAnywhere() {
    int k = 4;
    RecordingData data = new RecordingData();
    TrainOptions options =
        new TrainOptions(
            10, 4, k, 1e-3, 0.01, 0, 1, 0.1, 1, 4, 0, SPAN, 1, 1, true, 1, 1, 0, 0.3, 9, 5, 5);
    BatchSampler sampler = new BatchSampler(data, options, SEGMENT);
    for (int step = 0; step < 100; step++) {
      sampler.batch(step);
    }
    int anywhere = 0;
    boolean oneSegment = false;
    for (int[] a : data.asked) {
      if (a[1] == (k - 1) * SEGMENT) {
        assertTrue(a[0] > SEGMENT, "through the memory an example spans 2 segments or more");
      } else {
        assertEquals(k * SEGMENT + 1, a[1], "anywhere: the needle may end as late as the window");
        anywhere++;
        oneSegment |= a[0] <= SEGMENT;
      }
    }
    assertTrue(anywhere > 80 && anywhere < 160, "about 30% anywhere: " + anywhere + " of 400");
    assertTrue(oneSegment, "needle and question in one segment, as local attention reads them");
  }

  /**
   * Synthetic data that records what the sampler asked of each passkey lane: {exampleTokens,
   * needleBefore, answerBoundary}. Examples are cut to one segment so any boundary fits them.
   */
  private static final class RecordingData extends TrainerTest.SyntheticData {
    final List<int[]> asked = new ArrayList<>();

    RecordingData() {
      super(false);
    }

    @Override
    public TrainingExample passkey(
        SplittableRandom random,
        int length,
        int exampleTokens,
        int needleBefore,
        int digits,
        int answerBoundary) {
      asked.add(new int[] {exampleTokens, needleBefore, answerBoundary});
      return super.passkey(
          random, length, Math.min(exampleTokens, SEGMENT), needleBefore, digits, answerBoundary);
    }
  }

  /**
   * Where the first span of SPAN tokens that occurs again, not overlapping itself, starts; −1 if
   * none.
   */
  private static int repeatedSpan(int[] tokens) {
    for (int i = 0; i + 2 * SPAN <= tokens.length; i++) {
      int[] span = Arrays.copyOfRange(tokens, i, i + SPAN);
      for (int j = i + SPAN; j + SPAN <= tokens.length; j++) {
        if (Arrays.equals(span, Arrays.copyOfRange(tokens, j, j + SPAN))) {
          return i;
        }
      }
    }
    return -1;
  }
}
