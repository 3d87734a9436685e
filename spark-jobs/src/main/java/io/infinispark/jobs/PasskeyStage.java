package io.infinispark.jobs;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import io.infinispark.data.Tables;
import io.infinispark.eval.PasskeyScoring;
import io.infinispark.model.ModelWeights;
import io.infinispark.model.Sampling;
import io.infinispark.tokenizer.TextTokenizer;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Passkey retrieval: each example's segments are read in order through the model, carrying the
 * memory, then tokens are generated greedily after the question (10, as the paper's harness does,
 * or the key's digits and two more when keys are longer) and scored by {@link PasskeyScoring}. One
 * example at a time per task, so it works at any length.
 */
public final class PasskeyStage {
  public static final int NEW_TOKENS = 10;

  private PasskeyStage() {}

  /** Rows of {@link Tables#PASSKEY}. */
  public static Dataset<Row> run(
      Dataset<Row> examples,
      Dataset<Row> segments,
      Broadcast<ModelWeights> weights,
      Broadcast<TextTokenizer> tokenizer,
      RecurOptions options) {
    int partitions =
        (int)
            Math.max(
                1,
                Math.min(
                    examples.count(), segments.sparkSession().sparkContext().defaultParallelism()));
    Dataset<Row> rows =
        segments
            .join(
                examples.select("doc_id", "requested_tokens", "depth", "passkey", "n_tokens"),
                "doc_id")
            .select(
                "doc_id",
                "seg_idx",
                "n_segments",
                "tokens",
                "requested_tokens",
                "depth",
                "passkey",
                "n_tokens");
    Row longest = examples.agg(max(length(col("passkey")))).first();
    int longestKey = longest.isNullAt(0) ? 0 : longest.getInt(0); // null: no examples
    int newTokens = Math.max(NEW_TOKENS, longestKey + 2);
    ReadAndContinue.Finish answer =
        (r, predicted) ->
            RowFactory.create(
                r.getString(0),
                r.getLong(4),
                r.getDouble(5),
                r.getString(6),
                r.getLong(7),
                predicted,
                PasskeyScoring.correct(predicted, r.getString(6)));
    return new ReadAndContinue(
            weights, tokenizer, options, new int[0], newTokens, Sampling.GREEDY, answer)
        .over(rows, partitions, Tables.PASSKEY);
  }

  /** Accuracy per (length, depth). */
  public static Dataset<Row> grid(Dataset<Row> results) {
    return results
        .groupBy("requested_tokens", "depth")
        .agg(count(lit(1)).as("examples"), avg(col("correct").cast("double")).as("accuracy"))
        .orderBy("requested_tokens", "depth");
  }
}
