package io.infinispark.pipeline;

import java.util.Arrays;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.stream.IntStream;

/**
 * Which recur task reads which batch. A task's time is about the tokens it reads, so batches go
 * longest first, each to the task with the fewest tokens so far (LPT: Graham 1969, at most 4/3 of
 * the best possible makespan); a batch longer than the rest's share ends up alone in its task.
 */
public final class TaskPlan {
  private TaskPlan() {}

  /**
   * @param tokens tokens of each batch
   * @param tasks how many tasks (at least 1)
   * @return the task of each batch, in [0, tasks)
   */
  public static int[] assign(long[] tokens, int tasks) {
    if (tasks < 1) {
      throw new IllegalArgumentException("tasks must be at least 1, got " + tasks);
    }
    int[] task = new int[tokens.length];
    // (load, task): ties go to the lower task, so a plan is the same on every run
    PriorityQueue<long[]> loads =
        new PriorityQueue<>(
            Comparator.<long[]>comparingLong(l -> l[0]).thenComparingLong(l -> l[1]));
    for (int t = 0; t < tasks; t++) {
      loads.add(new long[] {0, t});
    }
    Integer[] order = IntStream.range(0, tokens.length).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.<Integer>comparingLong(i -> -tokens[i]).thenComparing(i -> i));
    for (int b : order) {
      long[] least = loads.poll();
      task[b] = (int) least[1];
      least[0] += tokens[b];
      loads.add(least);
    }
    return task;
  }

  /** The most tokens any one task reads under {@code task}. */
  public static long makespan(long[] tokens, int[] task, int tasks) {
    long[] load = new long[tasks];
    for (int b = 0; b < tokens.length; b++) {
      load[task[b]] += tokens[b];
    }
    return Arrays.stream(load).max().orElse(0);
  }

  /**
   * The earlier plan, for comparison: batches numbered longest first and cut into {@code tasks}
   * ranges of equal batch counts (Spark's range partitioning over the batch id).
   */
  public static int[] byRange(long[] tokens, int tasks) {
    Integer[] order = IntStream.range(0, tokens.length).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.<Integer>comparingLong(i -> -tokens[i]).thenComparing(i -> i));
    int[] task = new int[tokens.length];
    for (int rank = 0; rank < order.length; rank++) {
      task[order[rank]] = (int) ((long) rank * tasks / order.length);
    }
    return task;
  }
}
