package io.infinispark.model;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import java.util.Locale;

/**
 * Which weight dtypes a device can run. The memory state is float32 in every case. bfloat16 is
 * refused on CPU: with DJL 0.35.1's CPU libtorch, creating any bfloat16 array aborts the whole JVM
 * (seen on this project's build machine), so we fail early with a message instead.
 */
public final class Precision {
  private Precision() {}

  /** Parses "float32" / "fp32", "float16" / "fp16", "bfloat16" / "bf16". */
  public static DataType parse(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "float32", "fp32", "f32" -> DataType.FLOAT32;
      case "float16", "fp16", "f16", "half" -> DataType.FLOAT16;
      case "bfloat16", "bf16" -> DataType.BFLOAT16;
      default ->
          throw new IllegalArgumentException(
              "unknown dtype '" + name + "': use float32, float16 or bfloat16");
    };
  }

  static void check(DataType dtype, Device device) {
    boolean supported =
        dtype == DataType.FLOAT32
            || dtype == DataType.FLOAT16
            || (dtype == DataType.BFLOAT16 && device.isGpu());
    if (!supported) {
      throw new IllegalArgumentException(
          "dtype "
              + dtype
              + " is not supported on "
              + device
              + " (bfloat16 needs a GPU; on CPU use float32 or float16)");
    }
  }
}
