package io.infinispark.runtime;

import ai.djl.Device;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.resource.ResourceInformation;

/**
 * Where a recur task runs its model. {@code AUTO} takes the GPU that Spark's resource scheduler
 * assigned to the task (spark.task.resource.gpu.amount) and falls back to CPU when there is none;
 * {@code GPU} insists on one; {@code CPU} never uses one.
 */
public enum DevicePolicy {
  AUTO,
  CPU,
  GPU;

  public static DevicePolicy parse(String name) {
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown device '" + name + "': use auto, cpu or gpu");
    }
  }

  /**
   * @param resources the task's resources, as {@code TaskContext.get().resourcesJMap()} gives them
   */
  public Device choose(Map<String, ResourceInformation> resources) {
    return choose(resources, VisibleGpus.COUNT);
  }

  /**
   * @param visibleGpus GPUs the loaded libtorch can use (0 with its CPU build): {@code AUTO} reads
   *     on the CPU when Spark hands out a GPU this process cannot use (a GPU slot on a CPU build,
   *     or a discovery script that names devices libtorch does not see)
   */
  public Device choose(Map<String, ResourceInformation> resources, int visibleGpus) {
    ResourceInformation gpu = resources == null ? null : resources.get("gpu");
    boolean hasGpu = gpu != null && gpu.addresses().length > 0;
    return switch (this) {
      case CPU -> Device.cpu();
      case AUTO -> hasGpu && visibleGpus > 0 ? gpuDevice(gpu) : Device.cpu();
      case GPU -> {
        if (!hasGpu) {
          throw new IllegalStateException(
              "--device gpu, but Spark gave this task no GPU: set spark.executor.resource.gpu.amount"
                  + " and a GPU discovery script (recur then asks one GPU per task)");
        }
        if (visibleGpus == 0) {
          throw new IllegalStateException(
              "--device gpu: Spark gave this task GPU "
                  + String.join(",", gpu.addresses())
                  + ", but the loaded libtorch sees no GPU (a CPU build? see README, GPU executors)");
        }
        yield gpuDevice(gpu);
      }
    };
  }

  /**
   * The device for a command that runs outside Spark's tasks ({@code bench}, {@code gpu-check}):
   * the first GPU libtorch sees under {@code AUTO} or {@code GPU}, else the CPU ({@code GPU} then
   * refuses).
   */
  public Device forThisProcess() {
    return forThisProcess(VisibleGpus.COUNT);
  }

  Device forThisProcess(int visibleGpus) {
    return switch (this) {
      case CPU -> Device.cpu();
      case AUTO -> visibleGpus > 0 ? Device.gpu(0) : Device.cpu();
      case GPU -> {
        if (visibleGpus == 0) {
          throw new IllegalStateException(
              "--device gpu: the loaded libtorch sees no GPU (a CPU build? see README, GPU"
                  + " executors)");
        }
        yield Device.gpu(0);
      }
    };
  }

  /** The device {@link #forThisProcess()} picks, as DJL names it ("gpu(0)", "cpu()"). */
  public String nameForThisProcess() {
    return forThisProcess().toString();
  }

  /** A trainer on the device this policy picks for this process. */
  public io.infinispark.train.Trainer startTrainer(
      io.infinispark.model.ModelWeights initial,
      io.infinispark.train.TrainOptions options,
      io.infinispark.train.TrainingData data,
      java.nio.file.Path runDir,
      java.nio.file.Path tokenizer)
      throws java.io.IOException {
    return io.infinispark.train.Trainer.start(
        initial, options, data, runDir, tokenizer, forThisProcess());
  }

  /** A resumed trainer on the device this policy picks for this process. */
  public io.infinispark.train.Trainer resumeTrainer(
      io.infinispark.train.TrainingData data, java.nio.file.Path runDir)
      throws java.io.IOException {
    return io.infinispark.train.Trainer.resume(data, runDir, forThisProcess());
  }

  /** GPUs the loaded libtorch can use (0 with its CPU build). */
  public static int visibleGpus() {
    return VisibleGpus.COUNT;
  }

  /** The GPU address Spark gave this task, or null. */
  public static String address(Map<String, ResourceInformation> resources) {
    ResourceInformation gpu = resources == null ? null : resources.get("gpu");
    return gpu == null || gpu.addresses().length == 0 ? null : gpu.addresses()[0].trim();
  }

  /** Counted once per JVM, on first use: asking loads the engine. */
  private static final class VisibleGpus {
    static final int COUNT = ai.djl.engine.Engine.getEngine("PyTorch").getGpuCount();
  }

  /** A task gets whole GPUs; with several, the first is ours (one model copy per GPU). */
  private static Device gpuDevice(ResourceInformation gpu) {
    String address = gpu.addresses()[0].trim();
    try {
      return Device.gpu(Integer.parseInt(address));
    } catch (NumberFormatException e) {
      throw new IllegalStateException("GPU address '" + address + "' is not a device ordinal", e);
    }
  }
}
