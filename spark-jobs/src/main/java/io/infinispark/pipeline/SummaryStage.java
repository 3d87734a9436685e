package io.infinispark.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;

import io.infinispark.data.RunTable;
import io.infinispark.data.Tables;
import io.infinispark.eval.Rouge;
import io.infinispark.model.MemoryMode;
import io.infinispark.model.ModelWeights;
import io.infinispark.runtime.ReadAndContinue;
import io.infinispark.runtime.RecurOptions;
import io.infinispark.summary.CoverageSummary;
import io.infinispark.summary.Extractive;
import io.infinispark.summary.MemoryGainSummary;
import io.infinispark.summary.Prose;
import io.infinispark.summary.Sections;
import io.infinispark.summary.SummaryMethods;
import io.infinispark.summary.TextRank;
import io.infinispark.tokenizer.TextTokenizer;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * documents → summaries, all on the executors. Every document gets the {@link SummaryMethods#LEAD}
 * baseline (its first N words), TextRank and the default {@link CoverageSummary} of its cleaned
 * prose ({@link Prose}); a long one also a coverage summary per section ({@link Sections}). With
 * the memory ablation, the model-guided summary ({@link MemoryGainSummary}); with {@code
 * abstractive.tokens() > 0}, abstractive summaries generated after each document.
 */
public record SummaryStage(
    int words,
    int sectionWords,
    boolean memoryGain,
    Broadcast<TextTokenizer> tokenizer,
    Broadcast<ModelWeights> weights,
    RecurOptions recur,
    AbstractiveOptions abstractive)
    implements Stage {
  @Override
  public String name() {
    return "summarize";
  }

  @Override
  public StageOutput run(RunTables tables) {
    Dataset<Row> documents = tables.read(RunTable.DOCUMENTS);
    Dataset<Row> summaries = summarize(documents, words, sectionWords);
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

  /** The text-only summaries of every document: lead, TextRank, coverage and its sections. */
  public static Dataset<Row> summarize(Dataset<Row> documents, int words, int sectionWords) {
    return documents
        .select("doc_id", "text")
        .flatMap(
            (FlatMapFunction<Row, Row>)
                r -> textOnly(r.getString(0), r.getString(1), words, sectionWords).iterator(),
            Encoders.row(Tables.SUMMARIES));
  }

  static List<Row> textOnly(String docId, String text, int words, int sectionWords) {
    Prose prose = Prose.of(text);
    List<Row> rows = new ArrayList<>();
    rows.add(extracted(docId, SummaryMethods.LEAD, prose.lead(words)));
    rows.add(
        extracted(docId, SummaryMethods.TEXTRANK, TextRank.summarize(prose.sentences(), words)));
    rows.add(
        extracted(
            docId, SummaryMethods.COVERAGE, CoverageSummary.summarize(prose.sentences(), words)));
    if (sectionWords > 0) {
      for (Sections.Section section : Sections.of(prose, text.length())) {
        List<Extractive.Sentence> sentences =
            prose.sentences().subList(section.from(), section.to());
        rows.add(
            row(
                docId,
                SummaryMethods.COVERAGE,
                CoverageSummary.summarize(sentences, sectionWords),
                section.index(),
                section.title(),
                section.start(),
                section.end()));
      }
    }
    return rows;
  }

  private static Row extracted(String docId, String method, List<Extractive.Sentence> sentences) {
    return row(docId, method, sentences, null, null, null, null);
  }

  private static Row row(
      String docId,
      String method,
      List<Extractive.Sentence> sentences,
      Integer section,
      String title,
      Integer start,
      Integer end) {
    String summary = String.join(" ", sentences.stream().map(Extractive.Sentence::text).toList());
    return RowFactory.create(
        docId,
        method,
        summary,
        Rouge.wordCount(summary),
        sentences.stream().mapToInt(Extractive.Sentence::start).toArray(),
        sentences.stream().mapToInt(Extractive.Sentence::end).toArray(),
        section,
        title,
        start,
        end);
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
              return extracted(r.getString(0), SummaryMethods.MEMORY_GAIN, sentences);
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
              SummaryMethods.ABSTRACTIVE,
              summary,
              Rouge.wordCount(summary),
              new int[0],
              new int[0],
              null,
              null,
              null,
              null);
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
