package io.infinispark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.infinispark.data.SparkSessions;
import io.infinispark.pipeline.RecurStage;
import io.infinispark.pipeline.TinyModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run whose driver is SIGKILLed in the middle of recur says so, and {@code --resume} finishes it
 * with exactly the numbers of an uninterrupted run, reading only the books recur had not finished.
 */
class ResumeTest {
  @TempDir Path dir;

  @Test
  void aRunKilledMidRecurSaysSoAndResumesToTheUninterruptedNumbers() throws Exception {
    String devil = Files.readString(Path.of("../datasets/sample/devils-dictionary.txt"));
    Path model = TinyModel.write(dir.resolve("model"), List.of(devil.substring(0, 30_000)));
    Path input = Files.createDirectories(dir.resolve("in"));
    int[] lengths = {5_000, 3_500, 2_500, 1_500};
    for (int i = 0, from = 0; i < lengths.length; from += lengths[i], i++) {
      Files.writeString(
          input.resolve("book" + i + ".txt"), devil.substring(from, from + lengths[i]));
    }
    List<String> common =
        List.of(
            "--model", model.toString(),
            "--input", input.toString(),
            "--output", dir.resolve("runs").toString(),
            "--master", "local[2]",
            "--lanes", "1",
            "--passkey-lengths", "100",
            "--progress-seconds", "1",
            "--conf", "spark.ui.enabled=false");
    CommandLines.Captured whole = CommandLines.execute(with(common, "--run-id", "whole"));
    assertEquals(0, whole.code, whole.err.toString());

    // recur in parts of one book each (lanes 1, ≥ 600 tokens a part); stall in the second part
    Path stall = Files.createDirectories(dir.resolve("stall"));
    DriverProcess driver =
        DriverProcess.start(
            dir.resolve("crashed.log"),
            Map.of(),
            List.of(
                with(
                    common,
                    "--run-id",
                    "crashed",
                    "--commit-tokens",
                    "600",
                    "--conf",
                    RecurStage.STALL_FOR_TESTS + "=" + stall,
                    "--conf",
                    RecurStage.STALL_FROM_PART + "=1")));
    driver.awaitFile(stall.resolve("recur-task-pid"), 3);
    assertEquals(driver.pid(), Long.parseLong(Files.readString(stall.resolve("recur-task-pid"))));
    driver.process.toHandle().destroyForcibly(); // SIGKILL: the manifest is not told
    driver.process.waitFor();

    Path crashed = dir.resolve("runs/crashed");
    JsonNode before = new ObjectMapper().readTree(crashed.resolve("manifest.json").toFile());
    assertEquals("running", before.path("status").asText());
    assertEquals(
        1,
        segmentNlls(crashed).keySet().stream().map(k -> k.split("#")[0]).distinct().count(),
        "the first part (the longest book) should be committed, and only it");
    CommandLines.Captured report = CommandLines.execute("report", crashed.toString());
    assertEquals(0, report.code, report.err.toString());
    assertTrue(
        Files.readString(crashed.resolve("report.html")).contains("stopped without finishing"),
        "the report of a killed run must not say it is running");

    CommandLines.Captured resumed =
        CommandLines.execute(
            "--resume",
            crashed.toString(),
            "--master",
            "local[2]",
            "--passkey-lengths",
            "100",
            "--progress-seconds",
            "1");
    assertEquals(0, resumed.code, resumed.err.toString());
    Path finished = dir.resolve("runs/whole");
    assertEquals(segmentNlls(finished), segmentNlls(crashed), "resumed numbers differ");
    JsonNode after = new ObjectMapper().readTree(crashed.resolve("manifest.json").toFile());
    assertEquals("succeeded", after.path("status").asText());
    assertEquals(1, after.path("resumed_at").size());
    long total = segmentNlls(finished).size();
    long reread = after.path("stages").path("recur").path("segments_read").asLong();
    assertTrue(reread > 0 && reread < total, "recur read " + reread + " of " + total + " again");
    assertEquals(
        total,
        after.path("stages").path("recur-reset").path("segments_read").asLong(),
        "the reset pass had not started, so all of it runs");
    assertEquals(
        4,
        SparkSessions.forTests().read().parquet(crashed.resolve("doc_metrics").toString()).count());

    CommandLines.Captured again =
        CommandLines.execute("--resume", crashed.toString(), "--master", "local[2]");
    assertNotEquals(0, again.code);
    assertTrue(again.err.toString().contains("nothing to resume"), again.err.toString());
  }

  private static String[] with(List<String> common, String... more) {
    List<String> out = new ArrayList<>(common);
    out.addAll(List.of(more));
    return out.toArray(String[]::new);
  }

  /** (doc_id, seg_idx) → nll_sum of the carried-memory pass; fails on a duplicated segment. */
  private static Map<String, Double> segmentNlls(Path run) {
    Map<String, Double> out = new TreeMap<>();
    for (Row r :
        SparkSessions.forTests()
            .read()
            .parquet(run.resolve("segment_metrics").toString())
            .select("doc_id", "seg_idx", "nll_sum")
            .collectAsList()) {
      Double previous = out.put(r.getString(0) + "#" + r.getInt(1), r.getDouble(2));
      assertEquals(null, previous, "segment read twice: " + r);
    }
    return out;
  }
}
