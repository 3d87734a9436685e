package io.infinispark.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;

import io.infinispark.data.Tables;
import io.infinispark.eval.Rouge;
import io.infinispark.eval.TextRank;
import io.infinispark.model.ModelWeights;
import io.infinispark.tokenizer.TextTokenizer;
import java.util.List;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** documents → summaries (TextRank, on the executors); summaries + references → ROUGE. */
public final class SummaryStage {
  public static final String TEXTRANK = "textrank";
  public static final String ABSTRACTIVE = "abstractive";

  private SummaryStage() {}

  public static Dataset<Row> summarize(Dataset<Row> documents, int words) {
    return documents
        .select("doc_id", "text")
        .map((MapFunction<Row, Row>) r -> textRank(r.getString(0), r.getString(1), words), Encoders.row(Tables.SUMMARIES));
  }

  private static Row textRank(String docId, String text, int words) {
    List<TextRank.Sentence> sentences = TextRank.summarize(text, words);
    String summary = String.join(" ", sentences.stream().map(TextRank.Sentence::text).toList());
    return RowFactory.create(docId, TEXTRANK, summary, Rouge.tokens(summary).size(),
        sentences.stream().mapToInt(TextRank.Sentence::start).toArray(),
        sentences.stream().mapToInt(TextRank.Sentence::end).toArray());
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
    ReadAndContinue.Finish finish = (r, generated) -> {
      String summary = generated.strip();
      return RowFactory.create(r.getString(0), ABSTRACTIVE, summary, Rouge.tokens(summary).size(), new int[0], new int[0]);
    };
    return new ReadAndContinue(weights, tokenizer, options, prompt, abstractive.tokens(), abstractive.sampling(), finish)
        .over(segments.select("doc_id", "seg_idx", "n_segments", "tokens"), partitions, Tables.SUMMARIES);
  }

  /** ROUGE of every summary whose document has references. */
  public static Dataset<Row> rouge(Dataset<Row> summaries, Dataset<Row> references) {
    Dataset<Row> grouped = references.groupBy("doc_id").agg(collect_list(col("summary")).as("refs"));
    return summaries
        .join(grouped, "doc_id")
        .select("doc_id", "method", "summary", "refs")
        .map((MapFunction<Row, Row>) SummaryStage::score, Encoders.row(Tables.ROUGE));
  }

  private static Row score(Row r) {
    List<String> refs = r.getList(3);
    Rouge.Scores s = Rouge.best(refs, r.getString(2));
    return RowFactory.create(r.getString(0), r.getString(1), refs.size(),
        s.rouge1().f1(), s.rouge1().precision(), s.rouge1().recall(),
        s.rouge2().f1(), s.rouge2().precision(), s.rouge2().recall(),
        s.rougeL().f1(), s.rougeL().precision(), s.rougeL().recall());
  }
}
