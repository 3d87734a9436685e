package io.infinispark.cli;

import static io.infinispark.cli.CommandLines.executeOnLocalSpark;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infinispark.cli.CommandLines.Captured;
import io.infinispark.data.SparkSessions;
import io.infinispark.pipeline.ModelBundle;
import io.infinispark.pipeline.TinyModel;
import io.infinispark.tokenizer.TextTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code eval} from the command line: key lengths, filler files and prepared sets. */
class EvalCommandTest {
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
        executeOnLocalSpark(
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
            "e");
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
        executeOnLocalSpark(
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
            set);
    assertEquals(0, made.code, made.err.toString());

    Captured run =
        executeOnLocalSpark(
            "eval",
            "--model",
            model.toString(),
            "--passkey-set",
            set,
            "--output",
            dir.toString(),
            "--run-id",
            "e");
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
        executeOnLocalSpark(
            "eval",
            "--model",
            other.toString(),
            "--passkey-set",
            set,
            "--output",
            dir.toString(),
            "--run-id",
            "refused");
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
