package io.infinispark.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.infinispark.data.SparkSessions;
import io.infinispark.data.Tables;
import io.infinispark.eval.Rouge;
import io.infinispark.runtime.DevicePolicy;
import io.infinispark.runtime.ExecutorModels;
import io.infinispark.runtime.RecurOptions;
import io.infinispark.summary.SummaryMethods;
import io.infinispark.testing.SampleBooks;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole pipeline on real files through real Spark, with a tiny model. */
class PipelineJobTest {
  @TempDir static Path dir;
  private static SparkSession spark;
  private static ModelBundle model;
  private static Path input;
  private static String devil;

  @BeforeAll
  static void setUp() throws IOException {
    spark = SparkSessions.forTests();
    devil = SampleBooks.devilsDictionary();
    String jargon = SampleBooks.read("jargon-file.txt");
    model =
        ModelBundle.load(
            TinyModel.write(dir.resolve("model"), List.of(devil.substring(0, 60_000))));
    input = Files.createDirectories(dir.resolve("input"));
    Files.writeString(input.resolve("devil.txt"), devil.substring(0, 9_000));
    Files.writeString(input.resolve("jargon.txt"), jargon.substring(0, 5_000));
    Files.writeString(input.resolve("tiny.txt"), "Abasement.");
    Files.writeString(input.resolve("one-token.txt"), "a");
    Files.write(input.resolve("latin1.txt"), "na\u00efve".getBytes(StandardCharsets.ISO_8859_1));
    Files.writeString(
        input.resolve("more.jsonl"),
        "{\"id\": \"bible\", \"title\": \"Genesis\", \"text\": "
            + new ObjectMapper().writeValueAsString(SampleBooks.bible().substring(0, 7_000))
            + ", \"summary\": \"God created the heaven and the earth, and made man.\"}\n"
            + "{\"id\": \"devil\", \"text\": \"a duplicate id\"}\n");
  }

  @AfterAll
  static void tearDown() {
    spark.stop();
  }

  private PipelineJob.Result run(String name, RecurOptions options) {
    return run(new PipelineConfig(input.toString(), dir.resolve(name).toString(), options));
  }

  private PipelineJob.Result run(PipelineConfig config) {
    Progress quiet = new Progress(spark, new PrintStream(PrintStream.nullOutputStream()), false, 1);
    return PipelineJob.run(spark, config, model, quiet);
  }

