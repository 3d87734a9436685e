package io.infinispark.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.infinispark.data.SparkSessions;
import io.infinispark.model.InfiniTransformer;
import io.infinispark.model.ModelConfig;
import io.infinispark.model.Precision;
import io.infinispark.model.Recurrence;
import io.infinispark.model.SegmentInput;
import io.infinispark.model.SegmentScore;
import io.infinispark.pipeline.ModelBundle;
import io.infinispark.runtime.DevicePolicy;
import io.infinispark.runtime.ExecutorModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What a user runs first on a GPU node: which device and libtorch this JVM has, a dense matmul in
 * TFLOP/s, and the recur step in tokens/s at several lane counts and dtypes — on the GPU when
 * libtorch sees one, always on the CPU beside it. Without a GPU it says so and measures the CPU.
 */
@Command(
    name = "gpu-check",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Name the device and libtorch, measure a matmul (TFLOP/s) and the recur step (tokens/s) at",
      "1, 8, 64 lanes per dtype on the GPU (if any) and the CPU; writes gpu_check (Parquet) and",
      "gpu-check.md."
    })
final class GpuCheckCommand implements Callable<Integer> {
  static final StructType TABLE =
      new StructType()
          .add("device", DataTypes.StringType, false)
          .add("measure", DataTypes.StringType, false)
          .add("dtype", DataTypes.StringType, false)
          .add("lanes", DataTypes.IntegerType, false)
          .add("value", DataTypes.DoubleType, true)
          .add("unit", DataTypes.StringType, false)
          .add("note", DataTypes.StringType, true);

  @Mixin ModelOption model;

  @Option(
      names = "--lanes",
      split = ",",
      defaultValue = "1,8,64",
      description = "Lane counts for the recur step (default: ${DEFAULT-VALUE})")
  List<Integer> lanes;

  @Option(
      names = "--segments",
      defaultValue = "4",
      description = "Segments per lane timed, after one warm-up read (default: ${DEFAULT-VALUE})")
  int segments;

  @Option(
      names = "--matmul-size",
      defaultValue = "0",
      description = "Square matmul size (default: 8192 on a GPU, 1024 on the CPU)")
  int matmulSize;

  @Option(
      names = "--output",
      paramLabel = "DIR",
      description = "Where the table goes (default: ./runs/gpu-check-<time>)")
  String output;

  @Override
  public Integer call() throws Exception {
    int gpus = DevicePolicy.visibleGpus();
    Engine engine = Engine.getEngine("PyTorch");
    System.out.printf(
        "libtorch %s (DJL %s) · flavour %s · GPUs visible: %d%s%n",
        engine.getVersion(),
        Engine.getDjlVersion(),
        flavour(),
        gpus,
        gpus > 0 ? " · CUDA " + ai.djl.util.cuda.CudaUtils.getCudaVersionString() : "");
    if (gpus == 0) {
      System.out.println(
          "no GPU: this libtorch is a CPU build or sees no device (see README, GPU executors);"
              + " measuring the CPU only");
    }
    ModelBundle bundle = model.load();
    List<Row> rows = new ArrayList<>();
    List<Device> devices = new ArrayList<>();
    if (gpus > 0) {
      devices.add(Device.gpu(0));
    }
    devices.add(Device.cpu());
    for (Device device : devices) {
      String name =
          device.isGpu()
              ? "gpu(0)"
              : "cpu (" + Runtime.getRuntime().availableProcessors() + " cores)";
      List<String> dtypes =
          device.isGpu() ? List.of("float32", "bfloat16", "float16") : List.of("float32");
      for (String dtype : dtypes) {
        rows.add(matmul(device, name, dtype));
        for (int n : lanes) {
          rows.add(recur(bundle, device, name, dtype, n));
        }
      }
      if (!device.isGpu()) {
        rows.add(
            RowFactory.create(
                name,
                "recur",
                "bfloat16",
                0,
                null,
                "tokens/s",
                "needs a GPU: DJL 0.35.1's CPU libtorch aborts the JVM on bfloat16 arrays"));
      }
    }
    write(rows);
    return 0;
  }

