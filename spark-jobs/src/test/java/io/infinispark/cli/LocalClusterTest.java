package io.infinispark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.infinispark.data.SparkSessions;
import io.infinispark.pipeline.RecurStage;
import io.infinispark.pipeline.TinyModel;
import io.infinispark.testing.SampleBooks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main job on Spark's {@code local-cluster} master, launched as {@code ./run.sh} launches it: a
 * driver JVM whose worker starts two executor JVMs, so the weights reach the executors only by
 * broadcast and each executor loads its own model. Compared with the same run in embedded mode.
 */
class LocalClusterTest {
  private static final String MASTER = "local-cluster[2,2,1024]";

  @TempDir static Path dir;
  private static Path model;
  private static Path input;
  private static Map<String, Double> embedded;

  @BeforeAll
  static void embeddedRun() throws IOException {
    String devil = SampleBooks.devilsDictionary();
    model = TinyModel.write(dir.resolve("model"), List.of(devil.substring(0, 30_000)));
    input = Files.createDirectories(dir.resolve("in"));
    // four books of different lengths, so recur has batches for both executors
    int[] lengths = {5_000, 3_500, 2_500, 1_500};
    for (int i = 0, from = 0; i < lengths.length; from += lengths[i], i++) {
      Files.writeString(
          input.resolve("book" + i + ".txt"), devil.substring(from, from + lengths[i]));
    }
    CommandLines.Captured run = CommandLines.execute(arguments("embedded", "local[2]"));
    assertEquals(0, run.code, run.err.toString());
    embedded = segmentNlls(dir.resolve("runs/embedded"));
  }

  /**
   * One run covers both: recur's first task stalls after its first segment, the test SIGKILLs that
   * executor JVM, Spark retries the task in another executor JVM, and every number still equals the
   * embedded run's.
   */
  @Test
  void executorJvmsReadEveryBookWithTheEmbeddedNumbersEvenWhenOneIsKilledMidRecur()
      throws Exception {
    Path stall = Files.createDirectories(dir.resolve("stall"));
    List<String> arguments = new ArrayList<>(List.of(arguments("cluster", MASTER)));
    arguments.addAll(List.of("--conf", RecurStage.STALL_FOR_TESTS + "=" + stall));
    // memory states saved after every segment: the retried task goes on from the killed one's
    arguments.addAll(List.of("--state-every", "1"));
    // two GPUs per worker and executor, from a discovery script that names them without any
    // hardware: recur asks one per task (stage-level scheduling), libtorch sees none, so it reads
    // on the CPU
    Path script = dir.resolve("fake-gpus.sh");
    Files.writeString(
        script, "#!/bin/sh\necho '{\"name\": \"gpu\", \"addresses\": [\"0\", \"1\"]}'\n");
    script.toFile().setExecutable(true);
    for (String who : List.of("worker", "executor")) {
      arguments.addAll(List.of("--conf", "spark." + who + ".resource.gpu.amount=2"));
      arguments.addAll(
          List.of("--conf", "spark." + who + ".resource.gpu.discoveryScript=" + script));
    }
    DriverProcess driver =
        DriverProcess.start(
            dir.resolve("cluster.log"),
            // a Spark home of its own, made from the class path; it must say the Scala version
            Map.of("SPARK_HOME", dir.resolve("spark-home").toString()),
            arguments);
    Path pidFile = stall.resolve("recur-task-pid");
    driver.awaitFile(pidFile, 3);
    long killed = Long.parseLong(Files.readString(pidFile).strip());
    assertNotEquals(driver.pid(), killed, "the stalled recur task ran in the driver");
    ProcessHandle.of(killed).orElseThrow().destroyForcibly(); // SIGKILL: no shutdown hooks run
    String out = driver.succeed(5);

    assertTrue(out.contains("Spark runs it again"), "no retry reported:\n" + out);
    Path run = dir.resolve("runs/cluster");
    assertEquals(embedded, segmentNlls(run), "per-segment NLL differs from the embedded run");
    assertEquals(
        4,
        SparkSessions.forTests().read().parquet(run.resolve("doc_metrics").toString()).count(),
        "a book is missing from doc_metrics");
    JsonNode manifest = new ObjectMapper().readTree(run.resolve("manifest.json").toFile());
    assertEquals("succeeded", manifest.path("status").asText(), out);
    // the weights reached by broadcast the killed executor (it read a segment) and the others
    List<String> finishedIn = new ArrayList<>();
    manifest
        .path("stages")
        .path("recur")
        .path("executors")
        .forEach(e -> finishedIn.add(e.asText()));
    assertFalse(finishedIn.isEmpty(), out);
    java.util.Set<String> gpus = new java.util.TreeSet<>();
    for (String e : finishedIn) {
      assertTrue(e.matches("executor \\d+ \\(pid \\d+\\) gpu [01]"), e);
      gpus.add(e.substring(e.length() - 1));
      assertFalse(e.contains("(pid " + driver.pid() + ")"), "recur ran in the driver: " + e);
      assertFalse(e.contains("(pid " + killed + ")"), "a task of the killed JVM finished: " + e);
    }
    assertEquals(java.util.Set.of("0", "1"), gpus, "concurrent recur tasks share a GPU");
    long restored = manifest.path("stages").path("recur").path("segments_restored").asLong();
    assertTrue(restored >= 1, "the retried task read its book from page 1 again: " + restored);
  }

  private static String[] arguments(String runId, String master) {
    return new String[] {
      "--model",
      model.toString(),
      "--input",
      input.toString(),
      "--output",
      dir.resolve("runs").toString(),
      "--run-id",
      runId,
      "--master",
      master,
      "--lanes",
      "1",
      "--passkey-lengths",
      "100",
      "--progress-seconds",
      "1",
      "--conf",
      "spark.ui.enabled=false"
    };
  }

  /** (doc_id, seg_idx) → nll_sum of the carried-memory pass. */
  private static Map<String, Double> segmentNlls(Path run) {
    SparkSession spark = SparkSessions.forTests();
    Map<String, Double> out = new TreeMap<>();
    for (Row r :
        spark
            .read()
            .parquet(run.resolve("segment_metrics").toString())
            .select("doc_id", "seg_idx", "nll_sum")
            .collectAsList()) {
      out.put(r.getString(0) + "#" + r.getInt(1), r.getDouble(2));
    }
    assertTrue(out.size() > 8, "too few segments to compare: " + out.size());
    return out;
  }
}
