package io.infinispark.pipeline;

import io.infinispark.data.RunTable;
import io.infinispark.data.SparkSessions;
import io.infinispark.data.passkey.PasskeyGenerator;
import io.infinispark.data.passkey.PasskeySets;
import io.infinispark.data.passkey.PasskeySpec;
import io.infinispark.runtime.RecurOptions;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Passkey retrieval as two stages ({@link PasskeyStage}, {@link PasskeyGridStage}) over a passkey
 * set: one generated into the run directory for this model's tokenizer, or one prepared earlier by
 * {@code datasets passkey}. Used by the main job (a small grid after the corpus) and by {@code
 * eval}.
 */
public final class PasskeyEvaluation {
  private PasskeyEvaluation() {}

  /**
   * Generates the set into runDir/passkey_set, reads it, writes runDir/passkey and
   * runDir/passkey_grid; returns the grid, by length then depth.
   */
  public static List<Row> generated(
      SparkSession spark,
      ModelBundle model,
      PasskeySpec spec,
      PasskeySets.Grid grid,
      String runDir,
      RecurOptions options,
      Progress progress) {
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    String set = RunTable.passkeySetIn(runDir);
    PasskeySets.write(
        spark,
        context.broadcast(new PasskeyGenerator(spec, model.tokenizer())),
        grid,
        model.weights().config().segmentLength(),
        set);
    return evaluate(spark, model, set, runDir, options, progress);
  }

  /** The same for a set made earlier, after checking it was cut for this model's segments. */
  public static List<Row> prepared(
      SparkSession spark,
      ModelBundle model,
      String set,
      String runDir,
      RecurOptions options,
      Progress progress) {
    PasskeySets.checkSet(spark, set, model.weights().config().segmentLength());
    return evaluate(spark, model, set, runDir, options, progress);
  }

  private static List<Row> evaluate(
      SparkSession spark,
      ModelBundle model,
      String set,
      String runDir,
      RecurOptions options,
      Progress progress) {
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    RunWriter writer = new RunWriter(spark, runDir, progress, null);
    RunTables run = writer.tables();
    RunTables withSet =
        new RunTables() {
          @Override
          public Dataset<Row> read(RunTable table) {
            return inSet(table) ? spark.read().parquet(table.inSet(set)) : run.read(table);
          }

          @Override
          public boolean has(RunTable table) {
            return inSet(table) ? SparkSessions.exists(spark, table.inSet(set)) : run.has(table);
          }

          private boolean inSet(RunTable table) {
            return RunTable.PASSKEY_SET_TABLES.contains(table);
          }
        };
    writer.run(
        new PasskeyStage(
            context.broadcast(model.weights()), context.broadcast(model.tokenizer()), options),
        withSet);
    writer.run(new PasskeyGridStage());
    return run.read(RunTable.PASSKEY_GRID).orderBy("requested_tokens", "depth").collectAsList();
  }
}