  @Test
  void writesEveryTableWithItsSchemaAndOneDocMetricsRowPerValidDocument() throws IOException {
    int loadsBefore = ExecutorModels.loads();
    PipelineJob.Result result = run("full", new RecurOptions(2, 0, DevicePolicy.CPU, "float32"));
    String runDir = result.runDir();

    assertSchema(Tables.DOCUMENTS, runDir + "/documents");
    assertSchema(Tables.SEGMENTS, runDir + "/segments");
    assertSchema(Tables.SEGMENT_METRICS, runDir + "/segment_metrics");
    assertSchema(Tables.DOC_METRICS, runDir + "/doc_metrics");
    assertSchema(Tables.ERRORS, runDir + "/errors");
    assertSchema(Tables.SUMMARIES, runDir + "/summaries");
    assertSchema(Tables.ROUGE, runDir + "/rouge");
    assertSchema(Tables.REFERENCES, runDir + "/references");

    // every document gets a summary of each text-only method, quoting where the offsets say
    List<Row> summaries = spark.read().parquet(runDir + "/summaries").collectAsList();
    for (String method :
        List.of(SummaryMethods.LEAD, SummaryMethods.TEXTRANK, SummaryMethods.COVERAGE)) {
      assertSummariesQuoteTheirDocuments(runDir, summaries, method);
    }
    // ROUGE only where references came with the input, for every whole-document summary of it,
    // and equal to scoring the tables again
    List<Row> rouge = spark.read().parquet(runDir + "/rouge").collectAsList();
    assertEquals(
        List.of(SummaryMethods.COVERAGE, SummaryMethods.LEAD, SummaryMethods.TEXTRANK),
        rouge.stream().map(r -> r.getString(1)).sorted().toList());
    for (Row scored : rouge) {
      assertEquals("bible", scored.getString(0));
      String summary =
          summaries.stream()
              .filter(
                  r -> r.getString(0).equals("bible") && r.getString(1).equals(scored.getString(1)))
              .filter(r -> r.isNullAt(6))
              .findFirst()
              .orElseThrow()
              .getString(2);
      Rouge.Scores expected =
          Rouge.best(List.of("God created the heaven and the earth, and made man."), summary);
      assertEquals(expected.rouge1().f1(), scored.getDouble(3), 1e-12);
      assertEquals(expected.rougeL().recall(), scored.getDouble(11), 1e-12);
      assertTrue(
          expected.rouge1().f1() > 0, "the Genesis summary shares no word with its reference");
    }
    // the lead baseline is the first summary-words words of the cleaned prose: no heading, no
    // verse number
    String lead =
        summaries.stream()
            .filter(
                r -> r.getString(0).equals("bible") && r.getString(1).equals(SummaryMethods.LEAD))
            .findFirst()
            .orElseThrow()
            .getString(2);
    assertTrue(
        lead.startsWith("In the beginning God created the heaven and the earth. And the earth"),
        lead);
    assertEquals(300, Rouge.wordCount(lead));

    Map<String, Row> docs =
        result.docMetrics().stream().collect(Collectors.toMap(r -> r.getString(0), r -> r));
    assertEquals(
        List.of("bible", "devil", "jargon", "tiny"), docs.keySet().stream().sorted().toList());
    for (Row doc : docs.values()) {
      double perplexity = doc.getAs("perplexity");
      long tokens = doc.getAs("n_tokens");
      int segments = doc.getAs("n_segments");
      assertEquals((tokens + TinyModel.SEGMENT - 1) / TinyModel.SEGMENT, segments);
      assertEquals(tokens - 1, (long) doc.getAs("n_predicted"));
      assertTrue(perplexity > 1 && perplexity < 5 * TinyModel.VOCAB, "perplexity " + perplexity);
    }
    // the tokens of a document, as segments, decode back to its text
    List<Row> devilSegments =
        spark
            .read()
            .parquet(runDir + "/segments")
            .filter("doc_id = 'devil'")
            .orderBy("seg_idx")
            .collectAsList();
    StringBuilder text = new StringBuilder();
    for (Row segment : devilSegments) {
      List<Integer> tokens = segment.getList(4);
      text.append(model.tokenizer().decode(tokens.stream().mapToInt(Integer::intValue).toArray()));
    }
    assertEquals(devil.substring(0, 9_000), text.toString());

    List<String> errors =
        spark.read().parquet(runDir + "/errors").collectAsList().stream()
            .map(r -> r.getString(0) + "|" + r.getString(2) + "|" + r.getString(3))
            .sorted()
            .toList();
    assertEquals(3, errors.size(), errors.toString());
    assertTrue(errors.get(0).startsWith("devil|ingest|duplicate doc_id"), errors.toString());
    assertTrue(errors.get(1).startsWith("latin1|ingest|not valid UTF-8"), errors.toString());
    assertTrue(
        errors.get(2).startsWith("one-token|shard|too short: 1 token(s)"), errors.toString());

    JsonNode manifest = new ObjectMapper().readTree(Path.of(runDir, "manifest.json").toFile());
    assertEquals("succeeded", manifest.path("status").asText());
    assertEquals(false, manifest.path("model").path("random_init").asBoolean());
    assertTrue(manifest.path("model").path("provenance").asText().startsWith("checkpoint "));
    for (String stage : List.of("ingest", "shard", "recur", "metrics")) {
      assertTrue(manifest.path("stages").path(stage).path("millis").isNumber(), stage);
    }
    assertTrue(ExecutorModels.loads() - loadsBefore <= 1, "weights were loaded more than once");
  }

