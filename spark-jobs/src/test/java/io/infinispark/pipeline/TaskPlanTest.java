package io.infinispark.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TaskPlanTest {
  @Test
  void longestFirstIsWithinFourThirdsOfTheBestPlanOnRandomCorpora() {
    SplittableRandom random = new SplittableRandom(System.nanoTime());
    for (int trial = 0; trial < 200; trial++) {
      int batches = 1 + random.nextInt(9);
      int tasks = 1 + random.nextInt(3);
      long[] tokens = random.longs(batches, 1, 100_000).toArray();
      int[] task = TaskPlan.assign(tokens, tasks);
      assertTrue(Arrays.stream(task).allMatch(t -> t >= 0 && t < tasks), Arrays.toString(task));
      long best = bestMakespan(tokens, tasks, new long[tasks], 0);
      long lpt = TaskPlan.makespan(tokens, task, tasks);
      // Graham's bound: (4/3 − 1/(3m)) · OPT
      assertTrue(
          3.0 * tasks * lpt <= (4.0 * tasks - 1) * best + 1e-9,
          Arrays.toString(tokens) + " on " + tasks + ": " + lpt + " vs best " + best);
    }
  }

  @Test
  void aBookFarLongerThanTheRestGetsATaskOfItsOwnAndTheRestShareTheOthers() {
    SplittableRandom random = new SplittableRandom(System.nanoTime());
    long[] tokens = new long[301];
    tokens[0] = 1_000_000;
    for (int i = 1; i < tokens.length; i++) {
      tokens[i] = random.nextLong(1_000, 20_000);
    }
    int tasks = 8;
    int[] task = TaskPlan.assign(tokens, tasks);
    for (int i = 1; i < tokens.length; i++) {
      assertTrue(task[i] != task[0], "batch " + i + " shares the long book's task");
    }
    long rest = Arrays.stream(tokens).sum() - tokens[0];
    long makespan = TaskPlan.makespan(tokens, task, tasks);
    assertEquals(Math.max(tokens[0], makespan), makespan);
    assertTrue(makespan <= Math.max(tokens[0], rest / (tasks - 1) + 20_000), "" + makespan);
    // the earlier plan gave the longest 38 batches, the long book among them, to one task
    int[] byRange = TaskPlan.byRange(tokens, tasks);
    assertTrue(TaskPlan.makespan(tokens, byRange, tasks) > makespan);
  }

  @Test
  void thePlanDependsOnlyOnTheBatches() {
    long[] tokens = {5, 9, 9, 1, 7, 3};
    assertArrayEquals(TaskPlan.assign(tokens, 3), TaskPlan.assign(tokens.clone(), 3));
    assertArrayEquals(new int[] {0, 0, 0}, TaskPlan.assign(new long[] {1, 2, 3}, 1));
  }

  /** Exhaustive: every assignment of batches to tasks. */
  private static long bestMakespan(long[] tokens, int tasks, long[] load, int next) {
    if (next == tokens.length) {
      return Arrays.stream(load).max().orElse(0);
    }
    long best = Long.MAX_VALUE;
    for (int t = 0; t < tasks; t++) {
      load[t] += tokens[next];
      best = Math.min(best, bestMakespan(tokens, tasks, load, next + 1));
      load[t] -= tokens[next];
    }
    return best;
  }
}
