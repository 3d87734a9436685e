package io.infinispark.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code train-log.tsv}: one row per step (loss, gradient norm, learning rate, speed; held-out NLL
 * with and without memory and the gate spread when validated), plus a progress line on stderr at
 * most every {@link #PROGRESS_SECONDS}. A resumed run keeps the rows up to its checkpoint.
 */
final class TrainingLog {
  static final String FILE = "train-log.tsv";
  static final double PROGRESS_SECONDS = 10;
  private static final String HEADER =
      "step\tloss\ttext_nll\tanswer_nll\tgrad_norm\tlr\ttokens_per_s\telapsed_s"
          + "\tval_nll_memory\tval_nll_reset\tmemory_gain\tgates_per_layer\tanswer_exact";

  private final Path file;
  private final PrintStream progress;
  private long lastProgress;

  private TrainingLog(Path file, PrintStream progress) {
    this.file = file;
    this.progress = progress;
  }

  static TrainingLog create(Path runDir) throws IOException {
    Path file = runDir.resolve(FILE);
    Files.writeString(file, HEADER + "\n", StandardCharsets.UTF_8);
    return new TrainingLog(file, System.err);
  }

  static TrainingLog resume(Path runDir, int step) throws IOException {
    Path file = runDir.resolve(FILE);
    List<String> kept = new ArrayList<>();
    kept.add(HEADER);
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (!line.startsWith("step")
            && !line.isBlank()
            && Integer.parseInt(line.split("\t", 2)[0]) <= step) {
          kept.add(line);
        }
      }
    }
    Files.write(file, kept, StandardCharsets.UTF_8);
    return new TrainingLog(file, System.err);
  }

  void record(
      Trainer.StepReport r, Trainer.Validation v, double[][] gates, int totalSteps, double elapsed)
      throws IOException {
    String row =
        String.format(
            Locale.ROOT,
            "%d\t%.5f\t%.5f\t%.5f\t%.4f\t%.3e\t%.0f\t%.1f\t%s\t%s\t%s\t%s\t%.4f%n",
            r.step(),
            r.loss(),
            r.textLoss(),
            r.answerLoss(),
            r.gradientNorm(),
            r.learningRate(),
            r.tokens() / r.seconds(),
            elapsed,
            v == null ? "" : String.format(Locale.ROOT, "%.5f", v.carried()),
            v == null ? "" : String.format(Locale.ROOT, "%.5f", v.reset()),
            v == null ? "" : String.format(Locale.ROOT, "%.4f", v.memoryGain()),
            gateSummary(gates),
            r.answerExact());
    Files.writeString(file, row, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    long now = System.nanoTime();
    if (v != null || r.step() == totalSteps || now - lastProgress > PROGRESS_SECONDS * 1e9) {
      lastProgress = now;
      progress.println(progressLine(r, v, gates, totalSteps, elapsed));
    }
  }

  static String progressLine(
      Trainer.StepReport r,
      Trainer.Validation v,
      double[][] gates,
      int totalSteps,
      double elapsed) {
    double secondsPerStep = elapsed / r.step();
    long eta = Math.round(secondsPerStep * (totalSteps - r.step()));
    double[] all = Arrays.stream(gates).flatMapToDouble(Arrays::stream).sorted().toArray();
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "train step %d/%d · %,.0f tok/s · loss %.3f (text %.3f, passkey %.3f, %.0f%% exact) · lr %.2e · gates %.2f–%.2f",
                r.step(),
                totalSteps,
                r.tokens() / r.seconds(),
                r.loss(),
                r.textLoss(),
                r.answerLoss(),
                100 * r.answerExact(),
                r.learningRate(),
                all[0],
                all[all.length - 1]));
    if (v != null) {
      line.append(
          String.format(
              Locale.ROOT,
              " · held-out nll %.3f with memory, %.3f reset (ppl −%.1f%%)",
              v.carried(),
              v.reset(),
              100 * v.memoryGain()));
    }
    line.append(String.format(Locale.ROOT, " · ETA %dh%02dm", eta / 3600, (eta % 3600) / 60));
    return line.toString();
  }

  /** Per layer: min/median/max sigmoid(β), e.g. {@code 0.12/0.50/0.91}; layers joined by spaces. */
  static String gateSummary(double[][] gates) {
    StringBuilder out = new StringBuilder();
    for (double[] layer : gates) {
      double[] sorted = layer.clone();
      Arrays.sort(sorted);
      if (out.length() > 0) {
        out.append(' ');
      }
      out.append(
          String.format(
              Locale.ROOT,
              "%.2f/%.2f/%.2f",
              sorted[0],
              sorted[sorted.length / 2],
              sorted[sorted.length - 1]));
    }
    return out.toString();
  }
}
