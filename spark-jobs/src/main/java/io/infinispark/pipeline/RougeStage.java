package io.infinispark.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;

import io.infinispark.data.RunTable;
import io.infinispark.data.Tables;
import io.infinispark.eval.Rouge;
import java.util.List;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** summaries + references → ROUGE, for the documents that came with reference summaries. */
public record RougeStage() implements Stage {
  @Override
  public String name() {
    return "rouge";
  }

  @Override
  public StageOutput run(RunTables tables) {
    return StageOutput.of(
        RunTable.ROUGE, rouge(tables.read(RunTable.SUMMARIES), tables.read(RunTable.REFERENCES)));
  }

  /**
   * ROUGE of every whole-document summary whose document has references (references are of books,
   * not sections).
   */
  public static Dataset<Row> rouge(Dataset<Row> summaries, Dataset<Row> references) {
    Dataset<Row> grouped =
        references.groupBy("doc_id").agg(collect_list(col("summary")).as("refs"));
    return summaries
        .filter(col("section").isNull())
        .join(grouped, "doc_id")
        .select("doc_id", "method", "summary", "refs")
        .map((MapFunction<Row, Row>) RougeStage::score, Encoders.row(Tables.ROUGE));
  }

  private static Row score(Row r) {
    List<String> refs = r.getList(3);
    Rouge.Scores s = Rouge.best(refs, r.getString(2));
    return RowFactory.create(
        r.getString(0),
        r.getString(1),
        refs.size(),
        s.rouge1().f1(),
        s.rouge1().precision(),
        s.rouge1().recall(),
        s.rouge2().f1(),
        s.rouge2().precision(),
        s.rouge2().recall(),
        s.rougeL().f1(),
        s.rougeL().precision(),
        s.rougeL().recall());
  }
}
