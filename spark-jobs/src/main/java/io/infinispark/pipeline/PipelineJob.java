package io.infinispark.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;

import io.infinispark.data.RunTable;
import io.infinispark.model.MemoryMode;
import io.infinispark.model.ModelWeights;
import io.infinispark.tokenizer.TextTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The main job: ingest → shard → recur (→ recur with the memory reset) → metrics → perplexity →
 * summarize → rouge. Each stage writes its tables of {@link RunTable} into the run directory before
 * the next reads them back, so a failure never loses what earlier stages wrote; every stage appends
 * to {@code errors}, beside {@code manifest.json}.
 */
public final class PipelineJob {

  /**
   * What a finished run produced: the per-document metrics, how many error rows, how many tokens
   * the model read per memory mode, and with the ablation each document's reset perplexity.
   */
  public record Result(
      String runDir,
      List<Row> docMetrics,
      Map<String, Double> resetPerplexity,
      long errors,
      long tokens,
      long wallMillis) {}

  private PipelineJob() {}

  /** The stages of a run, in order. */
  static List<Stage> stages(
      SparkSession spark, PipelineConfig config, ModelBundle model, Progress progress) {
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<TextTokenizer> tokenizer = context.broadcast(model.tokenizer());
    Broadcast<ModelWeights> weights = context.broadcast(model.weights());
    int segment = model.weights().config().segmentLength();
    boolean ablation = config.memoryAblation();
    List<Stage> stages = new ArrayList<>();
    stages.add(new IngestStage(spark, config.input()));
    stages.add(new ShardStage(tokenizer, segment));
    stages.add(new RecurStage(weights, config.recur(), MemoryMode.CARRIED, progress));
    if (ablation) {
      stages.add(new RecurStage(weights, config.recur(), MemoryMode.RESET, progress));
    }
    stages.add(new DocMetricsStage(ablation));
    stages.add(new PerplexityStage(segment, config.bucketTokens(), ablation));
    stages.add(
        new SummaryStage(
            config.summaryWords(),
            ablation,
            tokenizer,
            weights,
            config.recur(),
            config.abstractive()));
    stages.add(new RougeStage());
    return stages;
  }

  public static Result run(
      SparkSession spark, PipelineConfig config, ModelBundle model, Progress progress) {
    long started = System.currentTimeMillis();
    String dir = config.runDir();
    RunWriter.requireNew(spark, dir);
    RunManifest manifest =
        new RunManifest(dir.substring(dir.lastIndexOf('/') + 1), config, model, spark);
    RunWriter writer = new RunWriter(spark, dir, progress, manifest);
    try {
      stages(spark, config, model, progress).forEach(writer::run);
      manifest.finish("succeeded", null);
      return result(writer.tables(), dir, started);
    } catch (Exception e) { // Spark's task failures arrive as (checked) SparkException
      manifest.finish("failed", String.valueOf(e.getMessage()));
      throw e;
    }
  }

  private static Result result(RunTables tables, String dir, long started) {
    List<Row> docMetrics = tables.read(RunTable.DOC_METRICS).orderBy("doc_id").collectAsList();
    Map<String, Double> reset = new TreeMap<>();
    docMetrics.stream()
        .filter(r -> r.getAs("perplexity_reset") != null)
        .forEach(r -> reset.put(r.getAs("doc_id"), r.getAs("perplexity_reset")));
    Row tokens = tables.read(RunTable.SEGMENTS).agg(sum(size(col("tokens")).cast("long"))).first();
    return new Result(
        dir,
        docMetrics,
        reset,
        tables.read(RunTable.ERRORS).count(),
        tokens.isNullAt(0) ? 0 : tokens.getLong(0),
        System.currentTimeMillis() - started);
  }
}
