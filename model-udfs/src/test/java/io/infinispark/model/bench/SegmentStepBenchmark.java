package io.infinispark.model.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.infinispark.model.Checkpoint;
import io.infinispark.model.FlopCount;
import io.infinispark.model.InfiniTransformer;
import io.infinispark.model.MemoryState;
import io.infinispark.model.ModelConfig;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One segment step of the default model (512 tokens per lane), logits included: {@code ./run.sh
 * jmh}. Time per step → tokens/s = lanes·512 / time; GFLOP/s = {@link FlopCount#step} / time
 * (printed at setup).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Dai.djl.offline=true"})
public class SegmentStepBenchmark {
  @Param({"1", "4"})
  int lanes;

  @Param({"float32"})
  String dtype;

  private InfiniTransformer model;
  private NDManager base;
  private MemoryState state;
  private int[] tokens;

  @Setup
  public void load() throws Exception {
    Path dir = Path.of(System.getProperty("infinispark.model", "models/default"));
    model =
        InfiniTransformer.load(
            Checkpoint.load(dir), Device.cpu(), io.infinispark.model.Precision.parse(dtype));
    base = NDManager.newBaseManager(Device.cpu());
    state = model.newState(base, lanes);
    ModelConfig c = model.config();
    Random random = new Random(1);
    tokens = new int[lanes * c.segmentLength()];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = random.nextInt(c.vocabSize());
    }
    System.out.printf(
        "%nFLOPs per step (lanes=%d): %.3f GFLOP%n",
        lanes, FlopCount.step(c, lanes, c.segmentLength()) / 1e9);
  }

  @Benchmark
  public float step() {
    int t = model.config().segmentLength();
    try (NDManager scope = base.newSubManager()) {
      NDArray ids = scope.create(tokens, new Shape(lanes, t));
      NDArray logits = model.step(ids, scope.ones(ids.getShape(), DataType.FLOAT32), state);
      return logits.get(0, t - 1, 0).getFloat(); // forces the step to finish
    }
  }

  @TearDown
  public void close() {
    state.close();
    base.close();
    model.close();
  }
}
