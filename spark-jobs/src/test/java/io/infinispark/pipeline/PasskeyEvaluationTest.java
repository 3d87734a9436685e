package io.infinispark.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.infinispark.data.SparkSessions;
import io.infinispark.data.Tables;
import io.infinispark.data.passkey.PasskeySets;
import io.infinispark.data.passkey.PasskeySpec;
import io.infinispark.eval.PasskeyScoring;
import io.infinispark.runtime.DevicePolicy;
import io.infinispark.runtime.RecurOptions;
import io.infinispark.testing.SampleBooks;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The passkey evaluation on a tiny model: the mechanics, not the accuracy (it is untrained). */
class PasskeyEvaluationTest {
  static final java.util.function.Function<SparkSession, Progress> QUIET =
      spark ->
          new Progress(
              spark, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()), false, 1);

  @Test
  void everyExampleIsAnsweredScoredAndCountedInTheGrid(@TempDir Path dir) throws Exception {
    ModelBundle bundle = tinyModel(dir);
    SparkSession spark = SparkSessions.forTests();
    try {
      String run = dir.resolve("run").toString();
      List<Row> grid =
          PasskeyEvaluation.generated(
              spark,
              bundle,
              PasskeySpec.paper(),
              new PasskeySets.Grid(List.of(150L, 400L), List.of(0.0, 1.0), 2, 1_000_000),
              run,
              new RecurOptions(1, 0, DevicePolicy.CPU, "float32"),
              QUIET.apply(spark));

      List<Row> results = spark.read().parquet(run + "/passkey").collectAsList();
      assertEquals(8, results.size());
      assertEquals(
          List.of(Tables.PASSKEY.fieldNames()),
          List.of(spark.read().parquet(run + "/passkey").schema().fieldNames()));
      for (Row r : results) {
        assertEquals(
            PasskeyScoring.correct(r.getString(5), r.getString(3)),
            r.getBoolean(6),
            r.getString(0));
        assertEquals(PasskeySpec.paper().digits(), r.getString(3).length());
      }
      assertEquals(4, grid.size());
      for (Row cell : grid) {
        long correct =
            results.stream()
                .filter(
                    r ->
                        r.getLong(1) == cell.getLong(0)
                            && r.getDouble(2) == cell.getDouble(1)
                            && r.getBoolean(6))
                .count();
        assertEquals(2L, cell.getLong(2));
        assertEquals(correct / 2.0, cell.getDouble(3), 1e-12);
      }
    } finally {
      spark.stop();
    }
  }

  @Test
  void answersReadInLanesAreThoseReadOneDocumentAtATime(@TempDir Path dir) throws Exception {
    ModelBundle bundle = tinyModel(dir);
    SparkSession spark = SparkSessions.forTests();
    try {
      PasskeySets.Grid grid =
          new PasskeySets.Grid(List.of(150L, 400L, 700L), List.of(0.0, 0.5, 1.0), 1, 1_000_000);
      Map<String, String> alone = answers(spark, bundle, grid, dir.resolve("alone"), 1);
      Map<String, String> inLanes = answers(spark, bundle, grid, dir.resolve("lanes"), 4);
      assertEquals(9, alone.size());
      assertEquals(alone, inLanes, "the generated answer of every example, by example id");
    } finally {
      spark.stop();
    }
  }

  /** An untrained tiny model whose tokenizer knows the passkey prompt's words and digits. */
  private static ModelBundle tinyModel(Path dir) throws Exception {
    String text =
        SampleBooks.devilsDictionary().substring(0, 40_000)
            + " The grass is green. The sky is blue. The sun is yellow. Here we go. There and back again."
            + " There is an important info hidden inside a lot of irrelevant text. What is the pass key? 0123456789";
    return ModelBundle.load(TinyModel.write(dir.resolve("model"), List.of(text)));
  }

  private static Map<String, String> answers(
      SparkSession spark, ModelBundle bundle, PasskeySets.Grid grid, Path run, int lanes) {
    PasskeyEvaluation.generated(
        spark,
        bundle,
        PasskeySpec.paper(),
        grid,
        run.toString(),
        new RecurOptions(lanes, 0, DevicePolicy.CPU, "float32"),
        QUIET.apply(spark));
    return spark.read().parquet(run + "/passkey").collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r.getString(5)));
  }
}
