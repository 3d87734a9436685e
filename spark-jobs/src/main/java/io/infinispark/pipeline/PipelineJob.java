package io.infinispark.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;

import com.fasterxml.jackson.databind.JsonNode;
import io.infinispark.data.RunTable;
import io.infinispark.model.Checkpoint;
import io.infinispark.model.MemoryMode;
import io.infinispark.model.ModelWeights;
import io.infinispark.tokenizer.TextTokenizer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;

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

  /** A resumed run: the options and model it was started with, and what it produced. */
  public record Resumed(PipelineConfig config, ModelBundle model, Result result) {}

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
    long part = config.commitTokens();
    String modelId = modelId(model);
    for (MemoryMode mode :
        ablation ? List.of(MemoryMode.CARRIED, MemoryMode.RESET) : List.of(MemoryMode.CARRIED)) {
      RecurStage recur = new RecurStage(weights, config.recur(), mode, part, progress);
      RunStates states =
          config.states().active()
              ? new RunStates(
                  config.runDir(),
                  recur.name(),
                  config.states(),
                  new SerializableConfiguration(spark.sparkContext().hadoopConfiguration()))
              : null;
      stages.add(new RecurStage(weights, config.recur(), mode, part, progress, states, modelId));
    }
    stages.add(new DocMetricsStage(ablation));
    stages.add(new PerplexityStage(segment, config.bucketTokens(), ablation));
    stages.add(
        new SummaryStage(
            config.summaryWords(),
            config.sectionWords(),
            ablation,
            tokenizer,
            weights,
            config.recur(),
            config.abstractive()));
    stages.add(new RougeStage());
    return stages;
  }

  /** What a saved reading state names its model by: a state is continued by that model only. */
  static String modelId(ModelBundle model) {
    return Checkpoint.configHash(model.weights().config()) + " " + model.weights().provenance();
  }

  public static Result run(
      SparkSession spark, PipelineConfig config, ModelBundle model, Progress progress) {
    String dir = config.runDir();
    RunWriter.requireNew(spark, dir);
    if (config.states().continueFrom() != null) {
      requireKeptStates(spark, config.states().continueFrom(), model);
    }
    RunManifest manifest =
        new RunManifest(dir.substring(dir.lastIndexOf('/') + 1), config, model, spark);
    return runStages(spark, config, model, progress, manifest, false);
  }

  /**
   * Refuses {@code --continue-from} a run that kept no final states, or read with another model
   * (its memories would mean nothing to this one).
   */
  private static void requireKeptStates(SparkSession spark, String earlier, ModelBundle model) {
    String kept = RunStates.finalDirectory(earlier, "recur");
    if (!io.infinispark.data.SparkSessions.exists(spark, kept)) {
      throw new IllegalArgumentException(
          "--continue-from "
              + earlier
              + ": no kept reading states there ("
              + kept
              + "); run it with --keep-states");
    }
    JsonNode recorded = RunManifest.reopen(spark, earlier).json().path("model");
    String theirs =
        recorded.path("config_hash").asText() + " " + recorded.path("provenance").asText();
    if (!theirs.equals(modelId(model))) {
      throw new IllegalArgumentException(
          "--continue-from "
              + earlier
              + ": it was read with another model ("
              + theirs
              + "), not "
              + modelId(model));
    }
  }

  /**
   * Continues the run in {@code runDir} that stopped before finishing (driver killed, cluster
   * lost): with its own input, model and options; stages it finished are kept, recur reads only the
   * documents it had not read, other unfinished stages run again.
   */
  public static Resumed resume(
      SparkSession spark, String runDir, Function<Path, ModelBundle> models, Progress progress) {
    RunManifest manifest = RunManifest.reopen(spark, runDir);
    String condition = RunManifest.condition(manifest.json(), Instant.now());
    if (manifest.json().path("status").asText().equals("succeeded")) {
      throw new IllegalArgumentException(runDir + " finished already: nothing to resume");
    }
    if (condition.equals("running")) {
      throw new IllegalArgumentException(
          runDir
              + " is still running (driver "
              + manifest.json().path("driver")
              + ", heartbeat "
              + manifest.json().path("heartbeat_at").asText()
              + "): stop it first, or wait "
              + RunManifest.HEARTBEAT.multipliedBy(3).toSeconds()
              + " s after it was lost");
    }
    PipelineConfig config = manifest.pipeline().inDirectory(runDir);
    JsonNode recorded = manifest.json().path("model");
    ModelBundle model = models.apply(Path.of(recorded.path("dir").asText()));
    String hash = Checkpoint.configHash(model.weights().config());
    if (!hash.equals(recorded.path("config_hash").asText())
        || !model.weights().provenance().equals(recorded.path("provenance").asText())) {
      throw new IllegalArgumentException(
          "the model in "
              + recorded.path("dir").asText()
              + " is not the one "
              + runDir
              + " started with ("
              + recorded.path("provenance").asText()
              + ", config "
              + recorded.path("config_hash").asText()
              + "): resuming would mix two models' numbers");
    }
    manifest.resumed();
    return new Resumed(config, model, runStages(spark, config, model, progress, manifest, true));
  }

  private static Result runStages(
      SparkSession spark,
      PipelineConfig config,
      ModelBundle model,
      Progress progress,
      RunManifest manifest,
      boolean resuming) {
    long started = System.currentTimeMillis();
    String dir = config.runDir();
    RunWriter writer = new RunWriter(spark, dir, progress, manifest, resuming);
    ScheduledExecutorService heartbeat =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "manifest-heartbeat");
              t.setDaemon(true);
              return t;
            });
    long every = RunManifest.HEARTBEAT.toMillis();
    heartbeat.scheduleAtFixedRate(manifest::heartbeat, every, every, TimeUnit.MILLISECONDS);
    try {
      stages(spark, config, model, progress).forEach(writer::run);
      manifest.finish("succeeded", null);
      return result(writer.tables(), dir, started);
    } catch (Exception e) { // Spark's task failures arrive as (checked) SparkException
      manifest.finish("failed", String.valueOf(e.getMessage()));
      throw e;
    } finally {
      heartbeat.shutdownNow();
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
