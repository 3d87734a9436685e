package io.infinispark.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import io.infinispark.data.DocumentIngest;
import io.infinispark.data.RunTable;
import io.infinispark.data.Tables;
import io.infinispark.model.MemoryMode;
import io.infinispark.model.ModelWeights;
import io.infinispark.tokenizer.TextTokenizer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * The main job: ingest → shard → recur → metrics, each stage writing its Parquet table into the run
 * directory before the next reads it back, so a failure never loses what earlier stages wrote.
 *
 * <p>Its tables are those of {@link RunTable} (every stage appends to {@code errors}), beside
 * {@code manifest.json}.
 */
public final class PipelineJob {

  /**
   * What a finished run produced: the per-document metrics, how many error rows, and with the
   * ablation each document's perplexity with its memory reset at every segment.
   */
  public record Result(
      String runDir,
      List<Row> docMetrics,
      Map<String, Double> resetPerplexity,
      long errors,
      long tokens,
      long wallMillis) {}

  private PipelineJob() {}

  public static Result run(
      SparkSession spark, PipelineConfig config, ModelBundle model, Progress progress) {
    long started = System.currentTimeMillis();
    String runId = config.runDir().substring(config.runDir().lastIndexOf('/') + 1);
    RunManifest manifest = new RunManifest(runId, config, model, spark);
    Stages stages = new Stages(spark, config, model, progress, manifest);
    try {
      stages.ingest();
      stages.shard();
      long tokens = stages.recur(MemoryMode.CARRIED);
      if (config.memoryAblation()) {
        stages.recur(MemoryMode.RESET);
      }
      stages.metrics();
      stages.perplexity();
      stages.summaries();
      manifest.finish("succeeded", null);
      String dir = config.runDir();
      List<Row> docMetrics =
          spark.read().parquet(RunTable.DOC_METRICS.in(dir)).orderBy("doc_id").collectAsList();
      long errors = spark.read().parquet(RunTable.ERRORS.in(dir)).count();
      Map<String, Double> reset = new TreeMap<>();
      docMetrics.stream()
          .filter(r -> r.getAs("perplexity_reset") != null)
          .forEach(r -> reset.put(r.getAs("doc_id"), r.getAs("perplexity_reset")));
      return new Result(
          dir, docMetrics, reset, errors, tokens, System.currentTimeMillis() - started);
    } catch (Exception e) { // Spark's task failures arrive as (checked) SparkException
      manifest.finish("failed", String.valueOf(e.getMessage()));
      throw e;
    }
  }

