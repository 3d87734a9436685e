package io.infinispark.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;

import io.infinispark.data.RunTable;
import io.infinispark.data.Tables;
import io.infinispark.eval.Extractive;
import io.infinispark.eval.MemoryGainSummary;
import io.infinispark.eval.Rouge;
import io.infinispark.eval.TextRank;
import io.infinispark.model.MemoryMode;
import io.infinispark.model.ModelWeights;
import io.infinispark.runtime.ReadAndContinue;
import io.infinispark.runtime.RecurOptions;
import io.infinispark.tokenizer.TextTokenizer;
import java.util.List;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * documents → summaries: TextRank (text only); with the memory ablation the model-guided summary
 * ({@link MemoryGainSummary}); with {@code abstractive.tokens() > 0} abstractive summaries
 * generated after each document. All on the executors.
 */
public record SummaryStage(
    int words,
    boolean memoryGain,
    Broadcast<TextTokenizer> tokenizer,
    Broadcast<ModelWeights> weights,
    RecurOptions recur,
    AbstractiveOptions abstractive)
    implements Stage {
  public static final String TEXTRANK = "textrank";
  public static final String ABSTRACTIVE = "abstractive";
  public static final String MEMORY_GAIN = "memory-gain";

  @Override
  public String name() {
    return "summarize";
  }

  @Override
  public StageOutput run(RunTables tables) {
    Dataset<Row> documents = tables.read(RunTable.DOCUMENTS);
    Dataset<Row> summaries = summarize(documents, words);
    if (memoryGain) {
      summaries =
          summaries.unionByName(
              memoryGain(
                  documents,
                  tables.read(RunTable.SEGMENTS),
                  tables.read(RunTable.SEGMENT_METRICS),
                  tables.read(RunTable.SEGMENT_METRICS_RESET),
                  tokenizer,
                  words));
    }
    if (abstractive.tokens() > 0) {
      summaries =
          summaries.unionByName(
              abstractive(tables.read(RunTable.SEGMENTS), weights, tokenizer, recur, abstractive));
    }
    return StageOutput.of(RunTable.SUMMARIES, summaries);
  }

  public static Dataset<Row> summarize(Dataset<Row> documents, int words) {
    return documents
        .select("doc_id", "text")
        .map(
            (MapFunction<Row, Row>) r -> textRank(r.getString(0), r.getString(1), words),
            Encoders.row(Tables.SUMMARIES));
  }

  private static Row textRank(String docId, String text, int words) {
    return extracted(docId, TEXTRANK, TextRank.summarize(text, words));
  }

  private static Row extracted(String docId, String method, List<Extractive.Sentence> sentences) {
    String summary = String.join(" ", sentences.stream().map(Extractive.Sentence::text).toList());
    return RowFactory.create(
        docId,
        method,
        summary,
        Rouge.wordCount(summary),
        sentences.stream().mapToInt(Extractive.Sentence::start).toArray(),
        sentences.stream().mapToInt(Extractive.Sentence::end).toArray());
  }

  /**
   * The model-guided extractive summary ({@link MemoryGainSummary}): each document's per-token NLL
   * with its memory carried and reset, laid over its sentences through the tokenizer's offsets.
   * Documents missing from either reading (failed ones) get no summary of this kind.
   */
  public static Dataset<Row> memoryGain(
      Dataset<Row> documents,
      Dataset<Row> segments,
      Dataset<Row> carried,
      Dataset<Row> reset,
      Broadcast<TextTokenizer> tokenizer,
      int words) {
    Dataset<Row> joined =
        documents
            .select("doc_id", "text")
            .join(perDocument(segments, "tokens", "tokens"), "doc_id")
            .join(perDocument(carried, "token_nll", MemoryMode.CARRIED.label()), "doc_id")
            .join(perDocument(reset, "token_nll", MemoryMode.RESET.label()), "doc_id");
    return joined.map(
        (MapFunction<Row, Row>)
            r -> {
              String text = r.getString(1);
              int[] tokens = ints(r.getList(2));
              int[] ends = tokenizer.value().tokenEnds(text, tokens);
              List<Extractive.Sentence> sentences =
                  MemoryGainSummary.summarize(
                      text, ends, floats(r.getList(3)), floats(r.getList(4)), words);
              return extracted(r.getString(0), MEMORY_GAIN, sentences);
            },
        Encoders.row(Tables.SUMMARIES));
  }

  /** One row per document: the array column of its segments, concatenated in segment order. */
  private static Dataset<Row> perDocument(Dataset<Row> perSegment, String column, String as) {
    return perSegment
        .groupBy("doc_id")
        .agg(sort_array(collect_list(struct(col("seg_idx"), col(column)))).as("parts"))
        .select(col("doc_id"), flatten(col("parts." + column)).as(as));
  }

  private static int[] ints(List<Integer> list) {
    return list.stream().mapToInt(Integer::intValue).toArray();
  }

  private static float[] floats(List<Float> list) {
    float[] out = new float[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = list.get(i);
    }
    return out;
  }

  /** Abstractive summaries: each document read in order, then continued after the prompt. */
  public static Dataset<Row> abstractive(
      Dataset<Row> segments,
      Broadcast<ModelWeights> weights,
      Broadcast<TextTokenizer> tokenizer,
      RecurOptions options,
      AbstractiveOptions abstractive) {
    int[] prompt = tokenizer.value().encode(AbstractiveOptions.PROMPT);
    int partitions = Math.max(1, segments.sparkSession().sparkContext().defaultParallelism());
    ReadAndContinue.Finish finish =
        (r, generated) -> {
          String summary = generated.strip();
          return RowFactory.create(
              r.getString(0),
              ABSTRACTIVE,
              summary,
              Rouge.wordCount(summary),
              new int[0],
              new int[0]);
        };
    return new ReadAndContinue(
            weights,
            tokenizer,
            options,
            prompt,
            abstractive.tokens(),
            abstractive.sampling(),
            finish)
        .over(
            segments.select("doc_id", "seg_idx", "n_segments", "tokens"),
            partitions,
            Tables.SUMMARIES);
  }
}
