package io.infinispark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infinispark.data.SparkSessions;
import io.infinispark.model.Checkpoint;
import io.infinispark.model.HostTensor;
import io.infinispark.model.ModelWeights;
import io.infinispark.model.Safetensors;
import io.infinispark.model.WeightNames;
import io.infinispark.pipeline.TinyModel;
import io.infinispark.testing.SampleBooks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `train` end to end on a corpus laid out as `datasets fetch` writes it, then `train --resume`. */
class TrainCommandTest {
  @TempDir Path dir;

  @Test
  void trainsChecksResumesAndLeavesALoadableModel() throws IOException {
    String bible = SampleBooks.bible();
    String devil = SampleBooks.devilsDictionary();
    Path model = TinyModel.write(dir.resolve("tiny"), List.of(bible.substring(0, 200_000)));
    Path corpus = dir.resolve("corpus");
    writeCorpus(corpus, bible, devil);
    Path out = dir.resolve("run");
    String[] common = {"--corpus", corpus.toString(), "--output", out.toString()};

    int first =
        execute(
            concat(
                common,
                "--from",
                model.toString(),
                "--tokenizer",
                model.resolve("tokenizer.json").toString(),
                "--steps",
                "3",
                "--lanes",
                "3",
                "--passkey-lanes",
                "1",
                "--recall-lanes",
                "1",
                "--window-segments",
                "8",
                "--warmup",
                "1",
                "--curriculum-steps",
                "2",
                "--checkpoint-every",
                "2",
                "--validate-every",
                "2",
                "--stop-after",
                "2"));
    assertEquals(0, first);
    Path checkpoint = out.resolve("checkpoint");
    assertEquals(2, state(checkpoint).get("step").asInt());

    int resumed = execute(concat(common, "--resume"));
    assertEquals(0, resumed);
    assertEquals(3, state(checkpoint).get("step").asInt());
    List<String> log = Files.readAllLines(out.resolve("train-log.tsv"));
    assertEquals(4, log.size(), "header + one row per step: " + log);
    String[] step2 = log.get(2).split("\t");
    assertTrue(
        Double.parseDouble(step2[8]) > 0 && Double.parseDouble(step2[9]) > 0,
        "held-out NLL both ways at step 2");
    assertTrue(
        Double.isFinite(Double.parseDouble(log.get(3).split("\t")[3])),
        "the passkey answer was scored");

    ModelWeights trained = Checkpoint.load(checkpoint);
    assertEquals(Checkpoint.load(model).config(), trained.config());
    assertTrue(Files.isRegularFile(checkpoint.resolve("tokenizer.json")));
  }

  /**
   * A model whose final norm is scaled by 1e20 overflows every gradient: both steps are skipped,
   * each leaves a snapshot, and {@code --replay-skipped} replays them three ways into replay.tsv.
   */
  @Test
  void skippedStepsLeaveSnapshotsThatReplaySkippedReplays() throws IOException {
    String bible = SampleBooks.bible();
    Path tiny = TinyModel.write(dir.resolve("tiny"), List.of(bible.substring(0, 200_000)));
    ModelWeights sane = Checkpoint.load(tiny);
    Map<String, HostTensor> tensors = new LinkedHashMap<>(sane.tensors());
    HostTensor norm = tensors.get(WeightNames.FINAL_NORM);
    float[] scaled = norm.data().clone();
    for (int i = 0; i < scaled.length; i++) {
      scaled[i] *= 1e20f;
    }
    tensors.put(WeightNames.FINAL_NORM, new HostTensor(norm.shape(), scaled));
    Path model = dir.resolve("overflowing");
    Checkpoint.save(new ModelWeights(sane.config(), tensors, "test"), model, Safetensors.Dtype.F32);
    Path corpus = dir.resolve("corpus");
    writeCorpus(corpus, bible, SampleBooks.devilsDictionary());
    Path out = dir.resolve("run");
    String[] common = {"--corpus", corpus.toString(), "--output", out.toString()};
    String[] options = {
      "--from",
      model.toString(),
      "--tokenizer",
      tiny.resolve("tokenizer.json").toString(),
      "--steps",
      "2",
      "--lanes",
      "2",
      "--passkey-lanes",
      "0",
      "--window-segments",
      "2",
      "--warmup",
      "1",
      "--validate-every",
      "100"
    };
    assertEquals(0, execute(concat(common, options)));
    assertEquals(2, state(out.resolve("checkpoint")).get("skippedSteps").asInt());
    assertEquals(0, execute(concat(common, "--replay-skipped")));
    for (String step : List.of("step-1", "step-2")) {
      List<String> rows =
          Files.readAllLines(out.resolve("skipped").resolve(step).resolve("replay.tsv"));
      assertEquals(1 + 3 * tensors.size(), rows.size(), "header + every tensor, three ways");
      for (String path : List.of("carried", "detached", "reset")) {
        assertTrue(
            rows.stream().anyMatch(r -> r.startsWith(path + "\t") && r.endsWith("\tfalse")),
            step + ", " + path + ": the overflow replays");
      }
    }
  }

  private static int execute(String... args) {
    return new CommandLine(new Main()).execute(concat(new String[] {"train"}, args));
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static com.fasterxml.jackson.databind.JsonNode state(Path checkpoint) throws IOException {
    return new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(checkpoint.resolve("trainer-state.json").toFile());
  }

  /**
   * Train: six stretches of the Bible; held out: two of the Devil's Dictionary; split as a
   * partition.
   */
  static void writeCorpus(Path corpus, String bible, String devil) {
    SparkSession spark = SparkSessions.forTests();
    StructType schema =
        new StructType()
            .add("doc_id", DataTypes.StringType)
            .add("text", DataTypes.StringType)
            .add("split", DataTypes.StringType);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      rows.add(
          RowFactory.create("bible-" + i, bible.substring(i * 20_000, (i + 1) * 20_000), "train"));
    }
    for (int i = 0; i < 2; i++) {
      rows.add(
          RowFactory.create(
              "devil-" + i, devil.substring(i * 30_000, (i + 1) * 30_000), "held-out"));
    }
    spark
        .createDataFrame(rows, schema)
        .write()
        .mode(SaveMode.Overwrite)
        .partitionBy("split")
        .parquet(corpus.toString());
  }
}
