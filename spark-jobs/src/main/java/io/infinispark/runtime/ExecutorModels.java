package io.infinispark.runtime;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import io.infinispark.model.Checkpoint;
import io.infinispark.model.InfiniTransformer;
import io.infinispark.model.ModelWeights;
import io.infinispark.model.Precision;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The models loaded in this JVM, one per (weights, device, dtype): every task and every document an
 * executor runs shares them, and a GPU holds one copy of the weights however many tasks use it.
 * Loaded models are immutable and thread-safe for inference; they live as long as the JVM.
 */
public final class ExecutorModels {
  private static final ConcurrentHashMap<String, InfiniTransformer> LOADED =
      new ConcurrentHashMap<>();
  private static final AtomicInteger LOADS = new AtomicInteger();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> LOADED.values().forEach(InfiniTransformer::close)));
  }

  private ExecutorModels() {}

  static InfiniTransformer get(ModelWeights weights, Device device, DataType dtype) {
    String key =
        Checkpoint.configHash(weights.config())
            + "|"
            + weights.provenance()
            + "|"
            + device
            + "|"
            + dtype;
    return LOADED.computeIfAbsent(
        key,
        k -> {
          LOADS.incrementAndGet();
          return InfiniTransformer.load(weights, device, dtype);
        });
  }

  /**
   * The model on the device this task should use: its Spark-assigned GPU, or the CPU (see {@link
   * DevicePolicy}).
   */
  public static InfiniTransformer forThisTask(ModelWeights weights, RecurOptions options) {
    org.apache.spark.TaskContext task = org.apache.spark.TaskContext.get();
    Device device = options.device().choose(task == null ? null : task.resourcesJMap());
    return get(weights, device, options.dataType());
  }

  /**
   * A model of its own on this machine's CPU, outside the shared ones, for the caller to close: the
   * benchmark loads and times it apart from any task.
   */
  public static InfiniTransformer loadOnCpu(ModelWeights weights, String dtype) {
    return loadOn(weights, Device.cpu(), dtype);
  }

  /** As {@link #loadOnCpu}, on the given device. */
  public static InfiniTransformer loadOn(ModelWeights weights, Device device, String dtype) {
    return InfiniTransformer.load(weights, device, Precision.parse(dtype));
  }

  /** As {@link #loadOnCpu}, on the device {@code policy} picks for this process. */
  public static InfiniTransformer loadFor(ModelWeights weights, DevicePolicy policy, String dtype) {
    return loadOn(weights, policy.forThisProcess(), dtype);
  }

  /** The versions of DJL and of the PyTorch engine it loads, for a run's manifest. */
  public static Map<String, String> engineVersions() {
    return Map.of(
        "djl", Engine.getDjlVersion(), "pytorch", Engine.getEngine("PyTorch").getVersion());
  }

  /**
   * This JVM as a run's manifest names it: Spark's executor id ("driver" in embedded mode) and the
   * process id.
   */
  public static String thisExecutor() {
    org.apache.spark.SparkEnv env = org.apache.spark.SparkEnv.get();
    String id = env == null ? "none" : env.executorId();
    return "executor " + id + " (pid " + ProcessHandle.current().pid() + ")";
  }

  /** How many times weights were turned into device arrays in this JVM. */
  public static int loads() {
    return LOADS.get();
  }
}
