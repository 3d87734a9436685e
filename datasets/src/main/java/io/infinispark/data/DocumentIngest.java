package io.infinispark.data;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reads an input path (a file or a directory of .txt, JSONL and Parquet files) into the {@link
 * Tables#DOCUMENTS documents} table. Anything that can't be used becomes a row of {@link
 * Tables#ERRORS errors} naming the document or file and the reason; it never stops the others.
 *
 * <ul>
 *   <li>.txt: one document per file; doc_id is the file name without extension, title its first
 *       non-blank line; must be UTF-8.
 *   <li>.jsonl / .json: one document per line, {@code {"id", "title", "text"}}.
 *   <li>.parquet: columns {@code doc_id, text} and optionally {@code title}.
 * </ul>
 *
 * Duplicate doc_ids keep the copy from the first source in path order.
 */
public final class DocumentIngest {
  static final StructType STAGED =
      Tables.withError(Tables.DOCUMENTS)
          .add(
              "references",
              DataTypes.createArrayType(
                  new StructType()
                      .add("name", DataTypes.StringType)
                      .add("summary", DataTypes.StringType)));

  /**
   * Valid documents, why the rest were left out, and reference summaries when the input has them.
   */
  public record Result(Dataset<Row> documents, Dataset<Row> errors, Dataset<Row> references) {}

  private DocumentIngest() {}

  public static Result read(SparkSession spark, String input) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    InputFiles files = InputFiles.scan(input, hadoop);
    if (files.isEmpty() && files.empty().isEmpty()) {
      throw new IllegalArgumentException(
          "no documents under "
              + input
              + ": expected .txt, .jsonl, .json or .parquet files"
              + (files.unsupported().isEmpty()
                  ? ""
                  : "; found only " + files.unsupported().stream().limit(3).toList()));
    }
    java.util.Optional<String> pg19 = Pg19Metadata.find(input, hadoop);
    List<Row> fileErrors = new ArrayList<>();
    files.unsupported().stream()
        .filter(f -> pg19.isEmpty() || !f.endsWith("/" + Pg19Metadata.FILE))
        .forEach(
            f ->
                fileErrors.add(
                    RowFactory.create(
                        null,
                        f,
                        "ingest",
                        "unsupported file type (expected .txt, .jsonl, .json or .parquet)")));
    files
        .empty()
        .forEach(
            f ->
                fileErrors.add(
                    RowFactory.create(TextDocuments.docId(f), f, "ingest", "empty file")));
    files
        .unreadable()
        .forEach(
            (f, why) ->
                fileErrors.add(
                    RowFactory.create(
                        TextDocuments.docId(f), f, "ingest", "cannot be read: " + why)));
    List<String> parquet = usableParquet(files.parquet(), hadoop, fileErrors);

    List<Dataset<Row>> staged = new ArrayList<>();
    if (!files.text().isEmpty()) {
      Dataset<Row> text = textFiles(spark, files.text());
      staged.add(
          pg19.isPresent() ? withPg19Titles(text, Pg19Metadata.titles(spark, pg19.get())) : text);
    }
    if (!files.jsonl().isEmpty()) {
      staged.add(jsonLines(spark, files.jsonl()));
    }
    if (!parquet.isEmpty()) {
      staged.add(parquetFiles(spark, parquet));
    }
    Dataset<Row> all =
        staged.stream()
            .reduce(Dataset::unionByName)
            .orElse(spark.createDataFrame(List.of(), STAGED));

    WindowSpec byId = Window.partitionBy("doc_id").orderBy("source");
    Dataset<Row> ranked =
        all.filter(col("error").isNull())
            .withColumn("copy", row_number().over(byId))
            .withColumn("kept_source", first("source").over(byId));
    Dataset<Row> kept = ranked.filter(col("copy").equalTo(1));
    Dataset<Row> documents = kept.select(columns(Tables.DOCUMENTS));
    Dataset<Row> references =
        kept.select(col("doc_id"), org.apache.spark.sql.functions.posexplode(col("references")))
            .select(
                col("doc_id"),
                col("pos").as("ref_idx"),
                col("col.name").as("name"),
                col("col.summary").as("summary"));
    Dataset<Row> duplicates =
        ranked
            .filter(col("copy").gt(1))
            .select(
                col("doc_id"),
                col("source"),
                lit("ingest").as("stage"),
                concat(lit("duplicate doc_id; kept the copy from "), col("kept_source"))
                    .as("reason"));
    Dataset<Row> errors =
        all.filter(col("error").isNotNull())
            .select(
                col("doc_id"), col("source"), lit("ingest").as("stage"), col("error").as("reason"))
            .unionByName(duplicates)
            .unionByName(spark.createDataFrame(fileErrors, Tables.ERRORS));
    return new Result(
        spark.createDataFrame(documents.rdd(), Tables.DOCUMENTS),
        spark.createDataFrame(errors.rdd(), Tables.ERRORS),
        spark.createDataFrame(references.rdd(), Tables.REFERENCES));
  }

  private static Dataset<Row> textFiles(SparkSession spark, List<String> paths) {
    return spark
        .read()
        .format("binaryFile")
        .load(paths.toArray(String[]::new))
        .select("path", "content")
        .map(
            (MapFunction<Row, Row>) r -> TextDocuments.toRow(r.getString(0), (byte[]) r.get(1)),
            Encoders.row(STAGED));
  }

  /** PG19 books take their title from metadata.csv rather than their first line. */
  private static Dataset<Row> withPg19Titles(Dataset<Row> text, Dataset<Row> titles) {
    Dataset<Row> joined =
        text.join(titles, text.col("doc_id").equalTo(titles.col("doc_id")), "left");
    return joined.select(
        java.util.Arrays.stream(STAGED.fieldNames())
            .map(
                name ->
                    name.equals("title")
                        ? org.apache
                            .spark
                            .sql
                            .functions
                            .coalesce(titles.col("pg19_title"), text.col("title"))
                            .as("title")
                        : text.col(name))
            .toArray(Column[]::new));
  }

  private static Dataset<Row> jsonLines(SparkSession spark, List<String> paths) {
    return spark
        .read()
        .text(paths.toArray(String[]::new))
        .select(col("value"), col("_metadata.file_path").as("path"))
        .flatMap(
            (org.apache.spark.api.java.function.FlatMapFunction<Row, Row>)
                r -> {
                  Row parsed = JsonLines.parse(r.getString(0), r.getString(1));
                  return parsed == null
                      ? java.util.Collections.emptyIterator()
                      : List.of(parsed).iterator();
                },
            Encoders.row(STAGED));
  }

  private static Dataset<Row> parquetFiles(SparkSession spark, List<String> paths) {
    Dataset<Row> rows =
        spark.read().option("mergeSchema", "true").parquet(paths.toArray(String[]::new));
    if (!List.of(rows.columns()).contains("title")) {
      rows = rows.withColumn("title", lit(null).cast(DataTypes.StringType));
    }
    rows = rows.withColumn("doc_id", col("doc_id").cast(DataTypes.StringType));
    Column error =
        when(col("doc_id").isNull().or(trim(col("doc_id")).equalTo("")), lit("missing doc_id"))
            .when(col("text").isNull(), lit("missing text"))
            .when(trim(col("text")).equalTo(""), lit("empty document (only whitespace)"));
    return staged(rows, error);
  }

  /** Rows with doc_id, title, text and a nullable error, in the staged schema. */
  private static Dataset<Row> staged(Dataset<Row> rows, Column error) {
    Column hasError = error.isNotNull();
    return rows.select(
        col("doc_id"),
        col("title").cast(DataTypes.StringType).as("title"),
        col("_metadata.file_path").as("source"),
        when(hasError, lit(0L))
            .otherwise(length(col("text")).cast(DataTypes.LongType))
            .as("n_chars"),
        when(hasError, lit(null)).otherwise(col("text")).as("text"),
        error.as("error"),
        lit(null).cast(STAGED.apply("references").dataType()).as("references"));
  }

  /** Parquet files whose footer reads and that have the columns we need; the rest to errors. */
  private static List<String> usableParquet(
      List<String> paths, Configuration hadoop, List<Row> errors) {
    List<String> usable = new ArrayList<>();
    for (String path : paths) {
      try (ParquetFileReader reader =
          ParquetFileReader.open(HadoopInputFile.fromPath(new Path(path), hadoop))) {
        MessageType schema = reader.getFooter().getFileMetaData().getSchema();
        if (!schema.containsField("doc_id") || !schema.containsField("text")) {
          errors.add(
              RowFactory.create(
                  null,
                  path,
                  "ingest",
                  "Parquet file lacks a doc_id or text column: " + schema.getFields()));
        } else {
          usable.add(path);
        }
      } catch (IOException | RuntimeException e) {
        errors.add(
            RowFactory.create(null, path, "ingest", "corrupt Parquet file: " + e.getMessage()));
      }
    }
    return usable;
  }

  private static Column[] columns(StructType schema) {
    return java.util.Arrays.stream(schema.fieldNames())
        .map(org.apache.spark.sql.functions::col)
        .toArray(Column[]::new);
  }
}
