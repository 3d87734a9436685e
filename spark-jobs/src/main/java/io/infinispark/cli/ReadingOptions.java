package io.infinispark.cli;

import io.infinispark.runtime.DevicePolicy;
import io.infinispark.runtime.RecurOptions;
import picocli.CommandLine.Option;

/**
 * {@code --lanes}, {@code --partitions}, {@code --device}, {@code --dtype}: how documents are read
 * through the model, shared by every command that reads them (the main job, eval).
 */
public final class ReadingOptions {
  @Option(
      names = "--lanes",
      defaultValue = "0",
      description =
          "Documents (or passkey examples) read side by side in one batched step; 0 = auto: 64 when tasks get GPUs, else 1 (default: ${DEFAULT-VALUE})")
  int lanes;

  @Option(
      names = "--partitions",
      defaultValue = "0",
      description =
          "Reading tasks; 0 = one per batch up to Spark's parallelism (default: ${DEFAULT-VALUE})")
  int partitions;

  @Option(
      names = "--device",
      defaultValue = "auto",
      description =
          "auto (the task's Spark-assigned GPU, else CPU), cpu or gpu (default: ${DEFAULT-VALUE})")
  String device;

  @Option(
      names = "--dtype",
      defaultValue = "float32",
      description =
          "Weights dtype: float32, float16, or bfloat16 (GPU only); memory stays float32 (default: ${DEFAULT-VALUE})")
  String dtype;

  RecurOptions recur() {
    return new RecurOptions(lanes, partitions, DevicePolicy.parse(device), dtype);
  }
}
