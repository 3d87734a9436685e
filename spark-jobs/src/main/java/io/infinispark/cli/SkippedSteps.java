package io.infinispark.cli;

import io.infinispark.runtime.DevicePolicy;
import io.infinispark.train.Trainer;
import io.infinispark.train.Trainer.GradientSize;
import io.infinispark.train.Trainer.MemoryPath;
import io.infinispark.train.Trainer.Replay;
import io.infinispark.train.TrainingData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code train --replay-skipped}: each skipped step of a run, replayed from the snapshot taken
 * before it, three ways — as trained, with the gradient stopped where the memory passes from one
 * segment to the next, and with no memory — so the overflow can be placed: in the backward pass
 * through the memory's chain of segments, or within a segment.
 */
final class SkippedSteps {
  static final String REPORT = "replay.tsv";

  private SkippedSteps() {}

  static int replay(TrainingData data, Path runDir, DevicePolicy on) throws IOException {
    List<Path> snapshots = snapshots(runDir);
    if (snapshots.isEmpty()) {
      System.err.printf(
          "train: no skipped step was kept in %s%n", runDir.resolve(Trainer.SKIPPED_DIRECTORY));
      return 0;
    }
    for (Path snapshot : snapshots) {
      List<String> rows = new ArrayList<>();
      rows.add("memory_path\tloss\ttensor\tmax_abs_gradient\tsquared_sum_finite");
      try (Trainer trainer = on.resumeTrainer(data, snapshot)) {
        for (MemoryPath path : MemoryPath.values()) {
          Replay replay = trainer.replay(path);
          System.err.printf(
              "train: %s replayed, memory %s: %s%n",
              snapshot.getFileName(), path.name().toLowerCase(Locale.ROOT), summary(replay));
          for (GradientSize g : replay.gradients()) {
            rows.add(
                String.format(
                    Locale.ROOT,
                    "%s\t%.6g\t%s\t%.6g\t%b",
                    path.name().toLowerCase(Locale.ROOT),
                    replay.loss(),
                    g.name(),
                    g.maxAbs(),
                    g.normFinite()));
          }
        }
      }
      Files.write(snapshot.resolve(REPORT), rows, StandardCharsets.UTF_8);
    }
    return 0;
  }

  /** Loss, the largest gradient and how many tensors' squared sums overflow. */
  static String summary(Replay replay) {
    GradientSize largest =
        replay.gradients().stream()
            .max(
                Comparator.comparingDouble(
                    g -> Double.isNaN(g.maxAbs()) ? Double.POSITIVE_INFINITY : g.maxAbs()))
            .orElseThrow();
    long overflowing = replay.gradients().stream().filter(g -> !g.normFinite()).count();
    return String.format(
        Locale.ROOT,
        "loss %.5g, largest |gradient| %.3g (%s), %d of %d tensors with a non-finite squared sum",
        replay.loss(),
        largest.maxAbs(),
        largest.name(),
        overflowing,
        replay.gradients().size());
  }

  private static List<Path> snapshots(Path runDir) throws IOException {
    Path dir = runDir.resolve(Trainer.SKIPPED_DIRECTORY);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries
          .filter(Files::isDirectory)
          .sorted(Comparator.comparingInt(SkippedSteps::stepOf))
          .toList();
    }
  }

  private static int stepOf(Path snapshot) {
    String name = snapshot.getFileName().toString();
    return Integer.parseInt(name.substring(name.indexOf('-') + 1));
  }
}
