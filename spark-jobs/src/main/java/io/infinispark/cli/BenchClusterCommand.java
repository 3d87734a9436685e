package io.infinispark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.infinispark.pipeline.AbstractiveOptions;
import io.infinispark.pipeline.ModelBundle;
import io.infinispark.pipeline.PipelineConfig;
import io.infinispark.pipeline.PipelineJob;
import io.infinispark.pipeline.Progress;
import io.infinispark.report.Stats;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The same corpus read on clusters of growing size: one run of the main job (no ablation) per
 * executor count, each its own Spark application, and recur's throughput, makespan, task skew and
 * scaling efficiency against the smallest size, into a Parquet table and a markdown table.
 */
@Command(
    name = "bench-cluster",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Run the main job on the same corpus at each executor count and compare recur's tokens/s,",
      "makespan, task skew (slowest task / median) and efficiency against the smallest size."
    })
final class BenchClusterCommand implements Callable<Integer> {
  static final StructType TABLE =
      new StructType()
          .add("executors", DataTypes.IntegerType, false)
          .add("master", DataTypes.StringType, false)
          .add("run_dir", DataTypes.StringType, false)
          .add("documents", DataTypes.LongType, false)
          .add("tokens", DataTypes.LongType, false)
          .add("recur_seconds", DataTypes.DoubleType, false)
          .add("tokens_per_s", DataTypes.DoubleType, false)
          .add("tasks", DataTypes.IntegerType, false)
          .add("executor_jvms", DataTypes.IntegerType, false)
          .add("makespan_seconds", DataTypes.DoubleType, false)
          .add("median_task_seconds", DataTypes.DoubleType, false)
          .add("skew", DataTypes.DoubleType, false)
          .add("speedup", DataTypes.DoubleType, false)
          .add("efficiency", DataTypes.DoubleType, false);

  @Option(
      names = "--input",
      paramLabel = "PATH",
      description = "Corpus to read at every size (default: the bundled sample corpus)")
  String input;

  @Option(
      names = "--executors",
      split = ",",
      defaultValue = "1,2",
      description = "Executor counts to run (default: ${DEFAULT-VALUE})")
  List<Integer> executors;

  @Option(
      names = "--output",
      paramLabel = "DIR",
      description = "Where the runs and the table go (default: ./runs/bench-cluster-<time>)")
  String output;

  @Mixin ModelOption model;

  @Mixin ReadingOptions reading;

  @Mixin SparkOptions spark;

  @Override
  public Integer call() throws IOException {
    String in = input != null ? input : Defaults.home().resolve("datasets/sample").toString();
    String out =
        output != null
            ? output.replaceAll("/+$", "")
            : Defaults.runsDir(null) + "/bench-cluster-" + Defaults.newRunId();
    ModelBundle bundle = ModelBundle.load(model.dir());
    String template = spark.master;
    List<Row> rows = new ArrayList<>();
    for (int n : executors) {
      String master = master(template, n);
      spark.master = master;
      if (!master.equals(template) || ClusterLaunch.embedded(master)) {
        spark.conf.remove("spark.executor.instances");
      } else {
        spark.conf.put("spark.executor.instances", String.valueOf(n));
        spark.conf.putIfAbsent("spark.dynamicAllocation.enabled", "false");
      }
      String runDir = out + "/executors-" + n;
      System.out.printf("» %d executor%s: %s → %s%n", n, n == 1 ? "" : "s", master, runDir);
      SparkSession session = spark.start("infini-spark bench-cluster " + n);
      try {
        PipelineConfig config =
            new PipelineConfig(
                in, runDir, reading.recur(), false, 65_536, 300, AbstractiveOptions.OFF);
        PipelineJob.run(session, config, bundle, new Progress(session, System.out, true, 30));
        rows.add(measure(n, master, runDir, session));
      } finally {
        session.stop();
      }
    }
    rows = withScaling(rows);
    ResultTable.write(out, "bench_cluster", TABLE, rows, markdown(rows));
    return 0;
  }

  /**
   * The master for {@code n} executors: {@code {n}} in the template replaced (e.g. {@code
   * local-cluster[{n},2,2048]}, {@code local[{n}]}); a local-cluster's first number replaced; any
   * other master as given, with spark.executor.instances = n.
   */
  static String master(String template, int n) {
    if (template.contains("{n}")) {
      return template.replace("{n}", String.valueOf(n));
    }
    if (ClusterLaunch.localCluster(template)) {
      return template.replaceFirst("\\[\\s*\\d+", "[" + n);
    }
    return template;
  }

  /** One size's row from its run's manifest (scaling columns filled in later). */
  private static Row measure(int n, String master, String runDir, SparkSession session)
      throws IOException {
    org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(runDir, "manifest.json");
    JsonNode manifest;
    try (var in = file.getFileSystem(session.sparkContext().hadoopConfiguration()).open(file)) {
      manifest = new ObjectMapper().readTree(in);
    }
    JsonNode recur = manifest.path("stages").path("recur");
    double seconds = recur.path("millis").asLong() / 1000.0;
    long tokens = recur.path("tokens_read").asLong();
    List<Double> taskSeconds = new ArrayList<>();
    java.util.Set<String> jvms = new java.util.TreeSet<>();
    for (JsonNode t : recur.path("tasks")) {
      if (t.path("tokens").asLong() > 0) {
        taskSeconds.add(t.path("millis").asLong() / 1000.0);
      }
      jvms.add(t.path("executor").asText().replaceAll(" gpu .*", ""));
    }
    double[] sorted = taskSeconds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double makespan = sorted.length == 0 ? 0 : sorted[sorted.length - 1];
    double median = Stats.median(sorted);
    return RowFactory.create(
        n,
        master,
        runDir,
        manifest.path("stages").path("ingest").path("documents").asLong(),
        tokens,
        seconds,
        seconds > 0 ? tokens / seconds : 0.0,
        sorted.length,
        jvms.size(),
        makespan,
        median,
        median > 0 ? makespan / median : 0.0,
        0.0,
        0.0);
  }

  /** Speedup and efficiency of each size against the smallest one measured. */
  static List<Row> withScaling(List<Row> rows) {
    Row base = rows.stream().min(java.util.Comparator.comparingInt(r -> r.getInt(0))).orElse(null);
    List<Row> out = new ArrayList<>();
    for (Row r : rows) {
      double speedup =
          base == null || base.getDouble(6) == 0 ? 0 : r.getDouble(6) / base.getDouble(6);
      double efficiency = speedup * base.getInt(0) / r.getInt(0);
      Object[] values = new Object[r.length()];
      for (int i = 0; i < values.length; i++) {
        values[i] = r.get(i);
      }
      values[12] = speedup;
      values[13] = efficiency;
      out.add(RowFactory.create(values));
    }
    return out;
  }

  static String markdown(List<Row> rows) {
    StringBuilder md = new StringBuilder();
    md.append(
        "| executors | master | documents | tokens | recur s | tokens/s | tasks | JVMs |"
            + " makespan s | median task s | skew | speedup | efficiency |\n");
    md.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %d | `%s` | %d | %,d | %.1f | %,.0f | %d | %d | %.1f | %.1f | %.2f | %.2f | %.2f |%n",
              r.getInt(0),
              r.getString(1),
              r.getLong(3),
              r.getLong(4),
              r.getDouble(5),
              r.getDouble(6),
              r.getInt(7),
              r.getInt(8),
              r.getDouble(9),
              r.getDouble(10),
              r.getDouble(11),
              r.getDouble(12),
              r.getDouble(13)));
    }
    return md.toString();
  }
}
