package io.infinispark.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.infinispark.model.Checkpoint;
import io.infinispark.model.HostTensor;
import io.infinispark.model.ModelWeights;
import io.infinispark.model.Safetensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A training run's resumable state: a loadable model directory (config.json, model.safetensors,
 * tokenizer.json) plus optimizer.safetensors (Adam moments) and trainer-state.json (step, options,
 * clock). Written to a temporary directory and renamed into place, so a run killed while writing
 * still has its previous checkpoint.
 */
public final class TrainingCheckpoint {
  public static final String DIRECTORY = "checkpoint";
  static final String OPTIMIZER = "optimizer.safetensors";
  static final String STATE = "trainer-state.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Step count, the options the run was started with, its wall time so far, and how many steps were
   * skipped for a non-finite gradient (the optimizer has taken step − skipped updates).
   */
  public record State(
      int step, TrainOptions options, double elapsedSeconds, long tokensSeen, int skippedSteps) {}

  private TrainingCheckpoint() {}

  static void write(
      Path runDir,
      ModelWeights weights,
      Map<String, HostTensor> optimizer,
      State state,
      Path tokenizer)
      throws IOException {
    Path target = runDir.resolve(DIRECTORY);
    Path temporary = runDir.resolve(DIRECTORY + ".tmp");
    Path previous = runDir.resolve(DIRECTORY + ".old");
    deleteTree(temporary);
    Checkpoint.save(weights, temporary, Safetensors.Dtype.F32);
    Files.copy(tokenizer, temporary.resolve(Checkpoint.TOKENIZER));
    Safetensors.write(temporary.resolve(OPTIMIZER), optimizer, Safetensors.Dtype.F32);
    JSON.writerWithDefaultPrettyPrinter().writeValue(temporary.resolve(STATE).toFile(), state);
    deleteTree(previous);
    if (Files.exists(target)) {
      Files.move(target, previous, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
    deleteTree(previous);
  }

  /**
   * The checkpoint in {@code runDir}, or the previous one if a run died between the two renames.
   */
  static Path find(Path runDir) throws IOException {
    for (String name : new String[] {DIRECTORY, DIRECTORY + ".old"}) {
      Path dir = runDir.resolve(name);
      if (Files.isRegularFile(dir.resolve(STATE))) {
        return dir;
      }
    }
    throw new IOException(
        "no training checkpoint in " + runDir + " (looked for " + DIRECTORY + "/" + STATE + ")");
  }

  static State readState(Path checkpoint) throws IOException {
    return JSON.readValue(checkpoint.resolve(STATE).toFile(), State.class);
  }

  static Map<String, HostTensor> readOptimizer(Path checkpoint) throws IOException {
    return Safetensors.read(checkpoint.resolve(OPTIMIZER));
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