  @Test
  void theMemoryAblationAndPositionBucketsReaggregateToTheDocumentTotals() {
    RecurOptions options = new RecurOptions(2, 0, DevicePolicy.CPU, "float32");
    PipelineJob.Result result =
        run(
            new PipelineConfig(
                input.toString(),
                dir.resolve("ablation").toString(),
                options,
                true,
                100,
                60,
                AbstractiveOptions.OFF));
    String runDir = result.runDir();
    assertSchema(Tables.PERPLEXITY, runDir + "/perplexity");
    Dataset<Row> perplexity = spark.read().parquet(runDir + "/perplexity");
    // buckets are whole segments: 100 tokens → 4 segments of 32 = 128 tokens
    assertEquals(
        128L,
        perplexity.first().<Long>getAs("bucket_end")
            - perplexity.first().<Long>getAs("bucket_start"));
    for (Row doc : result.docMetrics()) {
      String id = doc.getString(0);
      Row carried =
          perplexity
              .filter("memory = 'carried' and doc_id = '" + id + "'")
              .agg(functions.sum("n_predicted"), functions.sum("nll_sum"))
              .first();
      assertEquals((long) doc.getAs("n_predicted"), carried.getLong(0), id);
      assertEquals(
          (double) doc.getAs("nll_sum"), carried.getDouble(1), 1e-9 * carried.getDouble(1), id);
      Row reset =
          perplexity
              .filter("memory = 'reset' and doc_id = '" + id + "'")
              .agg(functions.sum("n_predicted"), functions.sum("nll_sum"))
              .first();
      assertEquals(carried.getLong(0), reset.getLong(0), id);
      double resetPerplexity = Math.exp(reset.getDouble(1) / reset.getLong(0));
      assertEquals(resetPerplexity, result.resetPerplexity().get(id), 1e-9 * resetPerplexity);
      assertEquals(
          resetPerplexity, doc.<Double>getAs("perplexity_reset"), 1e-9 * resetPerplexity, id);
      assertEquals(
          1 - doc.<Double>getAs("perplexity") / resetPerplexity,
          doc.<Double>getAs("memory_gain"),
          1e-9,
          id);
      if ((int) doc.getAs("n_segments") > 1) {
        assertNotEquals(
            carried.getDouble(1), reset.getDouble(1), "memory made no difference to " + id);
      } else {
        assertEquals(carried.getDouble(1), reset.getDouble(1), 1e-6 * carried.getDouble(1), id);
      }
    }
    // each segment's per-token NLL: one per token, NaN only for a document's first, summing to
    // nll_sum
    for (String table : List.of("segment_metrics", "segment_metrics_reset")) {
      for (Row seg : spark.read().parquet(runDir + "/" + table).collectAsList()) {
        List<Float> nll = seg.getList(seg.fieldIndex("token_nll"));
        assertEquals((int) seg.getAs("n_tokens"), nll.size());
        double sum = nll.stream().filter(v -> !v.isNaN()).mapToDouble(Float::doubleValue).sum();
        long scored = nll.stream().filter(v -> !v.isNaN()).count();
        assertEquals((int) seg.getAs("n_predicted"), scored);
        assertEquals(scored == nll.size() ? 0 : 1, (int) seg.getAs("seg_idx") == 0 ? 1 : 0, table);
        assertEquals((double) seg.getAs("nll_sum"), sum, 1e-5 * Math.abs(sum), table);
      }
    }
    // the model-guided summary, from those scores, quotes its document like the text-only one
    List<Row> summaries = spark.read().parquet(runDir + "/summaries").collectAsList();
    assertSummariesQuoteTheirDocuments(runDir, summaries, SummaryMethods.TEXTRANK);
    assertSummariesQuoteTheirDocuments(runDir, summaries, SummaryMethods.MEMORY_GAIN);
  }

