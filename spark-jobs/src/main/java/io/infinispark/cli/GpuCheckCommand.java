package io.infinispark.cli;

import io.infinispark.pipeline.ModelBundle;
import io.infinispark.runtime.DeviceCheck;
import io.infinispark.runtime.DevicePolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
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
    System.out.printf(
        "%s · flavour %s · GPUs visible: %d%n", DeviceCheck.engine(), flavour(), gpus);
    if (gpus == 0) {
      System.out.println(
          "no GPU: this libtorch is a CPU build or sees no device (see README, GPU executors);"
              + " measuring the CPU only");
    }
    ModelBundle bundle = model.load();
    List<Row> rows = new ArrayList<>();
    for (String device : DeviceCheck.devices()) {
      boolean gpu = DeviceCheck.isGpu(device);
      String name = gpu ? device : "cpu (" + Runtime.getRuntime().availableProcessors() + " cores)";
      List<String> dtypes = gpu ? List.of("float32", "bfloat16", "float16") : List.of("float32");
      for (String dtype : dtypes) {
        rows.add(matmul(device, name, dtype));
        for (int n : lanes) {
          rows.add(recur(bundle, device, name, dtype, n));
        }
      }
      if (!gpu) {
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

  private Row matmul(String device, String name, String dtype) {
    int n = matmulSize > 0 ? matmulSize : DeviceCheck.isGpu(device) ? 8192 : 1024;
    try {
      double tflops = DeviceCheck.matmulTflops(device, dtype, n);
      System.out.printf(Locale.ROOT, "%s matmul %d² %s: %.3f TFLOP/s%n", name, n, dtype, tflops);
      return RowFactory.create(name, "matmul " + n, dtype, 0, tflops, "TFLOP/s", null);
    } catch (RuntimeException e) {
      return RowFactory.create(name, "matmul " + n, dtype, 0, null, "TFLOP/s", e.getMessage());
    }
  }

  private Row recur(ModelBundle bundle, String device, String name, String dtype, int n) {
    try {
      double rate = DeviceCheck.recurTokensPerSecond(bundle.weights(), device, dtype, n, segments);
      System.out.printf(
          Locale.ROOT, "%s recur %s, %d lanes: %,.0f tokens/s%n", name, dtype, n, rate);
      return RowFactory.create(name, "recur", dtype, n, rate, "tokens/s", null);
    } catch (RuntimeException e) {
      return RowFactory.create(name, "recur", dtype, n, null, "tokens/s", e.getMessage());
    }
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
    ResultTable.write(out, "gpu_check", TABLE, rows, md.toString());
  }
}
