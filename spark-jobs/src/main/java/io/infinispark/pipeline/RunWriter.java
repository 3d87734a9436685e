package io.infinispark.pipeline;

import io.infinispark.data.RunTable;
import io.infinispark.data.SparkSessions;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
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
  private final boolean resuming;

  RunWriter(SparkSession spark, String runDir, Progress progress, RunManifest manifest) {
    this(spark, runDir, progress, manifest, false);
  }

  /**
   * @param resuming the run directory holds an interrupted run: stages its manifest records as
   *     finished are kept, a resumable stage continues, any other is run again from scratch
   */
  RunWriter(
      SparkSession spark,
      String runDir,
      Progress progress,
      RunManifest manifest,
      boolean resuming) {
    this.spark = spark;
    this.runDir = runDir;
    this.progress = progress;
    this.manifest = manifest;
    this.resuming = resuming;
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

  /**
   * Runs {@code stage} on tables read from {@code from} (e.g. a passkey set stored elsewhere). Each
   * part the stage returns is written before the next is computed; a resumable stage appends to
   * what an interrupted run of it left, any other starts its tables afresh.
   */
  void run(Stage stage, RunTables from) {
    if (resuming && manifest != null && manifest.finished(stage.name())) {
      progress.kept(stage.name());
      return;
    }
    boolean fresh = resuming && !stage.resumable();
    if (fresh) {
      dropErrorsOf(stage.name());
    }
    progress.stage(stage.name());
    long started = System.currentTimeMillis();
    Map<String, Object> counts = new LinkedHashMap<>();
    Set<RunTable> written = new LinkedHashSet<>();
    SaveMode mode = stage.resumable() ? SaveMode.Append : SaveMode.ErrorIfExists;
    for (Iterator<StageOutput> parts = stage.parts(from); parts.hasNext(); ) {
      StageOutput output = parts.next();
      try {
        output
            .tables()
            .forEach(
                (table, rows) -> {
                  if (fresh && !written.contains(table)) {
                    delete(table.in(runDir));
                  }
                  write(table, rows, mode);
                });
        write(RunTable.ERRORS, output.errors(), SaveMode.Append);
        counts.putAll(output.figures().get());
      } finally {
        output.release().run();
      }
      written.addAll(output.tables().keySet());
    }
    for (RunTable table : written) {
      counts.put(table.directory(), tables().read(table).count());
    }
    long millis = System.currentTimeMillis() - started;
    if (manifest != null) {
      manifest.stage(stage.name(), millis, counts);
    }
    progress.stageDone(stage.name(), millis, counts);
  }

  /** Removes the error rows an interrupted run of {@code stage} appended, if there are any. */
  private void dropErrorsOf(String stage) {
    RunTables tables = tables();
    if (!tables.has(RunTable.ERRORS)
        || tables.read(RunTable.ERRORS).filter(functions.col("stage").equalTo(stage)).isEmpty()) {
      return;
    }
    String rewritten = runDir + "/.errors-rewrite";
    delete(rewritten);
    tables
        .read(RunTable.ERRORS)
        .filter(functions.col("stage").notEqual(stage))
        .write()
        .parquet(rewritten);
    delete(RunTable.ERRORS.in(runDir));
    rename(rewritten, RunTable.ERRORS.in(runDir));
  }

  private void delete(String path) {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
    try {
      p.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(p, true);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot delete " + path, e);
    }
  }

  private void rename(String from, String to) {
    org.apache.hadoop.fs.Path source = new org.apache.hadoop.fs.Path(from);
    try {
      if (!source
          .getFileSystem(spark.sparkContext().hadoopConfiguration())
          .rename(source, new org.apache.hadoop.fs.Path(to))) {
        throw new java.io.IOException("rename refused");
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot rename " + from + " to " + to, e);
    }
  }

  private void write(RunTable table, Dataset<Row> rows, SaveMode mode) {
    rows.select(columns(table.schema())).write().mode(mode).parquet(table.in(runDir));
  }

  static Column[] columns(StructType schema) {
    return Arrays.stream(schema.fieldNames()).map(functions::col).toArray(Column[]::new);
  }
}
