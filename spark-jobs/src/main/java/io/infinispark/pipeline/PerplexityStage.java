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
 * segments, for the documents the metrics stage kept. With {@code bucketTokens} 0 the buckets are
 * log-spaced, as long-context papers plot them: segment 0, then segments [2^(k−1), 2^k) — with
 * segments of 256, tokens 0–256, 256–512, 512–1K, 1K–2K, … — so a corpus of short and long books
 * has points at every scale; otherwise they are {@code bucketTokens} wide.
 */
public record PerplexityStage(int segmentLength, long bucketTokens, boolean ablation)
    implements Stage {
  @Override
  public String name() {
    return "perplexity";
  }

  /** The bucket width: {@code bucketTokens} rounded up to whole segments; 0 when log-spaced. */
  public long bucket() {
    return (bucketTokens + segmentLength - 1) / segmentLength * segmentLength;
  }

  public boolean logSpaced() {
    return bucketTokens == 0;
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
        .afterWrite(
            () -> Map.of("bucket_tokens", logSpaced() ? "log2 of segments" : bucket), () -> {});
  }

  private Dataset<Row> bucketed(RunTables tables, MemoryMode memory) {
    Dataset<Row> scored =
        tables.read(RunTable.segmentMetrics(memory)).withColumn("bucket", bucketOf(col("seg_idx")));
    return scored
        .groupBy("doc_id", "bucket")
        .agg(sum("n_predicted").as("n_predicted"), sum("nll_sum").as("nll_sum"))
        .withColumn("memory", lit(memory.label()))
        .withColumn("bucket_start", start(col("bucket")))
        .withColumn("bucket_end", start(col("bucket").plus(1)))
        .withColumn("perplexity", exp(col("nll_sum").divide(col("n_predicted"))));
  }

  /** A segment's bucket. log2(i + ½) keeps powers of two exact: i = 2^k is never 1 ulp short. */
  private Column bucketOf(Column segIdx) {
    if (logSpaced()) {
      return functions
          .when(segIdx.equalTo(0), lit(0))
          .otherwise(functions.floor(functions.log2(segIdx.plus(0.5))).plus(1))
          .cast("int");
    }
    return functions.floor(segIdx.multiply(segmentLength).divide(bucket())).cast("int");
  }

  /** The first token of a bucket. */
  private Column start(Column bucket) {
    if (logSpaced()) {
      return functions
          .when(bucket.equalTo(0), lit(0L))
          .otherwise(functions.pow(lit(2.0), bucket.minus(1)).multiply(segmentLength).cast("long"));
    }
    return bucket.cast("long").multiply(bucket());
  }
}
