package io.infinispark.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import io.infinispark.data.RunTable;
import io.infinispark.model.MemoryMode;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * segment metrics → perplexity by position: sums per document, memory mode and bucket of whole
 * segments, for the documents the metrics stage kept.
 */
public record PerplexityStage(int segmentLength, long bucketTokens, boolean ablation)
    implements Stage {
  @Override
  public String name() {
    return "perplexity";
  }

  /** The bucket width: {@code bucketTokens} rounded up to whole segments. */
  public long bucket() {
    return (bucketTokens + segmentLength - 1) / segmentLength * segmentLength;
  }

  @Override
  public StageOutput run(RunTables tables) {
    Dataset<Row> modes = bucketed(tables, MemoryMode.CARRIED);
    if (ablation) {
      modes = modes.unionByName(bucketed(tables, MemoryMode.RESET));
    }
    Dataset<Row> complete = tables.read(RunTable.DOC_METRICS).select("doc_id");
    long bucket = bucket();
    return StageOutput.of(RunTable.PERPLEXITY, modes.join(complete, "doc_id"))
        .afterWrite(() -> Map.of("bucket_tokens", bucket), () -> {});
  }

  private Dataset<Row> bucketed(RunTables tables, MemoryMode memory) {
    long bucket = bucket();
    Column index =
        functions.floor(col("seg_idx").multiply(segmentLength).divide(bucket)).cast("int");
    return tables
        .read(RunTable.segmentMetrics(memory))
        .withColumn("bucket", index)
        .groupBy("doc_id", "bucket")
        .agg(sum("n_predicted").as("n_predicted"), sum("nll_sum").as("nll_sum"))
        .withColumn("memory", lit(memory.label()))
        .withColumn("bucket_start", col("bucket").cast("long").multiply(bucket))
        .withColumn("bucket_end", col("bucket").plus(1).cast("long").multiply(bucket))
        .withColumn("perplexity", exp(col("nll_sum").divide(col("n_predicted"))));
  }
}
