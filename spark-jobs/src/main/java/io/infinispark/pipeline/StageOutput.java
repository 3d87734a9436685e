package io.infinispark.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;

import io.infinispark.data.RunTable;
import io.infinispark.data.Tables;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * What a stage produced: rows for each table it writes, rows for the run's errors table, figures
 * only known once the rows are written (read from accumulators), and what to release afterwards.
 */
public record StageOutput(
    Map<RunTable, Dataset<Row>> tables,
    Dataset<Row> errors,
    Supplier<Map<String, Object>> figures,
    Runnable release) {

  /** Rows of one table, no errors. */
  public static StageOutput of(RunTable table, Dataset<Row> rows) {
    return new StageOutput(Map.of(table, rows), noErrors(rows.sparkSession()), Map::of, () -> {});
  }

  /**
   * A stage's rows in its table's schema plus a trailing {@code error} column ({@link
   * Tables#withError}): rows without an error go to {@code table}, and each document with one gets
   * one error row naming the stage. Computed once: the rows are cached until written.
   */
  public static StageOutput split(RunTable table, Dataset<Row> staged, String stage) {
    Dataset<Row> cached = staged.persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> errors =
        errorRows(
            cached
                .filter(col("error").isNotNull())
                .groupBy("doc_id")
                .agg(first("error").as("error")),
            stage,
            col("error"));
    return new StageOutput(
        Map.of(table, cached.filter(col("error").isNull())), errors, Map::of, cached::unpersist);
  }

  /** This output with another table's rows. */
  public StageOutput and(RunTable table, Dataset<Row> rows) {
    Map<RunTable, Dataset<Row>> more = new LinkedHashMap<>(tables);
    more.put(table, rows);
    return new StageOutput(more, errors, figures, release);
  }

  /** This output with more error rows (in the errors table's schema). */
  public StageOutput withErrors(Dataset<Row> more) {
    return new StageOutput(
        tables,
        errors.unionByName(more.select(RunWriter.columns(Tables.ERRORS))),
        figures,
        release);
  }

  /** This output with figures read after the write, and something more to do then. */
  public StageOutput afterWrite(Supplier<Map<String, Object>> read, Runnable alsoRelease) {
    Runnable previous = release;
    return new StageOutput(
        tables,
        errors,
        read,
        () -> {
          try {
            previous.run();
          } finally {
            alsoRelease.run();
          }
        });
  }

  /** One error row per row of {@code documents}: its doc_id, the stage and {@code reason}. */
  static Dataset<Row> errorRows(Dataset<Row> documents, String stage, Column reason) {
    return documents.select(
        col("doc_id"),
        lit(null).cast("string").as("source"),
        lit(stage).as("stage"),
        reason.as("reason"));
  }

  static Dataset<Row> noErrors(SparkSession spark) {
    return spark.createDataFrame(java.util.List.of(), Tables.ERRORS);
  }
}
