package io.infinispark.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.infinispark.data.RunTable;
import io.infinispark.data.SparkSessions;
import io.infinispark.data.Tables;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The metrics and perplexity stages alone, on small hand-made tables with fresh random NLLs,
 * against sums done here in float64.
 */
class MetricsStagesTest {
  private static final int SEGMENT = 4;
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkSessions.forTests();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** Segment metrics of one reading: per document, per segment, {n_predicted, nll_sum}. */
  private record Reading(Map<String, double[][]> docs) {
    Dataset<Row> table() {
      List<Row> rows = new ArrayList<>();
      docs.forEach(
          (doc, segments) -> {
            for (int s = 0; s < segments.length; s++) {
              if (segments[s] != null) {
                rows.add(
                    RowFactory.create(
                        doc,
                        s,
                        SEGMENT,
                        (int) segments[s][0],
                        segments[s][1],
                        new float[SEGMENT],
                        5L));
              }
            }
          });
      return spark.createDataFrame(rows, Tables.SEGMENT_METRICS);
    }

    double perplexity(String doc, int fromSegment, int toSegment) {
      double nll = 0;
      double predicted = 0;
      for (int s = fromSegment; s < toSegment; s++) {
        nll += docs.get(doc)[s][1];
        predicted += docs.get(doc)[s][0];
      }
      return Math.exp(nll / predicted);
    }
  }

  private static Reading reading(SplittableRandom random, Map<String, Integer> segments) {
    Map<String, double[][]> docs = new HashMap<>();
    segments.forEach(
        (doc, n) -> {
          double[][] s = new double[n][];
          for (int i = 0; i < n; i++) {
            int predicted = i == 0 ? SEGMENT - 1 : SEGMENT;
            s[i] = new double[] {predicted, predicted * (1 + 6 * random.nextDouble())};
          }
          docs.put(doc, s);
        });
    return new Reading(docs);
  }

  private static Dataset<Row> segments(Map<String, Integer> counts) {
    List<Row> rows = new ArrayList<>();
    counts.forEach(
        (doc, n) -> {
          for (int s = 0; s < n; s++) {
            rows.add(RowFactory.create(doc, s, n, (long) s * SEGMENT, new int[SEGMENT]));
          }
        });
    return spark.createDataFrame(rows, Tables.SEGMENTS);
  }

  @Test
  void docMetricsSumEachDocumentAndNameTheIncompleteOnes() {
    SplittableRandom random = new SplittableRandom(System.nanoTime());
    Map<String, Integer> counts = Map.of("a", 3, "b", 5, "short", 2, "failed", 2);
    Reading carried = reading(random, counts);
    Reading reset = reading(random, counts);
    carried.docs().get("short")[1] = null; // its second segment was never read
    reset.docs().get("b")[4] = null; // the ablation lost b's last segment: no gain for b
    Dataset<Row> errors =
        spark.createDataFrame(
            List.of(RowFactory.create("failed", null, "recur", "out of memory")), Tables.ERRORS);
    RunTables tables =
        RunTables.of(
            Map.of(
                RunTable.SEGMENTS, segments(counts),
                RunTable.SEGMENT_METRICS, carried.table(),
                RunTable.SEGMENT_METRICS_RESET, reset.table(),
                RunTable.ERRORS, errors));

    StageOutput out = new DocMetricsStage(true).run(tables);

    Map<String, Row> metrics = new HashMap<>();
    out.tables()
        .get(RunTable.DOC_METRICS)
        .collectAsList()
        .forEach(r -> metrics.put(r.getAs("doc_id"), r));
    assertEquals(List.of("a", "b"), metrics.keySet().stream().sorted().toList());
    for (String doc : List.of("a", "b")) {
      Row row = metrics.get(doc);
      double expected = carried.perplexity(doc, 0, counts.get(doc));
      assertEquals(expected, row.<Double>getAs("perplexity"), 1e-9 * expected, doc);
      assertEquals(counts.get(doc), row.<Integer>getAs("n_segments"));
      assertEquals(SEGMENT * counts.get(doc), row.<Long>getAs("n_tokens"));
    }
    double resetA = reset.perplexity("a", 0, 3);
    assertEquals(resetA, metrics.get("a").<Double>getAs("perplexity_reset"), 1e-9 * resetA);
    assertEquals(
        1 - carried.perplexity("a", 0, 3) / resetA,
        metrics.get("a").<Double>getAs("memory_gain"),
        1e-9);
    assertNull(metrics.get("b").getAs("perplexity_reset"));
    assertNull(metrics.get("b").getAs("memory_gain"));
    List<Row> incomplete = out.errors().collectAsList();
    assertEquals(1, incomplete.size());
    assertEquals("short", incomplete.get(0).getString(0));
    assertEquals("recur", incomplete.get(0).getString(2));
    assertEquals("read 1 of 2 segments", incomplete.get(0).getString(3));
  }

