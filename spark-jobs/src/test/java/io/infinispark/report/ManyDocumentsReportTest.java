package io.infinispark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infinispark.data.RunTable;
import io.infinispark.data.SparkSessions;
import io.infinispark.data.Tables;
import io.infinispark.pipeline.SmallRun;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report of a corpus of thousands of documents stays bounded: its size grows far slower than
 * the corpus, and Chromium draws its corpus figures. The tables are a real small run's, with its
 * documents' rows replaced by thousands of synthetic tiny documents (lengths, perplexities and
 * gains drawn at random; the report reads only the run directory). {@link #main} measures size and
 * render time at several corpus sizes for docs/benchmarks.md.
 */
class ManyDocumentsReportTest {
  @TempDir Path dir;

  @Test
  void aThreeThousandDocumentReportIsUnderOneMegabyteAndDrawsTheCorpus() throws Exception {
    SparkSession spark = SparkSessions.forTests();
    try {
      Path run = corpusRun(spark, dir, 3_000, new SplittableRandom(System.nanoTime()));
      Path report = HtmlReport.write(spark, run, null);
      long bytes = Files.size(report);
      assertTrue(bytes < 1_000_000, "report of 3,000 documents: " + bytes + " bytes");
      Document html = Jsoup.parse(report.toFile(), "UTF-8");
      assertEquals(2, html.select("#corpus-perplexity-chart path.series").size());
      assertTrue(html.select("#corpus-perplexity-chart circle.point").size() >= 2 * 5);
      assertTrue(
          html.selectFirst("#corpus-perplexity-chart circle.point title")
              .text()
              .endsWith("over 3000 documents"),
          "the first bucket holds every document");
      assertEquals(
          3_000.0,
          html.select("#gain-histogram text").stream()
              .filter(t -> t.text().endsWith(" documents"))
              .mapToDouble(t -> Double.parseDouble(t.text().split(" ")[0]))
              .sum());
      int drawn = html.select("#gain-vs-length circle.point").size();
      assertEquals(1_500, drawn, "every 2nd document by length: at most 2,000 drawn");
      assertEquals(21, html.select("#documents tr").size(), "header + 10 largest + 10 smallest");
      assertEquals(HtmlReport.FULL_TABLE_ROWS, html.select("#summaries details.document").size());
      assertEquals(
          HtmlReport.FULL_TABLE_ROWS / 2,
          html.select("#summaries details.sections").size(),
          "every other document has sections, collapsed");
      assertEquals(
          List.of("Chapter 1", "Chapter 2", "Chapter 3"),
          html.selectFirst("#summaries details.sections").select("h4").eachText());
      assertEquals(HtmlReport.ERRORS_LISTED + 1, html.select("#errors tr").size());
      assertEquals(
          "300", html.select("#error-counts td").get(2).text(), "one reason, every bad document");
      double ink = render(report, dir).ink();
      assertTrue(ink > 20_000, "chart ink in the screenshot: " + ink);
    } finally {
      spark.stop();
    }
  }

  /** A small real run whose per-document tables are replaced by {@code n} synthetic documents. */
  static Path corpusRun(SparkSession spark, Path dir, int n, SplittableRandom random)
      throws Exception {
    Path run = SmallRun.create(spark, dir);
    List<Row> docs = new ArrayList<>();
    List<Row> positions = new ArrayList<>();
    List<Row> summaries = new ArrayList<>();
    List<Row> errors = new ArrayList<>();
    int segment = 32;
    for (int d = 0; d < n; d++) {
      String id = String.format(Locale.ROOT, "doc-%06d", d);
      long tokens = (long) Math.exp(5 + 5 * random.nextDouble()); // 150 to 22K tokens
      int segments = (int) ((tokens + segment - 1) / segment);
      double carried = 50 + 200 * random.nextDouble();
      double gain = random.nextGaussian() * 0.02 + 0.03;
      double reset = carried / (1 - gain);
      docs.add(
          RowFactory.create(
              id,
              tokens,
              segments,
              tokens - 1,
              Math.log(carried) * (tokens - 1),
              carried,
              5e3,
              reset,
              gain));
      for (int b = 0; (b == 0 ? 0 : segment << (b - 1)) < tokens; b++) {
        long start = b == 0 ? 0 : (long) segment << (b - 1);
        long end = Math.min(tokens, (long) segment << b);
        long predicted = end - start - (b == 0 ? 1 : 0);
        double p = carried * (1 + 0.5 / (b + 1));
        positions.add(bucket(id, "carried", b, start, (long) segment << b, predicted, p));
        positions.add(
            bucket(id, "reset", b, start, (long) segment << b, predicted, p / (1 - gain)));
      }
      for (String method : List.of("textrank", "memory-gain")) {
        summaries.add(
            RowFactory.create(
                id,
                method,
                "A short summary of " + id + ".",
                6,
                new Integer[] {0},
                new Integer[] {30},
                null,
                null,
                null,
                null));
      }
      for (int section = 0; d % 2 == 0 && section < 3; section++) {
        summaries.add(
            RowFactory.create(
                id,
                "coverage",
                "Part " + section + " of " + id + " in short.",
                6,
                new Integer[] {section * 10},
                new Integer[] {section * 10 + 9},
                section,
                "Chapter " + (section + 1),
                section * 10,
                section * 10 + 10));
      }
      if (d % 10 == 0) {
        errors.add(RowFactory.create(id, "in/" + id + ".txt", "ingest", "empty document: 0 bytes"));
      }
    }
    write(spark, docs, Tables.DOC_METRICS, run, RunTable.DOC_METRICS);
    write(spark, positions, Tables.PERPLEXITY, run, RunTable.PERPLEXITY);
    write(spark, summaries, Tables.SUMMARIES, run, RunTable.SUMMARIES);
    write(spark, errors, Tables.ERRORS, run, RunTable.ERRORS);
    return run;
  }

  private static Row bucket(
      String id, String memory, int b, long start, long end, long predicted, double perplexity) {
    return RowFactory.create(
        id, memory, b, start, end, predicted, Math.log(perplexity) * predicted, perplexity);
  }

  private static void write(
      SparkSession spark,
      List<Row> rows,
      org.apache.spark.sql.types.StructType schema,
      Path run,
      RunTable table) {
    spark
        .createDataFrame(rows, schema)
        .coalesce(1)
        .write()
        .mode(SaveMode.Overwrite)
        .parquet(table.in(run).toString());
  }

  record Rendered(double seconds, double ink) {}

  /** Headless Chromium's screenshot of the report: wall time and chart-ink pixels. */
  static Rendered render(Path report, Path dir) throws Exception {
    long started = System.nanoTime();
    BufferedImage image = Chromium.screenshot(report, dir, 4000);
    double seconds = (System.nanoTime() - started) / 1e9;
    long ink = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y);
        int r = rgb >> 16 & 0xFF;
        int g = rgb >> 8 & 0xFF;
        int b = rgb & 0xFF;
        if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 60) {
          ink++; // colored: series, points, bars, cells (text and axes are gray)
        }
      }
    }
    return new Rendered(seconds, ink);
  }

  /** Size and Chromium render time of the report at each corpus size given. */
  public static void main(String[] sizes) throws Exception {
    SparkSession spark = SparkSessions.forTests();
    try {
      for (String size : sizes) {
        Path dir = Files.createTempDirectory("many-docs");
        Path run = corpusRun(spark, dir, Integer.parseInt(size), new SplittableRandom(1));
        long started = System.nanoTime();
        Path report = HtmlReport.write(spark, run, null);
        double write = (System.nanoTime() - started) / 1e9;
        Rendered r = render(report, dir);
        System.out.printf(
            Locale.ROOT,
            "%s documents: report %,d bytes, written in %.1f s, Chromium screenshot in %.1f s%n",
            size,
            Files.size(report),
            write,
            r.seconds());
      }
    } finally {
      spark.stop();
    }
  }
}
