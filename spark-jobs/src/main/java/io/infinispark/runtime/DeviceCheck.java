package io.infinispark.runtime;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.infinispark.model.InfiniTransformer;
import io.infinispark.model.ModelConfig;
import io.infinispark.model.ModelWeights;
import io.infinispark.model.Precision;
import io.infinispark.model.Recurrence;
import io.infinispark.model.SegmentInput;
import io.infinispark.model.SegmentScore;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * What {@code gpu-check} measures, on a device named as DJL names them ("gpu(0)", "cpu"): the
 * libtorch this JVM loaded, a dense matmul, and the recur step.
 */
public final class DeviceCheck {
  private DeviceCheck() {}

  /** libtorch's and DJL's versions, and CUDA's when a GPU is visible. */
  public static String engine() {
    String cuda =
        DevicePolicy.visibleGpus() > 0
            ? " · CUDA " + ai.djl.util.cuda.CudaUtils.getCudaVersionString()
            : "";
    return "libtorch "
        + Engine.getEngine("PyTorch").getVersion()
        + " (DJL "
        + Engine.getDjlVersion()
        + ")"
        + cuda;
  }

  /** The first GPU when libtorch sees one, then the CPU. */
  public static List<String> devices() {
    List<String> names = new ArrayList<>();
    if (DevicePolicy.visibleGpus() > 0) {
      names.add("gpu(0)");
    }
    names.add("cpu");
    return names;
  }

  public static boolean isGpu(String device) {
    return device.startsWith("gpu");
  }

  /** "cpu" or "gpu(N)". */
  private static Device device(String name) {
    return isGpu(name) ? Device.gpu(Integer.parseInt(name.replaceAll("[^0-9]", ""))) : Device.cpu();
  }

  /** A square matmul repeated for about a second: 2n³ FLOPs each, in TFLOP/s. */
  public static double matmulTflops(String device, String dtype, int n) {
    DataType type = Precision.parse(dtype);
    try (NDManager m = NDManager.newBaseManager(device(device), "PyTorch")) {
      NDArray a = m.randomNormal(new Shape(n, n)).toType(type, false);
      NDArray b = m.randomNormal(new Shape(n, n)).toType(type, false);
      a.matMul(b).sum().toType(DataType.FLOAT32, false).getFloat(); // warm-up and sync
      int repeats = 0;
      long started = System.nanoTime();
      NDArray last = null;
      while (System.nanoTime() - started < 1_000_000_000L || repeats < 3) {
        if (last != null) {
          last.close();
        }
        last = a.matMul(b);
        repeats++;
      }
      last.sum().toType(DataType.FLOAT32, false).getFloat(); // waits for the device
      double seconds = (System.nanoTime() - started) / 1e9;
      return 2.0 * n * n * n * repeats / seconds / 1e12;
    }
  }

  /** Tokens/s reading {@code lanes} generated documents side by side, after a warm-up segment. */
  public static double recurTokensPerSecond(
      ModelWeights weights, String device, String dtype, int lanes, int segments) {
    try (InfiniTransformer model =
        InfiniTransformer.load(weights, device(device), Precision.parse(dtype))) {
      read(model, lanes, 1);
      long started = System.nanoTime();
      long tokens = read(model, lanes, segments);
      return tokens / ((System.nanoTime() - started) / 1e9);
    }
  }

  private static long read(InfiniTransformer model, int lanes, int segments) {
    ModelConfig c = model.config();
    Random random = new Random(lanes * 31L + segments);
    List<SegmentInput> inputs = new ArrayList<>();
    for (int s = 0; s < segments; s++) {
      for (int d = 0; d < lanes; d++) {
        int[] tokens = random.ints(c.segmentLength(), 0, c.vocabSize()).toArray();
        inputs.add(new SegmentInput(String.format("doc%04d", d), s, segments, tokens, 0));
      }
    }
    long tokens = 0;
    try (Recurrence recurrence = new Recurrence(model, lanes)) {
      Iterator<SegmentScore> scores = recurrence.run(inputs.iterator());
      while (scores.hasNext()) {
        SegmentScore score = scores.next();
        if (score.error() != null) {
          throw new IllegalStateException(score.docId() + ": " + score.error());
        }
        tokens += score.nTokens();
      }
    }
    return tokens;
  }
}