  @Test
  void recurGivesIdenticalNumbersWithOneTwoAndSevenPartitions() {
    RecurOptions options = new RecurOptions(2, 1, DevicePolicy.CPU, "float32");
    List<Row> one = segmentMetrics(run("p1", options));
    List<Row> two = segmentMetrics(run("p2", options.withPartitions(2)));
    List<Row> seven = segmentMetrics(run("p7", options.withPartitions(7)));
    assertTrue(one.size() > 20, "too few segments to mean anything: " + one.size());
    assertEquals(one, two);
    assertEquals(one, seven);
  }

  @Test
  void aFailingRecurStageKeepsWhatEarlierStagesWroteAndMarksTheRunFailed() throws IOException {
    // no GPU here: a run that insists on one fails inside the recur tasks
    RecurOptions gpuOnly = new RecurOptions(2, 0, DevicePolicy.GPU, "float32");
    assertThrows(Exception.class, () -> run("failed", gpuOnly));
    String runDir = dir.resolve("failed").toString();
    assertEquals(
        5, spark.read().parquet(runDir + "/documents").count()); // one-token fails at shard
    assertTrue(spark.read().parquet(runDir + "/segments").count() > 20);
    JsonNode manifest = new ObjectMapper().readTree(Path.of(runDir, "manifest.json").toFile());
    assertEquals("failed", manifest.path("status").asText());
    assertTrue(
        manifest.path("error").asText().contains("Spark gave this task no GPU"),
        manifest.toString());
  }

  /** (doc, segment, nll, predicted) of every segment, without the timing column. */
  /**
   * Every document (every one read without error, for a model-guided method) has a summary of this
   * method, each sentence is where its offsets say, and the summaries are not all empty.
   */
  private void assertSummariesQuoteTheirDocuments(
      String runDir, List<Row> summaries, String method) {
    Map<String, String> texts =
        spark.read().parquet(runDir + "/documents").collectAsList().stream()
            .collect(Collectors.toMap(r -> r.getString(0), r -> r.getString(4)));
    java.util.Set<String> expected =
        !method.equals(SummaryMethods.MEMORY_GAIN)
            ? texts.keySet()
            : spark.read().parquet(runDir + "/doc_metrics").collectAsList().stream()
                .map(r -> r.getString(0))
                .collect(Collectors.toSet());
    List<Row> ofMethod =
        summaries.stream().filter(r -> r.getString(1).equals(method) && r.isNullAt(6)).toList();
    assertEquals(
        expected, ofMethod.stream().map(r -> r.getString(0)).collect(Collectors.toSet()), method);
    assertTrue(
        ofMethod.stream().anyMatch(r -> !r.getList(4).isEmpty()),
        method + " chose no sentence at all");
    for (Row summary : ofMethod) {
      String text = texts.get(summary.getString(0));
      List<Integer> starts = summary.getList(4);
      List<Integer> ends = summary.getList(5);
      StringBuilder quoted = new StringBuilder();
      for (int i = 0; i < starts.size(); i++) {
        quoted.append(text, starts.get(i), ends.get(i));
      }
      // cleaning drops verse numbers, headings and markup from the shown text, nothing else
      assertTrue(
          io.infinispark.summary.ShownText.dropsOnly(summary.getString(2), quoted.toString()),
          summary.getString(0) + " " + method + ": " + summary.getString(2));
    }
  }

  private List<Row> segmentMetrics(PipelineJob.Result result) {
    return spark
        .read()
        .parquet(result.runDir() + "/segment_metrics")
        .select("doc_id", "seg_idx", "n_tokens", "n_predicted", "nll_sum")
        .orderBy("doc_id", "seg_idx")
        .collectAsList();
  }

  private void assertSchema(StructType expected, String path) {
    StructType actual = spark.read().parquet(path).schema();
    assertEquals(List.of(expected.fieldNames()), List.of(actual.fieldNames()), path);
    for (int i = 0; i < expected.fields().length; i++) {
      assertEquals(
          expected.fields()[i].dataType(),
          actual.fields()[i].dataType(),
          path + " " + expected.fields()[i].name());
    }
  }
}