  @Test
  void logSpacedBucketsDoubleInSegmentsFromTheSecond() {
    SplittableRandom random = new SplittableRandom(System.nanoTime());
    int segments = 9 + random.nextInt(8); // reaches bucket 4: segments 8..15
    Reading carried = reading(random, Map.of("a", segments));
    Dataset<Row> kept =
        spark.createDataFrame(
            List.of(RowFactory.create("a", 20L, segments, 19L, 1.0, 1.0, 1.0, null, null)),
            Tables.DOC_METRICS);
    PerplexityStage stage = new PerplexityStage(SEGMENT, 0, false);
    List<Row> rows =
        stage
            .run(
                RunTables.of(
                    Map.of(RunTable.SEGMENT_METRICS, carried.table(), RunTable.DOC_METRICS, kept)))
            .tables()
            .get(RunTable.PERPLEXITY)
            .orderBy("bucket")
            .collectAsList();
    int[] firstSegment = {0, 1, 2, 4, 8};
    assertEquals(5, rows.size());
    for (int b = 0; b < 5; b++) {
      Row r = rows.get(b);
      int from = firstSegment[b];
      int to = b == 4 ? segments : firstSegment[b + 1];
      assertEquals(b, r.<Integer>getAs("bucket"));
      assertEquals((long) SEGMENT * from, r.<Long>getAs("bucket_start"));
      assertEquals(b == 0 ? SEGMENT : 2L * SEGMENT * from, r.<Long>getAs("bucket_end"));
      double expected = carried.perplexity("a", from, to);
      assertEquals(expected, r.<Double>getAs("perplexity"), 1e-9 * expected, "bucket " + b);
    }
  }

  @Test
  void perplexityBucketsAreWholeSegmentsOfTheKeptDocuments() {
    SplittableRandom random = new SplittableRandom(System.nanoTime());
    Map<String, Integer> counts = Map.of("a", 5, "dropped", 3);
    Reading carried = reading(random, counts);
    Dataset<Row> kept =
        spark.createDataFrame(
            List.of(RowFactory.create("a", 20L, 5, 19L, 1.0, 1.0, 1.0, null, null)),
            Tables.DOC_METRICS);
    PerplexityStage stage = new PerplexityStage(SEGMENT, 6, false);
    assertEquals(8, stage.bucket(), "6 tokens rounded up to whole segments of 4");

    StageOutput out =
        stage.run(
            RunTables.of(
                Map.of(RunTable.SEGMENT_METRICS, carried.table(), RunTable.DOC_METRICS, kept)));

    List<Row> rows = out.tables().get(RunTable.PERPLEXITY).orderBy("bucket").collectAsList();
    assertEquals(3, rows.size(), "segments 0-1, 2-3 and 4 of a; nothing of the dropped document");
    for (Row r : rows) {
      int bucket = r.getAs("bucket");
      double expected = carried.perplexity("a", 2 * bucket, Math.min(5, 2 * bucket + 2));
      assertEquals("a", r.getAs("doc_id"));
      assertEquals("carried", r.getAs("memory"));
      assertEquals(8L * bucket, r.<Long>getAs("bucket_start"));
      assertEquals(expected, r.<Double>getAs("perplexity"), 1e-9 * expected);
    }
  }
}
