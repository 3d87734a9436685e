package io.infinispark.data.corpus;

import static org.apache.spark.sql.functions.col;

import io.infinispark.tokenizer.TextTokenizer;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Writes the local corpus as a documents table with provenance, split and token counts. */
public final class CorpusBuild {
  /** {@code Tables.DOCUMENTS} plus provenance, split and the default tokenizer's token count. */
  public static final StructType CORPUS =
      io.infinispark.data.Tables.DOCUMENTS
          .add("package", DataTypes.StringType, false)
          .add("version", DataTypes.StringType, false)
          .add("licence", DataTypes.StringType, false)
          .add("sha256", DataTypes.StringType, false)
          .add("split", DataTypes.StringType, false);

  private CorpusBuild() {}

  /**
   * Writes (overwrites) the corpus Parquet at {@code out}; returns doc_id, split, n_tokens rows.
   */
  public static List<Row> write(
      SparkSession spark,
      List<CorpusDocument> docs,
      Broadcast<TextTokenizer> tokenizer,
      String out) {
    List<Row> rows = new ArrayList<>();
    for (CorpusDocument d : docs) {
      rows.add(
          RowFactory.create(
              d.docId(),
              d.title(),
              d.rawFile(),
              (long) d.text().codePointCount(0, d.text().length()),
              d.text(),
              d.packageName(),
              d.version(),
              d.licence(),
              d.sha256(),
              CorpusSplit.of(d.docId())));
    }
    Dataset<Row> corpus = spark.createDataFrame(rows, CORPUS).repartition(8);
    StructType counted = CORPUS.add("n_tokens", DataTypes.LongType, false);
    corpus
        .map((MapFunction<Row, Row>) r -> withTokens(r, tokenizer.value()), Encoders.row(counted))
        .write()
        .mode(SaveMode.Overwrite)
        // one directory per split, so `--input datasets/corpus/split=held-out` evaluates just that
        .partitionBy("split")
        .parquet(out);
    return spark
        .read()
        .parquet(out)
        .select("doc_id", "package", "split", "n_tokens")
        .orderBy(col("doc_id"))
        .collectAsList();
  }

  private static Row withTokens(Row r, TextTokenizer tokenizer) {
    Object[] values = new Object[r.length() + 1];
    for (int i = 0; i < r.length(); i++) {
      values[i] = r.get(i);
    }
    values[r.length()] = (long) tokenizer.encode(r.getString(4)).length;
    return RowFactory.create(values);
  }
}
