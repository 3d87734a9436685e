package io.infinispark.pipeline;

import io.infinispark.data.RunTable;
import io.infinispark.data.SparkSessions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;

/**
 * Runs stages against one run directory: each stage's tables are written (in their registered
 * schema) before the next stage reads them back, so a failure never loses what earlier stages
 * wrote; error rows are appended to the errors table; each stage's time and row counts go to the
 * manifest (when the run has one: {@code eval} writes none) and the progress lines.
 */
public final class RunWriter {
  private final SparkSession spark;
  private final String runDir;
  private final Progress progress;
  private final RunManifest manifest;

  RunWriter(SparkSession spark, String runDir, Progress progress, RunManifest manifest) {
    this.spark = spark;
    this.runDir = runDir;
    this.progress = progress;
    this.manifest = manifest;
  }

  /**
   * Refuses a run directory that already exists, naming it, before anything is written: a run is
   * never written over another, and the other's manifest stays as it was.
   */
  public static void requireNew(SparkSession spark, String runDir) {
    if (SparkSessions.exists(spark, runDir)) {
      throw new IllegalArgumentException(
          "the run directory " + runDir + " already exists: choose another --run-id");
    }
  }

  RunTables tables() {
    return RunTables.in(spark, runDir);
  }

  void run(Stage stage) {
    run(stage, tables());
  }

  /** Runs {@code stage} on tables read from {@code from} (e.g. a passkey set stored elsewhere). */
  void run(Stage stage, RunTables from) {
    progress.stage(stage.name());
    long started = System.currentTimeMillis();
    StageOutput output = stage.run(from);
    Map<String, Object> counts = new LinkedHashMap<>();
    try {
      output.tables().forEach((table, rows) -> write(table, rows, SaveMode.ErrorIfExists));
      write(RunTable.ERRORS, output.errors(), SaveMode.Append);
      counts.putAll(output.figures().get());
    } finally {
      output.release().run();
    }
    for (RunTable table : output.tables().keySet()) {
      counts.put(table.directory(), tables().read(table).count());
    }
    long millis = System.currentTimeMillis() - started;
    if (manifest != null) {
      manifest.stage(stage.name(), millis, counts);
    }
    progress.stageDone(stage.name(), millis, counts);
  }

  private void write(RunTable table, Dataset<Row> rows, SaveMode mode) {
    rows.select(columns(table.schema())).write().mode(mode).parquet(table.in(runDir));
  }

  static Column[] columns(StructType schema) {
    return Arrays.stream(schema.fieldNames()).map(functions::col).toArray(Column[]::new);
  }
}
