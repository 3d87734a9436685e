package io.infinispark.jobs;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import ai.djl.ndarray.NDManager;
import io.infinispark.data.Tables;
import io.infinispark.eval.PasskeyScoring;
import io.infinispark.model.GreedyContinuation;
import io.infinispark.model.InfiniTransformer;
import io.infinispark.model.MemoryState;
import io.infinispark.model.ModelWeights;
import io.infinispark.tokenizer.TextTokenizer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Passkey retrieval: each example's segments are read in order through the model, carrying the
 * memory, then 10 tokens are generated greedily after the question and scored by {@link
 * PasskeyScoring}. One example at a time per task, so it works at any length.
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
    int partitions = (int) Math.max(1, Math.min(examples.count(), segments.sparkSession().sparkContext().defaultParallelism()));
    Dataset<Row> rows =
        segments
            .join(examples.select("doc_id", "requested_tokens", "depth", "passkey", "n_tokens"), "doc_id")
            .repartition(partitions, col("doc_id"))
            .sortWithinPartitions("doc_id", "seg_idx")
            .select("doc_id", "seg_idx", "n_segments", "tokens", "requested_tokens", "depth", "passkey", "n_tokens");
    return rows.mapPartitions(new Answer(weights, tokenizer, options), Encoders.row(Tables.PASSKEY));
  }

  /** Accuracy per (length, depth). */
  public static Dataset<Row> grid(Dataset<Row> results) {
    return results
        .groupBy("requested_tokens", "depth")
        .agg(count(lit(1)).as("examples"), avg(col("correct").cast("double")).as("accuracy"))
        .orderBy("requested_tokens", "depth");
  }

  private record Answer(Broadcast<ModelWeights> weights, Broadcast<TextTokenizer> tokenizer, RecurOptions options)
      implements MapPartitionsFunction<Row, Row> {
    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      if (!rows.hasNext()) {
        return java.util.Collections.emptyIterator();
      }
      InfiniTransformer model = ExecutorModels.forThisTask(weights.value(), options);
      List<Row> out = new ArrayList<>();
      try (NDManager base = NDManager.newBaseManager(model.device())) {
        MemoryState state = null;
        String doc = null;
        while (rows.hasNext()) {
          Row r = rows.next();
          if (!r.getString(0).equals(doc)) {
            if (state != null) {
              state.close();
            }
            state = model.newState(base, 1);
            doc = r.getString(0);
          }
          int[] tokens = r.<Integer>getList(3).stream().mapToInt(Integer::intValue).toArray();
          if (r.getInt(1) + 1 < r.getInt(2)) {
            try (NDManager scope = base.newSubManager()) {
              var ids = scope.create(tokens, new ai.djl.ndarray.types.Shape(1, tokens.length));
              model.step(ids, scope.ones(ids.getShape()), state);
            }
          } else {
            String predicted = tokenizer.value().decode(GreedyContinuation.generate(model, base, state, tokens, NEW_TOKENS));
            out.add(RowFactory.create(doc, r.getLong(4), r.getDouble(5), r.getString(6), r.getLong(7), predicted,
                PasskeyScoring.correct(predicted, r.getString(6))));
          }
        }
        if (state != null) {
          state.close();
        }
      }
      return out.iterator();
    }
  }
}
