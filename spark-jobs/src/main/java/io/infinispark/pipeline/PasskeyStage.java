package io.infinispark.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.max;

import io.infinispark.data.RunTable;
import io.infinispark.data.Tables;
import io.infinispark.eval.PasskeyScoring;
import io.infinispark.model.ModelWeights;
import io.infinispark.model.Sampling;
import io.infinispark.runtime.ReadAndContinue;
import io.infinispark.runtime.RecurOptions;
import io.infinispark.tokenizer.TextTokenizer;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Passkey retrieval: each example is read in order through the model, carrying the memory, then
 * tokens are generated greedily after the question (10, as the paper's harness does, or the key's
 * digits and two more when keys are longer) and scored by {@link PasskeyScoring}. The example is
 * cut into segments from its end ({@link io.infinispark.model.Continuation}), so the answer is
 * generated in the question's segment and everything before that segment, the needle included
 * unless it lies within its last {@code segment length − new tokens} tokens, is read through the
 * memory. Examples are read side by side in {@code options.lanes()} lanes, each segment by segment,
 * so it works at any length.
 */
public record PasskeyStage(
    Broadcast<ModelWeights> weights, Broadcast<TextTokenizer> tokenizer, RecurOptions options)
    implements Stage {
  public static final int NEW_TOKENS = 10;

  @Override
  public String name() {
    return "passkey";
  }

  @Override
  public StageOutput run(RunTables tables) {
    return StageOutput.of(
        RunTable.PASSKEY,
        answers(tables.read(RunTable.PASSKEY_EXAMPLES), tables.read(RunTable.PASSKEY_SEGMENTS)));
  }

  /** Rows of {@link Tables#PASSKEY}: the examples' answers, read in lanes of documents. */
  public Dataset<Row> answers(Dataset<Row> examples, Dataset<Row> segments) {
    int partitions =
        options.partitions() > 0
            ? options.partitions()
            : (int)
                Math.max(
                    1,
                    Math.min(
                        examples.count(),
                        segments.sparkSession().sparkContext().defaultParallelism()));
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
}