  /** DJL's libtorch flavour: PYTORCH_FLAVOR when set, else the bundled CPU natives. */
  private static String flavour() {
    String set = System.getenv("PYTORCH_FLAVOR");
    if (set == null) {
      set = System.getProperty("PYTORCH_FLAVOR");
    }
    return set != null ? set : "cpu (pytorch-native-cpu, bundled)";
  }

  /** A square matmul, repeated until ~1 s has passed: 2n³ FLOPs each. */
  private Row matmul(Device device, String name, String dtype) {
    int n = matmulSize > 0 ? matmulSize : device.isGpu() ? 8192 : 1024;
    DataType type = Precision.parse(dtype);
    try (NDManager m = NDManager.newBaseManager(device, "PyTorch")) {
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
      double tflops = 2.0 * n * n * n * repeats / seconds / 1e12;
      System.out.printf(Locale.ROOT, "%s matmul %d² %s: %.3f TFLOP/s%n", name, n, dtype, tflops);
      return RowFactory.create(name, "matmul " + n, dtype, 0, tflops, "TFLOP/s", null);
    } catch (RuntimeException e) {
      return RowFactory.create(name, "matmul " + n, dtype, 0, null, "TFLOP/s", e.getMessage());
    }
  }

  /** Reads {@code n} generated documents side by side; tokens/s after a one-segment warm-up. */
  private Row recur(ModelBundle bundle, Device device, String name, String dtype, int n) {
    try (InfiniTransformer transformer = ExecutorModels.loadOn(bundle.weights(), device, dtype)) {
      read(transformer, n, 1);
      long started = System.nanoTime();
      long tokens = read(transformer, n, segments);
      double rate = tokens / ((System.nanoTime() - started) / 1e9);
      System.out.printf(
          Locale.ROOT, "%s recur %s, %d lanes: %,.0f tokens/s%n", name, dtype, n, rate);
      return RowFactory.create(name, "recur", dtype, n, rate, "tokens/s", null);
    } catch (RuntimeException e) {
      return RowFactory.create(name, "recur", dtype, n, null, "tokens/s", e.getMessage());
    }
  }

  private static long read(InfiniTransformer transformer, int lanes, int segments) {
    ModelConfig c = transformer.config();
    Random random = new Random(lanes * 31L + segments);
    List<SegmentInput> inputs = new ArrayList<>();
    for (int s = 0; s < segments; s++) {
      for (int d = 0; d < lanes; d++) {
        int[] tokens = random.ints(c.segmentLength(), 0, c.vocabSize()).toArray();
        inputs.add(new SegmentInput(String.format("doc%04d", d), s, segments, tokens, 0));
      }
    }
    long tokens = 0;
    try (Recurrence recurrence = new Recurrence(transformer, lanes)) {
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

  private void write(List<Row> rows) throws Exception {
    String out =
        output != null
            ? output.replaceAll("/+$", "")
            : Defaults.runsDir(null) + "/gpu-check-" + Defaults.newRunId();
    StringBuilder md =
        new StringBuilder("| device | measure | dtype | lanes | value | unit | note |\n");
    md.append("|---|---|---|---:|---:|---|---|\n");
    for (Row r : rows) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %s | %s | %s |%n",
              r.getString(0),
              r.getString(1),
              r.getString(2),
              r.getInt(3) == 0 ? "" : String.valueOf(r.getInt(3)),
              r.isNullAt(4) ? "—" : String.format(Locale.ROOT, "%,.3f", r.getDouble(4)),
              r.getString(5),
              r.isNullAt(6) ? "" : r.getString(6)));
    }
    Files.createDirectories(Path.of(out));
    Files.writeString(Path.of(out, "gpu-check.md"), md, StandardCharsets.UTF_8);
    System.out.print(md);
    SparkSession session = SparkSessions.create("gpu-check table", "local[1]", Map.of());
    try {
      session
          .createDataFrame(rows, TABLE)
          .coalesce(1)
          .write()
          .mode(SaveMode.ErrorIfExists)
          .parquet(out + "/gpu_check");
    } finally {
      session.stop();
    }
    System.out.println("table: " + out + "/gpu_check (Parquet), " + out + "/gpu-check.md");
  }
}
