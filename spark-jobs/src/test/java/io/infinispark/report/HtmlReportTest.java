package io.infinispark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infinispark.data.SparkSessions;
import io.infinispark.pipeline.SmallRun;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report of a real (tiny) run: its structure, and how a browser renders it. */
class HtmlReportTest {
  @Test
  void aRunsReportHasEveryChartAndRendersInChromium(@TempDir Path dir) throws Exception {
    SparkSession spark = SparkSessions.forTests();
    try {
      Path runDir = SmallRun.create(spark, dir);
      Path report = HtmlReport.write(spark, runDir, null);

      Document html = Jsoup.parse(report.toFile(), "UTF-8");
      assertEquals(
          4, html.select("#perplexity-chart path.series").size(), "2 documents × carried/reset");
      assertEquals(4, html.select("#gates-chart rect.cell").size(), "2 layers × 2 heads");
      // the corpus: pooled perplexity by log-spaced position per mode, gain histogram and scatter
      assertEquals(2, html.select("#corpus-perplexity-chart path.series").size(), "per mode");
      assertTrue(
          html.select("#corpus-perplexity-chart circle.point").size() >= 2 * 5,
          "≥ 5 log-spaced positions per mode");
      assertTrue(
          html.selectFirst("#corpus-perplexity-chart circle.point title")
              .text()
              .matches("tokens 0–32: perplexity [0-9.]+ over 2 documents"),
          html.selectFirst("#corpus-perplexity-chart circle.point title").text());
      assertEquals(
          2.0,
          html.select("#gain-histogram text").stream()
              .filter(t -> t.text().endsWith(" documents"))
              .mapToDouble(t -> Double.parseDouble(t.text().split(" ")[0]))
              .sum(),
          "every document in one bin");
      assertEquals(2, html.select("#gain-vs-length circle.point").size());
      assertEquals(2, html.select("#summaries details.document").size(), "collapsed per document");
      assertEquals(4, html.select("#passkey-chart rect.cell").size(), "2 lengths × 2 depths");
      assertTrue(
          html.selectFirst("#passkey-keys").text().startsWith("Keys of 5 digits, 1 a cell."),
          html.selectFirst("#passkey-keys").text());
      assertTrue(html.select("#stages-chart rect.bar").size() >= 6, "ingest … summarize");
      assertEquals(
          html.select("#stages-chart rect.bar").size() + 1,
          html.select("#stage-throughput tr").size(),
          "tokens/s for every stage");
      assertEquals(3, html.select("#documents tr").size(), "header + 2 documents");
      assertEquals(2, html.select("#recur-tasks tr").size(), "header + the one embedded executor");
      assertTrue(html.selectFirst("#task-skew").text().contains("skew"));
      assertEquals(
          10,
          html.select("#summaries blockquote.summary").size(),
          "2 documents × lead, textrank, coverage, memory-gain, abstractive");
      assertEquals(
          "coverage (default)",
          html.selectFirst("#summaries details.document h3").text().replaceAll(".* — ", ""),
          "the default method first");
      assertEquals(2, html.select("#summaries h3:contains(abstractive)").size());
      assertEquals(2, html.select("#summaries h3:contains(memory-gain)").size());
      assertEquals(
          "Definitions <b>with</b> a cynical & witty turn.",
          html.selectFirst("blockquote.reference").text());
      assertEquals(
          5,
          html.select("table.rouge").size(),
          "all five methods scored for the document with a reference");
      // the methods side by side with the lead baseline: header + 5 methods, lead's own gap 0
      assertEquals(6, html.select("#rouge-by-method tr").size());
      assertEquals(
          "+0.00",
          html.select("#rouge-by-method tr").stream()
              .filter(tr -> tr.child(0).text().equals("lead"))
              .findFirst()
              .orElseThrow()
              .child(5)
              .text());
      assertEquals(
          0, html.select("script, link, img, [src]").size(), "the report must be self-contained");

      // as a person would see it: a real browser lays it out and draws the charts
      BufferedImage image = Chromium.screenshot(report, dir, 6000);
      assertEquals(Chromium.WIDTH, image.getWidth());
      long blue = 0;
      for (int y = 0; y < image.getHeight(); y++) {
        for (int x = 0; x < image.getWidth(); x++) {
          int rgb = image.getRGB(x, y);
          if ((rgb & 0xFF) > 200 && (rgb >> 16 & 0xFF) < 160) {
            blue++; // chart ink: bars, series, gate cells
          }
        }
      }
      assertTrue(blue > 5_000, "the screenshot shows almost no chart ink: " + blue + " pixels");
    } finally {
      spark.stop();
    }
  }
}
