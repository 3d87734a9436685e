package io.infinispark.jobs;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.infinispark.model.GreedyContinuation;
import io.infinispark.model.InfiniTransformer;
import io.infinispark.model.MemoryState;
import io.infinispark.model.ModelWeights;
import io.infinispark.model.Sampling;
import io.infinispark.tokenizer.TextTokenizer;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;

/**
 * A task that reads each document's segments in order (carrying the memory), appends a prompt,
 * and generates a continuation: what passkey answering and abstractive summaries both need.
 * Input rows start with doc_id, seg_idx, n_segments, tokens; further columns pass through to
 * {@link Finish}. {@link #over} lays them out as the task needs: a document's segments in one
 * partition, in order. One document at a time, so any length works.
 */
public record ReadAndContinue(
    Broadcast<ModelWeights> weights,
    Broadcast<TextTokenizer> tokenizer,
    RecurOptions options,
    int[] prompt,
    int newTokens,
    Sampling sampling,
    Finish finish)
    implements MapPartitionsFunction<Row, Row> {

  /** Turns a document's last input row and its generated text into the output row. */
  public interface Finish extends Serializable {
    Row row(Row last, String generated);
  }

  /** Runs this task over {@code rows}, grouped by document and sorted by segment; output rows of {@code schema}. */
  public Dataset<Row> over(Dataset<Row> rows, int partitions, StructType schema) {
    return rows.repartition(partitions, functions.col("doc_id"))
        .sortWithinPartitions("doc_id", "seg_idx")
        .mapPartitions(this, Encoders.row(schema));
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    if (!rows.hasNext()) {
      return java.util.Collections.emptyIterator();
    }
    InfiniTransformer model = ExecutorModels.forThisTask(weights.value(), options);
    int t = model.config().segmentLength();
    List<Row> out = new ArrayList<>();
    try (NDManager base = NDManager.newBaseManager(model.device())) {
      while (rows.hasNext()) {
        Row r = rows.next();
        try (MemoryState state = model.newState(base, 1)) {
          while (r.getInt(1) + 1 < r.getInt(2)) { // every segment but the last goes into memory
            write(model, base, state, tokens(r));
            if (!rows.hasNext()) { // Spark's row iterators fill their buffer in hasNext()
              throw new IllegalStateException(
                  "document " + r.getString(0) + ": segment " + (r.getInt(1) + 1) + " of " + r.getInt(2) + " is missing");
            }
            r = rows.next();
          }
          int[] last = tokens(r);
          int[] open = Arrays.copyOf(last, last.length + prompt.length);
          System.arraycopy(prompt, 0, open, last.length, prompt.length);
          if (open.length > t) {
            write(model, base, state, last);
            open = prompt;
          }
          // the seed follows the document, not the partitioning, so runs reproduce
          Sampling perDocument = new Sampling(sampling.temperature(), sampling.topP(), sampling.seed() ^ r.getString(0).hashCode());
          int[] generated = GreedyContinuation.generate(model, base, state, open, newTokens, perDocument);
          out.add(finish.row(r, tokenizer.value().decode(generated)));
        }
      }
    }
    return out.iterator();
  }

  private static void write(InfiniTransformer model, NDManager base, MemoryState state, int[] tokens) {
    try (NDManager scope = base.newSubManager()) {
      var ids = scope.create(tokens, new Shape(1, tokens.length));
      model.step(ids, scope.ones(ids.getShape()), state);
    }
  }

  private static int[] tokens(Row r) {
    return r.<Integer>getList(3).stream().mapToInt(Integer::intValue).toArray();
  }
}
