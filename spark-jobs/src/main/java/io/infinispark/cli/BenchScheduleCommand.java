package io.infinispark.cli;

import io.infinispark.pipeline.TaskPlan;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How evenly recur's tasks are loaded, by simulation: a corpus of synthetic book lengths planned
 * onto N tasks by {@link TaskPlan} (longest first onto the least-loaded task) and by the earlier
 * range plan, against the lower bound max(longest batch, total / N). Needs no Spark and no model.
 */
@Command(
    name = "bench-schedule",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Simulate recur's task plan on a corpus of synthetic book lengths: makespan (most tokens in",
      "one task) of the longest-first plan and of the earlier range plan, per executor count."
    })
final class BenchScheduleCommand implements Callable<Integer> {
  @Option(
      names = "--books",
      defaultValue = "28000",
      description = "Books in the corpus (default: ${DEFAULT-VALUE}, about PG19's training set)")
  int books;

  @Option(
      names = "--median-tokens",
      defaultValue = "70000",
      description = "Median book length in tokens (log-normal lengths; default: ${DEFAULT-VALUE})")
  long medianTokens;

  @Option(
      names = "--sigma",
      defaultValue = "0.8",
      description = "Spread of ln(length) (default: ${DEFAULT-VALUE})")
  double sigma;

  @Option(
      names = "--long-book",
      defaultValue = "0",
      description = "Add one book of this many tokens (e.g. 1000000), the skewed case")
  long longBook;

  @Option(
      names = "--tasks",
      split = ",",
      defaultValue = "8,16,32,64,128,256,512",
      description = "Task (executor slot) counts to plan for (default: ${DEFAULT-VALUE})")
  List<Integer> tasks;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the synthetic lengths")
  long seed;

  @Override
  public Integer call() {
    long[] tokens = lengths();
    long total = Arrays.stream(tokens).sum();
    long longest = Arrays.stream(tokens).max().orElse(0);
    System.out.printf(
        Locale.ROOT,
        "%,d books, %,d tokens (median %,d, longest %,d); lanes 1, so one batch per book%n",
        tokens.length,
        total,
        medianTokens,
        longest);
    System.out.printf(
        "%8s %16s %16s %16s %10s %10s%n",
        "tasks", "bound", "longest-first", "range", "LPT/bound", "range/LPT");
    for (int n : tasks) {
      long bound = Math.max(longest, (total + n - 1) / n);
      long lpt = TaskPlan.makespan(tokens, TaskPlan.assign(tokens, n), n);
      long range = TaskPlan.makespan(tokens, TaskPlan.byRange(tokens, n), n);
      System.out.printf(
          Locale.ROOT,
          "%8d %,16d %,16d %,16d %10.3f %10.2f%n",
          n,
          bound,
          lpt,
          range,
          (double) lpt / bound,
          (double) range / lpt);
    }
    return 0;
  }

  private long[] lengths() {
    SplittableRandom random = new SplittableRandom(seed);
    int n = books + (longBook > 0 ? 1 : 0);
    long[] tokens = new long[n];
    for (int i = 0; i < books; i++) {
      double gaussian =
          Math.sqrt(-2 * Math.log(1 - random.nextDouble()))
              * Math.cos(2 * Math.PI * random.nextDouble());
      tokens[i] = Math.max(1, Math.round(medianTokens * Math.exp(sigma * gaussian)));
    }
    if (longBook > 0) {
      tokens[books] = longBook;
    }
    return tokens;
  }
}
