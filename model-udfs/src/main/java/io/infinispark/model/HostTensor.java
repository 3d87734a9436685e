package io.infinispark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.io.Serializable;
import java.util.Arrays;

/**
 * A float32 tensor in Java heap memory: how weights travel (files, Spark broadcast) before they
 * become device arrays. Row-major; {@code shape} is the PyTorch/safetensors shape.
 */
public record HostTensor(int[] shape, float[] data) implements Serializable {

  public HostTensor {
    long size = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
      size *= d;
    }
    if (size != data.length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " needs " + size + " values, got " + data.length);
    }
  }

  /** A host copy of a device array's current values, as float32. */
  public static HostTensor copyOf(NDArray array) {
    int[] shape = Arrays.stream(array.getShape().getShape()).mapToInt(d -> (int) d).toArray();
    return new HostTensor(shape, array.toType(DataType.FLOAT32, false).toFloatArray());
  }

  public long[] longShape() {
    return Arrays.stream(shape).asLongStream().toArray();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HostTensor t
        && Arrays.equals(shape, t.shape)
        && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "HostTensor" + Arrays.toString(shape);
  }
}
