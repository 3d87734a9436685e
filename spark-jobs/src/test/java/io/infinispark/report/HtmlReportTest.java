package io.infinispark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infinispark.data.SparkSessions;
import io.infinispark.data.Tables;
import io.infinispark.jobs.DevicePolicy;
import io.infinispark.jobs.ModelBundle;
import io.infinispark.jobs.PipelineConfig;
import io.infinispark.jobs.PipelineJob;
import io.infinispark.jobs.Progress;
import io.infinispark.jobs.RecurOptions;
import io.infinispark.model.Checkpoint;
import io.infinispark.model.MemoryRule;
import io.infinispark.model.ModelConfig;
import io.infinispark.model.ModelWeights;
import io.infinispark.model.Safetensors;
import io.infinispark.tokenizer.BpeTrainer;
import java.awt.image.BufferedImage;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report of a real (tiny) run: its structure, and how a browser renders it. */
class HtmlReportTest {
  @Test
  void aRunsReportHasEveryChartAndRendersInChromium(@TempDir Path dir) throws Exception {
    String devil = Files.readString(Path.of("../datasets/sample/devils-dictionary.txt"));
    ModelConfig config = new ModelConfig(400, 16, 2, 2, 2, 8, 32, 32, MemoryRule.DELTA, 10000, 1e-5, true, 0);
    Path modelDir = dir.resolve("model");
    Checkpoint.save(ModelWeights.randomInit(config, 5), modelDir, Safetensors.Dtype.F32);
    new BpeTrainer(400, 2).train(List.of(devil.substring(0, 60_000))).save(modelDir.resolve("tokenizer.json"));
    Path input = Files.createDirectories(dir.resolve("in"));
    Files.writeString(input.resolve("devil.txt"), devil.substring(0, 6_000));
    Files.writeString(input.resolve("more.jsonl"), "{\"id\": \"jargon\", \"text\": "
        + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(devil.substring(10_000, 14_000))
        + ", \"summary\": \"Definitions <b>with</b> a cynical & witty turn.\"}\n");

    SparkSession spark = SparkSessions.forTests();
    Path runDir = dir.resolve("run");
    Path evalDir = Files.createDirectories(dir.resolve("eval"));
    try {
      PipelineJob.run(spark,
          new PipelineConfig(input.toString(), runDir.toString(), new RecurOptions(1, 0, DevicePolicy.CPU, "float32"), true, 64, 50),
          ModelBundle.load(modelDir), new Progress(spark, new PrintStream(PrintStream.nullOutputStream()), false, 1));
      spark.createDataFrame(List.of(
              RowFactory.create(1024L, 0.0, 2L, 1.0), RowFactory.create(1024L, 1.0, 2L, 0.5),
              RowFactory.create(4096L, 0.0, 2L, 0.0), RowFactory.create(4096L, 1.0, 2L, 0.5)), Tables.PASSKEY_GRID)
          .write().parquet(evalDir.resolve("passkey_grid").toString());
      Path report = HtmlReport.write(spark, runDir, evalDir);

      Document html = Jsoup.parse(report.toFile(), "UTF-8");
      assertEquals(4, html.select("#perplexity-chart path.series").size(), "2 documents × carried/reset");
      assertEquals(4, html.select("#gates-chart rect.cell").size(), "2 layers × 2 heads");
      assertEquals(4, html.select("#passkey-chart rect.cell").size());
      assertTrue(html.select("#stages-chart rect.bar").size() >= 6, "ingest … summarize");
      assertEquals(3, html.select("#documents tr").size(), "header + 2 documents");
      assertEquals(2, html.select("#summaries blockquote.summary").size());
      assertEquals("Definitions <b>with</b> a cynical & witty turn.", html.selectFirst("blockquote.reference").text());
      assertEquals(1, html.select("table.rouge").size());
      assertEquals(0, html.select("script, link, img, [src]").size(), "the report must be self-contained");

      // as a person would see it: a real browser lays it out and draws the charts
      Path png = dir.resolve("report.png");
      Process chromium = new ProcessBuilder("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
              "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--user-data-dir=" + Files.createTempDirectory(dir, "profile"), "--window-size=1100,2600",
              "--screenshot=" + png, report.toUri().toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile()).start();
      assertTrue(chromium.waitFor(120, TimeUnit.SECONDS), "chromium did not finish");
      BufferedImage image = ImageIO.read(png.toFile());
      assertEquals(1100, image.getWidth());
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
