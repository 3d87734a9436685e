package io.infinispark.jobs;

import ai.djl.ndarray.types.DataType;
import io.infinispark.model.Precision;
import java.io.Serializable;

/**
 * How the recur stage runs.
 *
 * @param lanes documents read side by side in one batched step (GPUs want 32–64; on CPU a few)
 * @param partitions recur tasks; 0 = one per batch, at most Spark's default parallelism
 * @param device where each task runs its model
 * @param dtype weight dtype name: float32, float16 or bfloat16 (GPU); memory stays float32
 */
public record RecurOptions(int lanes, int partitions, DevicePolicy device, String dtype)
    implements Serializable {

  public RecurOptions {
    if (lanes < 1) {
      throw new IllegalArgumentException("lanes must be at least 1, got " + lanes);
    }
    if (partitions < 0) {
      throw new IllegalArgumentException("partitions must be 0 (auto) or more, got " + partitions);
    }
    Precision.parse(dtype);
  }

  public static RecurOptions defaults() {
    return new RecurOptions(4, 0, DevicePolicy.AUTO, "float32");
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
