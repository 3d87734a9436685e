package io.infinispark.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import io.infinispark.data.RunTable;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;

/**
 * segments + segment metrics → per-document metrics. A document that did not fail outright but
 * still lacks segments gets an error instead of a perplexity. With the ablation, the reset
 * reading's perplexity and the memory's gain, for documents it read whole.
 */
public record DocMetricsStage(boolean ablation) implements Stage {
  @Override
  public String name() {
    return "metrics";
  }

  @Override
  public StageOutput run(RunTables tables) {
    Dataset<Row> perDoc = perDocument(tables);
    Column reason =
        functions.concat(
            lit("read "),
            col("read").cast("string"),
            lit(" of "),
            col("n_segments").cast("string"),
            lit(" segments"));
    Dataset<Row> incomplete =
        StageOutput.errorRows(perDoc.filter(functions.not(col("complete"))), "recur", reason);
    return StageOutput.of(RunTable.DOC_METRICS, perDoc.filter(col("complete")))
        .withErrors(incomplete);
  }

  /** Every document's sums, with {@code complete}: whether all its segments were read. */
  Dataset<Row> perDocument(RunTables tables) {
    Dataset<Row> expected =
        tables
            .read(RunTable.SEGMENTS)
            .filter(col("seg_idx").equalTo(0))
            .select("doc_id", "n_segments");
    Dataset<Row> failed =
        tables
            .read(RunTable.ERRORS)
            .filter(col("stage").equalTo("recur"))
            .select("doc_id")
            .distinct();
    Dataset<Row> sums =
        tables
            .read(RunTable.SEGMENT_METRICS)
            .groupBy("doc_id")
            .agg(
                sum("n_tokens").as("n_tokens"),
                count(lit(1)).as("read"),
                sum("n_predicted").as("n_predicted"),
                sum("nll_sum").as("nll_sum"),
                sum("millis").as("millis"))
            .join(expected, "doc_id");
    Dataset<Row> metrics =
        sums.join(failed, sums.col("doc_id").equalTo(failed.col("doc_id")), "left_anti")
            .withColumn("complete", col("read").equalTo(col("n_segments")))
            .withColumn("perplexity", exp(col("nll_sum").divide(col("n_predicted"))))
            .withColumn(
                "tokens_per_second",
                col("n_tokens").divide(greatest(col("millis"), lit(1)).divide(1000.0)));
    Column whole = col("read_reset").equalTo(col("n_segments"));
    return metrics
        .join(resetReading(tables, metrics), "doc_id", "left")
        .withColumn("perplexity_reset", functions.when(whole, col("reset_perplexity")))
        .withColumn(
            "memory_gain",
            functions.when(whole, lit(1).minus(col("perplexity").divide(col("reset_perplexity")))));
  }

  private Dataset<Row> resetReading(RunTables tables, Dataset<Row> like) {
    if (!ablation) {
      return like.sparkSession()
          .createDataFrame(
              List.of(),
              new StructType()
                  .add("doc_id", "string")
                  .add("read_reset", "long")
                  .add("reset_perplexity", "double"));
    }
    return tables
        .read(RunTable.SEGMENT_METRICS_RESET)
        .groupBy("doc_id")
        .agg(
            count(lit(1)).as("read_reset"),
            exp(sum("nll_sum").divide(sum("n_predicted"))).as("reset_perplexity"));
  }
}
