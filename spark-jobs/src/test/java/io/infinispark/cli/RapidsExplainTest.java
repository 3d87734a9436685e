package io.infinispark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.infinispark.pipeline.TinyModel;
import io.infinispark.testing.SampleBooks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --rapids-explain} on a machine without a GPU: the Spark RAPIDS plugin plans the run's
 * SQL/Parquet stages in explain-only mode, on the CPU, and the run directory says which operators
 * would run on a GPU — the Parquet scans and the segment sort among them. Its own JVM, as run.sh
 * starts it (the plugin must load before any Spark context of the test JVM).
 */
class RapidsExplainTest {
  @TempDir Path dir;

  @Test
  void explainOnlyNamesTheOperatorsThatWouldRunOnAGpu() throws Exception {
    String jar = System.getProperty("infinispark.rapids.jar");
    assertNotNull(jar, "the build fetches the RAPIDS jar for this test (spark-jobs/pom.xml)");
    assertTrue(Files.isRegularFile(Path.of(jar)), jar);
    String devil = SampleBooks.devilsDictionary();
    Path model = TinyModel.write(dir.resolve("model"), List.of(devil.substring(0, 20_000)));
    Path input = Files.createDirectories(dir.resolve("in"));
    Files.writeString(input.resolve("a.txt"), devil.substring(0, 3_000));
    Files.writeString(input.resolve("b.txt"), devil.substring(3_000, 5_000));
    DriverProcess driver =
        DriverProcess.start(
            dir.resolve("explain.log"),
            Map.of(Rapids.JAR_ENV, jar),
            List.of(
                "--model",
                model.toString(),
                "--input",
                input.toString(),
                "--output",
                dir.resolve("runs").toString(),
                "--run-id",
                "explained",
                "--master",
                "local[2]",
                "--no-passkey",
                "--no-memory-ablation",
                "--rapids-explain"));
    String out = driver.succeed(5);
    Path run = dir.resolve("runs/explained");
    String explained = Files.readString(run.resolve("rapids-explain.txt"));
    assertTrue(explained.contains("will run on GPU"), out);
    JsonNode manifest = new ObjectMapper().readTree(run.resolve("manifest.json").toFile());
    JsonNode onGpu = manifest.path("rapids_explain").path("would_run_on_gpu");
    assertTrue(onGpu.path("FileSourceScanExec").asInt() > 0, "Parquet scans: " + onGpu);
    assertTrue(onGpu.path("SortExec").asInt() > 0, "the segment sort: " + onGpu);
    assertTrue(
        manifest.path("rapids_explain").path("would_stay_on_cpu").path("MapPartitionsExec").asInt()
            > 0,
        "the model stages (Java objects through mapPartitions) stay on the CPU");
    assertEquals("succeeded", manifest.path("status").asText());
    assertTrue(out.contains("rapids explain:"), out);
  }
}
