package io.infinispark.cli;

import io.infinispark.model.InfiniTransformer;
import io.infinispark.model.ModelConfig;
import io.infinispark.model.Recurrence;
import io.infinispark.model.SegmentInput;
import io.infinispark.model.SegmentScore;
import io.infinispark.pipeline.ModelBundle;
import io.infinispark.runtime.ExecutorModels;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./run.sh bench}: how fast the recur step reads documents of growing length, and whether
 * the cost per token stays flat as the design promises (the memory does not grow). Runs the
 * recurrence itself, without Spark, on seeded random tokens.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Recur throughput on generated documents: tokens/s, ms per segment, and the "
            + "per-token time ratio of the longest document over the shortest (flat ≈ 1.0)")
final class BenchCommand implements Callable<Integer> {
  @Option(
      names = "--lengths",
      split = ",",
      defaultValue = "8192,32768,131072,524288",
      description = "Document lengths in tokens (default: ${DEFAULT-VALUE})")
  List<Integer> lengths;

  @Option(
      names = "--lanes",
      defaultValue = "1",
      description =
          "Documents read side by side; each length is run with this many copies (default: ${DEFAULT-VALUE})")
  int lanes;

  @Mixin ModelOption model;

  @Option(
      names = "--dtype",
      defaultValue = "float32",
      description = "Weights dtype (default: ${DEFAULT-VALUE})")
  String dtype;

  @Option(
      names = "--device",
      defaultValue = "auto",
      description =
          "auto (the first GPU libtorch sees, else the CPU), cpu or gpu (default: ${DEFAULT-VALUE})")
  String device;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Token generator seed (default: ${DEFAULT-VALUE})")
  long seed;

  @Override
  public Integer call() throws Exception {
    ModelBundle bundle = model.load();
    ModelConfig c = bundle.weights().config();
    System.out.printf(
        "bench: %s · %,d parameters · segment %d · lanes %d · dtype %s · %d cores · %s%n",
        bundle.dir(),
        c.parameterCount(),
        c.segmentLength(),
        lanes,
        dtype,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.arch"));
    io.infinispark.runtime.DevicePolicy policy = io.infinispark.runtime.DevicePolicy.parse(device);
    System.out.println("device: " + policy.nameForThisProcess());
    try (InfiniTransformer transformer = ExecutorModels.loadFor(bundle.weights(), policy, dtype)) {
      run(transformer, 4 * c.segmentLength()); // warm-up: native kernels, allocator, JIT
      System.out.printf(
          "%10s %9s %10s %12s %12s%n", "tokens", "segments", "seconds", "tokens/s", "ms/segment");
      double firstPerToken = 0;
      double lastPerToken = 0;
      for (int length : lengths) {
        long started = System.nanoTime();
        int segments = run(transformer, length);
        double seconds = (System.nanoTime() - started) / 1e9;
        double perToken = seconds / ((double) length * lanes);
        firstPerToken = firstPerToken == 0 ? perToken : firstPerToken;
        lastPerToken = perToken;
        System.out.printf(
            Locale.ROOT,
            "%10d %9d %10.1f %12.0f %12.1f%n",
            length,
            segments,
            seconds,
            1 / perToken,
            seconds * 1000 / segments);
      }
      System.out.printf(
          Locale.ROOT, "per-token time, longest / shortest: %.3f%n", lastPerToken / firstPerToken);
    }
    return 0;
  }

  /** Reads {@code lanes} generated documents of {@code length} tokens; returns segment steps. */
  private int run(InfiniTransformer transformer, int length) {
    ModelConfig c = transformer.config();
    Random random = new Random(seed + length);
    int t = c.segmentLength();
    int n = (length + t - 1) / t;
    List<SegmentInput> inputs = new ArrayList<>();
    for (int s = 0; s < n; s++) {
      for (int d = 0; d < lanes; d++) {
        int[] tokens = new int[Math.min(t, length - s * t)];
        for (int i = 0; i < tokens.length; i++) {
          tokens[i] = random.nextInt(c.vocabSize());
        }
        inputs.add(new SegmentInput("doc" + d, s, n, tokens, 0));
      }
    }
    try (Recurrence recurrence = new Recurrence(transformer, lanes)) {
      Iterator<SegmentScore> scores = recurrence.run(inputs.iterator());
      while (scores.hasNext()) {
        SegmentScore score = scores.next();
        if (score.error() != null) {
          throw new IllegalStateException(score.docId() + ": " + score.error());
        }
      }
    }
    return n;
  }
}