  /** The four stages of one run; each writes its tables, then the next reads them back. */
  private record Stages(
      SparkSession spark,
      PipelineConfig config,
      ModelBundle model,
      Progress progress,
      RunManifest manifest) {

    private String table(RunTable table) {
      return table.in(config.runDir());
    }

    private JavaSparkContext context() {
      return JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    void ingest() {
      timed(
          "ingest",
          () -> {
            DocumentIngest.Result ingested = DocumentIngest.read(spark, config.input());
            ingested.documents().write().parquet(table(RunTable.DOCUMENTS));
            ingested.references().write().parquet(table(RunTable.REFERENCES));
            appendErrors(ingested.errors());
            return Map.of("documents", spark.read().parquet(table(RunTable.DOCUMENTS)).count());
          });
    }

    void shard() {
      Broadcast<TextTokenizer> tokenizer = context().broadcast(model.tokenizer());
      timed(
          "shard",
          () -> {
            Dataset<Row> documents = spark.read().parquet(table(RunTable.DOCUMENTS));
            Dataset<Row> staged =
                ShardStage.run(documents, tokenizer, model.weights().config().segmentLength())
                    .persist(StorageLevel.MEMORY_AND_DISK());
            staged
                .filter(col("error").isNull())
                .select(columns(Tables.SEGMENTS))
                .write()
                .parquet(table(RunTable.SEGMENTS));
            appendErrors(stageErrors(staged, "shard"));
            staged.unpersist();
            return Map.of("segments", spark.read().parquet(table(RunTable.SEGMENTS)).count());
          });
    }

    /** Returns the number of tokens the recur stage had to read. */
    long recur(MemoryMode memory) {
      String stage = memory == MemoryMode.RESET ? "recur-reset" : "recur";
      Dataset<Row> segments = spark.read().parquet(table(RunTable.SEGMENTS));
      Row totals =
          segments
              .agg(
                  count(lit(1)),
                  sum(col("n_segments").equalTo(col("seg_idx").plus(1)).cast("long")),
                  sum(functions.size(col("tokens")).cast("long")))
              .first();
      long documents = totals.isNullAt(1) ? 0 : totals.getLong(1);
      long tokens = totals.isNullAt(2) ? 0 : totals.getLong(2);
      Broadcast<ModelWeights> weights = context().broadcast(model.weights());
      RecurStage.Counters counters = progress.startRecur(totals.getLong(0), documents, tokens);
      try {
        timed(
            stage,
            () -> {
              Dataset<Row> scores =
                  RecurStage.run(segments, weights, config.recur(), memory, counters)
                      .persist(StorageLevel.MEMORY_AND_DISK());
              scores
                  .filter(col("error").isNull())
                  .select(columns(Tables.SEGMENT_METRICS))
                  .write()
                  .parquet(table(RunTable.segmentMetrics(memory)));
              appendErrors(stageErrors(scores, stage));
              scores.unpersist();
              return Map.of(
                  "segments_read",
                  counters.segments().value(),
                  "tokens_read",
                  counters.tokens().value());
            });
      } finally {
        progress.endRecur();
      }
      return tokens;
    }

    void metrics() {
      timed(
          "metrics",
          () -> {
            Dataset<Row> perDoc = docMetrics(spark, config.runDir(), config.memoryAblation());
            perDoc
                .filter(col("complete"))
                .select(columns(Tables.DOC_METRICS))
                .write()
                .parquet(table(RunTable.DOC_METRICS));
            Column reason =
                functions.concat(
                    lit("read "),
                    col("read").cast("string"),
                    lit(" of "),
                    col("n_segments").cast("string"),
                    lit(" segments"));
            appendErrors(
                perDoc
                    .filter(functions.not(col("complete")))
                    .select(
                        col("doc_id"),
                        lit(null).cast("string").as("source"),
                        lit("recur").as("stage"),
                        reason.as("reason")));
            return Map.of("documents", spark.read().parquet(table(RunTable.DOC_METRICS)).count());
          });
    }

    /** The perplexity table: sums per document, memory mode and position bucket. */
    void perplexity() {
      timed(
          "perplexity",
          () -> {
            int segment = model.weights().config().segmentLength();
            long bucket = (config.bucketTokens() + segment - 1) / segment * segment;
            Dataset<Row> modes =
                bucketed(
                    table(RunTable.SEGMENT_METRICS), MemoryMode.CARRIED.label(), segment, bucket);
            if (config.memoryAblation()) {
              modes =
                  modes.unionByName(
                      bucketed(
                          table(RunTable.SEGMENT_METRICS_RESET),
                          MemoryMode.RESET.label(),
                          segment,
                          bucket));
            }
            Dataset<Row> complete =
                spark.read().parquet(table(RunTable.DOC_METRICS)).select("doc_id");
            modes
                .join(complete, "doc_id")
                .select(columns(Tables.PERPLEXITY))
                .write()
                .parquet(table(RunTable.PERPLEXITY));
            return Map.of(
                "rows",
                spark.read().parquet(table(RunTable.PERPLEXITY)).count(),
                "bucket_tokens",
                bucket);
          });
    }

    /** Summaries of every document; ROUGE where the input came with reference summaries. */
    void summaries() {
      timed(
          "summarize",
          () -> {
            SummaryStage.summarize(
                    spark.read().parquet(table(RunTable.DOCUMENTS)), config.summaryWords())
                .write()
                .parquet(table(RunTable.SUMMARIES));
            if (config.memoryAblation()) {
              SummaryStage.memoryGain(
                      spark.read().parquet(table(RunTable.DOCUMENTS)),
                      spark.read().parquet(table(RunTable.SEGMENTS)),
                      spark.read().parquet(table(RunTable.SEGMENT_METRICS)),
                      spark.read().parquet(table(RunTable.SEGMENT_METRICS_RESET)),
                      context().broadcast(model.tokenizer()),
                      config.summaryWords())
                  .write()
                  .mode(SaveMode.Append)
                  .parquet(table(RunTable.SUMMARIES));
            }
            if (config.abstractive().tokens() > 0) {
              JavaSparkContext jsc = context();
              SummaryStage.abstractive(
                      spark.read().parquet(table(RunTable.SEGMENTS)),
                      jsc.broadcast(model.weights()),
                      jsc.broadcast(model.tokenizer()),
                      config.recur(),
                      config.abstractive())
                  .write()
                  .mode(SaveMode.Append)
                  .parquet(table(RunTable.SUMMARIES));
            }
            SummaryStage.rouge(
                    spark.read().parquet(table(RunTable.SUMMARIES)),
                    spark.read().parquet(table(RunTable.REFERENCES)))
                .write()
                .parquet(table(RunTable.ROUGE));
            return Map.of(
                "summaries",
                spark.read().parquet(table(RunTable.SUMMARIES)).count(),
                "scored_with_rouge",
                spark.read().parquet(table(RunTable.ROUGE)).count());
          });
    }

    private Dataset<Row> bucketed(String metrics, String memory, int segment, long bucket) {
      Column index = functions.floor(col("seg_idx").multiply(segment).divide(bucket)).cast("int");
      return spark
          .read()
          .parquet(metrics)
          .withColumn("bucket", index)
          .groupBy("doc_id", "bucket")
          .agg(sum("n_predicted").as("n_predicted"), sum("nll_sum").as("nll_sum"))
          .withColumn("memory", lit(memory))
          .withColumn("bucket_start", col("bucket").cast("long").multiply(bucket))
          .withColumn("bucket_end", col("bucket").plus(1).cast("long").multiply(bucket))
          .withColumn("perplexity", exp(col("nll_sum").divide(col("n_predicted"))));
    }

    private void appendErrors(Dataset<Row> errors) {
      errors
          .select(columns(Tables.ERRORS))
          .write()
          .mode(SaveMode.Append)
          .parquet(table(RunTable.ERRORS));
    }

    private void timed(String stage, Supplier<Map<String, ?>> work) {
      progress.stage(stage);
      long started = System.currentTimeMillis();
      Map<String, Object> counts = new java.util.LinkedHashMap<>(work.get());
      long millis = System.currentTimeMillis() - started;
      manifest.stage(stage, millis, counts);
      progress.stageDone(stage, millis, counts);
    }
  }

  /**
   * Sums each document's segment metrics; {@code complete} is false when a document that did not
   * fail outright still lacks segments (then it gets an error instead of a perplexity). With the
   * ablation, the reset reading's perplexity and the memory's gain, for documents it read whole.
   */
  static Dataset<Row> docMetrics(SparkSession spark, String dir, boolean ablation) {
    Dataset<Row> expected =
        spark
            .read()
            .parquet(RunTable.SEGMENTS.in(dir))
            .filter(col("seg_idx").equalTo(0))
            .select("doc_id", "n_segments");
    Dataset<Row> failed =
        spark
            .read()
            .parquet(RunTable.ERRORS.in(dir))
            .filter(col("stage").equalTo("recur"))
            .select("doc_id")
            .distinct();
    Dataset<Row> sums =
        spark
            .read()
            .parquet(RunTable.SEGMENT_METRICS.in(dir))
            .groupBy("doc_id")
            .agg(
                sum("n_tokens").as("n_tokens"),
                count(lit(1)).as("read"),
                sum("n_predicted").as("n_predicted"),
                sum("nll_sum").as("nll_sum"),
                sum("millis").as("millis"))
            .join(expected, "doc_id");
    Dataset<Row> metrics =
        sums.join(failed, sums.col("doc_id").equalTo(failed.col("doc_id")), "left_anti")
            .withColumn("complete", col("read").equalTo(col("n_segments")))
            .withColumn("perplexity", exp(col("nll_sum").divide(col("n_predicted"))))
            .withColumn(
                "tokens_per_second",
                col("n_tokens").divide(greatest(col("millis"), lit(1)).divide(1000.0)));
    Dataset<Row> reset =
        ablation
            ? spark
                .read()
                .parquet(RunTable.SEGMENT_METRICS_RESET.in(dir))
                .groupBy("doc_id")
                .agg(
                    count(lit(1)).as("read_reset"),
                    exp(sum("nll_sum").divide(sum("n_predicted"))).as("reset_perplexity"))
            : spark.createDataFrame(
                List.of(),
                new StructType()
                    .add("doc_id", "string")
                    .add("read_reset", "long")
                    .add("reset_perplexity", "double"));
    Column whole = col("read_reset").equalTo(col("n_segments"));
    return metrics
        .join(reset, "doc_id", "left")
        .withColumn("perplexity_reset", functions.when(whole, col("reset_perplexity")))
        .withColumn(
            "memory_gain",
            functions.when(whole, lit(1).minus(col("perplexity").divide(col("reset_perplexity")))));
  }

  /** One error row per document from a staged table's error column. */
  private static Dataset<Row> stageErrors(Dataset<Row> staged, String stage) {
    return staged
        .filter(col("error").isNotNull())
        .groupBy("doc_id")
        .agg(first("error").as("reason"))
        .select(
            col("doc_id"),
            lit(null).cast("string").as("source"),
            lit(stage).as("stage"),
            col("reason"));
  }

  private static Column[] columns(StructType schema) {
    return Arrays.stream(schema.fieldNames()).map(functions::col).toArray(Column[]::new);
  }
}
