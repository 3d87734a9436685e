package io.infinispark.jobs;

import static io.infinispark.jobs.CommandLines.execute;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infinispark.data.SparkSessions;
import io.infinispark.data.Tables;
import io.infinispark.data.passkey.PasskeySets;
import io.infinispark.data.passkey.PasskeySpec;
import io.infinispark.eval.PasskeyScoring;
import io.infinispark.jobs.CommandLines.Captured;
import io.infinispark.tokenizer.TextTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The passkey evaluation on a tiny model: the mechanics, not the accuracy (it is untrained). */
class PasskeyStageTest {
  @Test
  void everyExampleIsAnsweredScoredAndCountedInTheGrid(@TempDir Path dir) throws Exception {
    ModelBundle bundle = tinyModel(dir);
    SparkSession spark = SparkSessions.forTests();
    try {
      String run = dir.resolve("run").toString();
      List<Row> grid =
          EvalCommand.passkey(
              spark,
              bundle,
              PasskeySpec.paper(),
              new PasskeySets.Grid(List.of(150L, 400L), List.of(0.0, 1.0), 2, 1_000_000),
              run,
              new RecurOptions(1, 0, DevicePolicy.CPU, "float32"));

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
        Files.readString(Path.of("../datasets/sample/devils-dictionary.txt")).substring(0, 40_000)
            + " The grass is green. The sky is blue. The sun is yellow. Here we go. There and back again."
            + " There is an important info hidden inside a lot of irrelevant text. What is the pass key? 0123456789";
    return ModelBundle.load(TinyModel.write(dir.resolve("model"), List.of(text)));
  }

  private static Map<String, String> answers(
      SparkSession spark, ModelBundle bundle, PasskeySets.Grid grid, Path run, int lanes) {
    EvalCommand.passkey(
        spark,
        bundle,
        PasskeySpec.paper(),
        grid,
        run.toString(),
        new RecurOptions(lanes, 0, DevicePolicy.CPU, "float32"));
    return spark.read().parquet(run + "/passkey").collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r.getString(5)));
  }

  private static final String TEXT =
      "Ships sail over the wide grey sea. Birds rest on the old stone wall. The lamp burns all night. "
          + "There is an important info hidden inside a lot of irrelevant text. Find it and memorize them. "
          + "I will quiz you about the important information there. The pass key is 0123456789. Remember it. "
          + "What is the pass key? The grass is green. The sky is blue. The sun is yellow. Here we go. There and back again.";

  @Test
  void evalTakesTheKeyLengthAndUnseenFillerSentences(@TempDir Path dir) throws Exception {
    Path model = TinyModel.write(dir.resolve("model"), List.of(TEXT.repeat(20)));
    Path filler =
        Files.writeString(
            dir.resolve("filler.txt"),
            "Ships sail over the wide grey sea.\n\nBirds rest on the old stone wall.\nThe lamp burns all night.\n");
    Captured run =
        execute(
            "eval",
            "--model",
            model.toString(),
            "--passkey-lengths",
            "120,300",
            "--passkey-depths",
            "0,1",
            "--passkey-keys",
            "2",
            "--passkey-digits",
            "7",
            "--passkey-filler-file",
            filler.toString(),
            "--output",
            dir.toString(),
            "--run-id",
            "e",
            "--master",
            "local[2]",
            "--conf",
            "spark.ui.enabled=false");
    assertEquals(0, run.code, run.err.toString());

    SparkSession spark = SparkSessions.forTests();
    try {
      List<Row> results = spark.read().parquet(dir.resolve("e/passkey").toString()).collectAsList();
      assertEquals(8, results.size());
      results.forEach(r -> assertEquals(7, r.getString(3).length(), r.getString(0)));
      String text =
          decodedSegments(
              spark, dir.resolve("e/passkey_set").toString(), ModelBundle.load(model).tokenizer());
      assertTrue(
          text.contains("Birds rest on the old stone wall."),
          "the filler file's sentences are not used");
      assertTrue(!text.contains("The grass is green."), "the paper's filler is still used");
    } finally {
      spark.stop();
    }
  }

  @Test
  void evalReadsAPreparedSetAndRefusesOneCutForAnotherModel(@TempDir Path dir) throws Exception {
    Path model = TinyModel.write(dir.resolve("model"), List.of(TEXT.repeat(20)));
    String set = dir.resolve("set").toString();
    Captured made =
        execute(
            "datasets",
            "passkey",
            "--model",
            model.toString(),
            "--lengths",
            "150",
            "--depths",
            "0,0.5,1",
            "--keys",
            "1",
            "--digits",
            "3",
            "--out",
            set,
            "--master",
            "local[2]",
            "--conf",
            "spark.ui.enabled=false");
    assertEquals(0, made.code, made.err.toString());

    Captured run =
        execute(
            "eval",
            "--model",
            model.toString(),
            "--passkey-set",
            set,
            "--output",
            dir.toString(),
            "--run-id",
            "e",
            "--master",
            "local[2]",
            "--conf",
            "spark.ui.enabled=false");
    assertEquals(0, run.code, run.err.toString());
    SparkSession spark = SparkSessions.forTests();
    try {
      Set<String> asked =
          spark.read().parquet(set + "/examples").collectAsList().stream()
              .map(r -> r.getString(0))
              .collect(Collectors.toSet());
      List<Row> answered =
          spark.read().parquet(dir.resolve("e/passkey").toString()).collectAsList();
      assertEquals(asked, answered.stream().map(r -> r.getString(0)).collect(Collectors.toSet()));
      answered.forEach(r -> assertEquals(3, r.getString(3).length(), r.getString(0)));
    } finally {
      spark.stop();
    }

    Path other = TinyModel.write(dir.resolve("other"), List.of(TEXT.repeat(20)));
    Path config = other.resolve("config.json");
    Files.writeString(
        config,
        Files.readString(config)
            .replace(
                "\"segment_length\" : " + TinyModel.SEGMENT,
                "\"segment_length\" : " + 2 * TinyModel.SEGMENT));
    Captured refused =
        execute(
            "eval",
            "--model",
            other.toString(),
            "--passkey-set",
            set,
            "--output",
            dir.toString(),
            "--run-id",
            "refused",
            "--master",
            "local[2]",
            "--conf",
            "spark.ui.enabled=false");
    assertEquals(2, refused.code);
    assertTrue(
        refused.err.toString().contains("segments of " + TinyModel.SEGMENT + " tokens"),
        refused.err.toString());
  }

  private static String decodedSegments(SparkSession spark, String set, TextTokenizer tokenizer) {
    StringBuilder text = new StringBuilder();
    for (Row r :
        spark.read().parquet(set + "/segments").orderBy("doc_id", "seg_idx").collectAsList()) {
      text.append(tokenizer.decode(r.getList(4).stream().mapToInt(t -> (Integer) t).toArray()));
    }
    return text.toString();
  }
}
