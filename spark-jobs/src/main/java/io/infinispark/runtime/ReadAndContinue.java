package io.infinispark.runtime;

import ai.djl.ndarray.NDManager;
import io.infinispark.model.Continuation;
import io.infinispark.model.InfiniTransformer;
import io.infinispark.model.ModelWeights;
import io.infinispark.model.Sampling;
import io.infinispark.tokenizer.TextTokenizer;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
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
 * A task that reads each document's segments in order (carrying the memory), appends a prompt, and
 * generates a continuation: what passkey answering and abstractive summaries both need. Input rows
 * start with doc_id, seg_idx, n_segments, tokens; further columns pass through to {@link Finish}.
 * {@link #over} lays them out as the task needs: a document's segments in one partition, in order.
 * Documents are read {@code lanes} at a time side by side ({@link Continuation}), as the recur
 * stage reads them; this class only adapts rows to it.
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

  /**
   * Runs this task over {@code rows}, grouped by document and sorted by segment; output rows of
   * {@code schema}.
   */
  public Dataset<Row> over(Dataset<Row> rows, int partitions, StructType schema) {
    int lanes = options.resolveLanes(rows.sparkSession().sparkContext().conf());
    ReadAndContinue resolved =
        new ReadAndContinue(
            weights, tokenizer, options.withLanes(lanes), prompt, newTokens, sampling, finish);
    Dataset<Row> byDocument = rows.repartition(partitions, functions.col("doc_id"));
    org.apache.spark.resource.ResourceProfile profile =
        options.taskProfile(rows.sparkSession().sparkContext().conf());
    if (profile != null) { // each task of this stage gets a GPU, as recur's do
      org.apache.spark.api.java.JavaRDD<Row> rdd = byDocument.javaRDD();
      rdd.rdd().withResources(profile);
      byDocument = rows.sparkSession().createDataFrame(rdd, byDocument.schema());
    }
    return byDocument
        .sortWithinPartitions("doc_id", "seg_idx")
        .mapPartitions(resolved, Encoders.row(schema));
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    if (!rows.hasNext()) {
      return Collections.emptyIterator();
    }
    InfiniTransformer model = ExecutorModels.forThisTask(weights.value(), options);
    int lanes = Math.max(1, options.lanes());
    List<Row> out = new ArrayList<>();
    try (NDManager base = NDManager.newBaseManager(model.device())) {
      Continuation continuation = new Continuation(model, base);
      List<Row> lastRows = new ArrayList<>();
      List<List<int[]>> documents = new ArrayList<>();
      while (rows.hasNext()) {
        List<int[]> segments = new ArrayList<>();
        lastRows.add(readDocument(rows, segments));
        documents.add(segments);
        if (documents.size() == lanes || !rows.hasNext()) {
          List<Sampling> perDocument = lastRows.stream().map(this::samplingFor).toList();
          int[][] generated =
              continuation.afterDocuments(documents, prompt, newTokens, perDocument);
          for (int d = 0; d < generated.length; d++) {
            out.add(finish.row(lastRows.get(d), tokenizer.value().decode(generated[d])));
          }
          lastRows.clear();
          documents.clear();
        }
      }
    }
    return out.iterator();
  }

  /** Adds one document's segments, in order, to {@code segments}; returns its last row. */
  private static Row readDocument(Iterator<Row> rows, List<int[]> segments) {
    Row r = rows.next();
    segments.add(tokens(r));
    while (r.getInt(1) + 1 < r.getInt(2)) {
      if (!rows.hasNext()) { // Spark's row iterators fill their buffer in hasNext()
        throw new IllegalStateException(
            "document "
                + r.getString(0)
                + ": segment "
                + (r.getInt(1) + 1)
                + " of "
                + r.getInt(2)
                + " is missing");
      }
      r = rows.next();
      segments.add(tokens(r));
    }
    return r;
  }

  /** The seed follows the document, not the partitioning or the lanes, so runs reproduce. */
  private Sampling samplingFor(Row last) {
    return new Sampling(
        sampling.temperature(), sampling.topP(), sampling.seed() ^ last.getString(0).hashCode());
  }

  private static int[] tokens(Row r) {
    return r.<Integer>getList(3).stream().mapToInt(Integer::intValue).toArray();
  }
}
