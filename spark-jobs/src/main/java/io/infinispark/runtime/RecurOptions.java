package io.infinispark.runtime;

import ai.djl.ndarray.types.DataType;
import io.infinispark.model.Precision;
import java.io.Serializable;
import org.apache.spark.SparkConf;

/**
 * How the recur stage runs.
 *
 * @param lanes documents read side by side in one batched step; 0 = auto: {@link #GPU_LANES} when
 *     tasks get GPUs, else 1 (on a 2-core CPU, 4 lanes were ~20% slower per token than 1)
 * @param partitions recur tasks; 0 = one per batch, at most Spark's default parallelism
 * @param device where each task runs its model
 * @param dtype weight dtype name: float32, float16 or bfloat16 (GPU); memory stays float32
 */
public record RecurOptions(int lanes, int partitions, DevicePolicy device, String dtype)
    implements Serializable {

  public RecurOptions {
    if (lanes < 0) {
      throw new IllegalArgumentException("lanes must be 0 (auto) or more, got " + lanes);
    }
    if (partitions < 0) {
      throw new IllegalArgumentException("partitions must be 0 (auto) or more, got " + partitions);
    }
    Precision.parse(dtype);
  }

  /** Lanes per GPU task when left to auto: where batched throughput levels off on large GPUs. */
  public static final int GPU_LANES = 64;

  public static RecurOptions defaults() {
    return new RecurOptions(0, 0, DevicePolicy.AUTO, "float32");
  }

  /** The lane count to use under this Spark configuration (GPUs assigned to tasks or not). */
  public int resolveLanes(SparkConf conf) {
    return resolveLanes(
        conf.getDouble("spark.task.resource.gpu.amount", 0) > 0
            || conf.getDouble("spark.executor.resource.gpu.amount", 0) > 0);
  }

  /**
   * The resources a recur task asks for: one GPU (and spark.task.cpus) when executors have GPUs,
   * tasks do not already ask for one each, and the device may be a GPU; else null (the default
   * profile). Only the stages that read with the model ask, so ingest, shard and the SQL stages
   * keep every CPU slot (Spark's stage-level scheduling).
   */
  public org.apache.spark.resource.ResourceProfile taskProfile(SparkConf conf) {
    if (device == DevicePolicy.CPU
        || conf.getDouble("spark.executor.resource.gpu.amount", 0) <= 0
        || conf.getDouble("spark.task.resource.gpu.amount", 0) > 0) {
      return null;
    }
    org.apache.spark.resource.TaskResourceRequests task =
        new org.apache.spark.resource.TaskResourceRequests()
            .cpus(conf.getInt("spark.task.cpus", 1))
            .resource("gpu", 1);
    return new org.apache.spark.resource.ResourceProfileBuilder().require(task).build();
  }

  /** The lane count to use, given whether Spark assigns GPUs to tasks. */
  public int resolveLanes(boolean tasksHaveGpus) {
    if (lanes > 0) {
      return lanes;
    }
    return tasksHaveGpus && device != DevicePolicy.CPU ? GPU_LANES : 1;
  }

  DataType dataType() {
    return Precision.parse(dtype);
  }

  public RecurOptions withPartitions(int n) {
    return new RecurOptions(lanes, n, device, dtype);
  }

  public RecurOptions withLanes(int n) {
    return new RecurOptions(n, partitions, device, dtype);
  }
}
