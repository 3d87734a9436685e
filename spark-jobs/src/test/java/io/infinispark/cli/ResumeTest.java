package io.infinispark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.infinispark.data.SparkSessions;
import io.infinispark.pipeline.RecurStage;
import io.infinispark.pipeline.TinyModel;
import io.infinispark.testing.SampleBooks;
import io.infinispark.tokenizer.TextTokenizer;
import io.infinispark.tokenizer.Tokenizers;
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
    String devil = SampleBooks.devilsDictionary();
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
                    "--state-every",
                    "1",
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
    // the book being read when the driver died went on from its saved memory state, not page 1
    long restored = after.path("stages").path("recur").path("segments_restored").asLong();
    assertTrue(restored >= 1 && restored < reread, "segments restored: " + restored);
    assertTrue(!Files.exists(crashed.resolve("states/recur")), "checkpoints left after the stage");
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

  /**
   * A book read with {@code --keep-states}, then its next chapters read with {@code
   * --continue-from}: the chapters' scores are exactly those of reading the whole book at once.
   */
  @Test
  void chaptersAppendedToAKeptBookScoreAsIfReadWithIt() throws Exception {
    String devil = SampleBooks.devilsDictionary();
    Path model = TinyModel.write(dir.resolve("model"), List.of(devil.substring(0, 30_000)));
    String whole = devil.substring(40_000, 44_000);
    int split = segmentBoundary(model, whole, 2_000);
    int bookSegments =
        Tokenizers.load(model.resolve("tokenizer.json")).encode(whole.substring(0, split)).length
            / TinyModel.SEGMENT;
    Path runs = dir.resolve("runs");
    run(
        model,
        runs,
        "whole",
        Map.of("book.txt", whole, "other.txt", devil.substring(50_000, 51_000)));
    run(
        model,
        runs,
        "first",
        Map.of("book.txt", whole.substring(0, split), "other.txt", devil.substring(50_000, 51_000)),
        "--keep-states");
    assertTrue(Files.isDirectory(runs.resolve("first/states/recur-final")));
    assertTrue(!Files.exists(runs.resolve("first/states/recur")), "only the final states are kept");
    run(
        model,
        runs,
        "next",
        Map.of("book.txt", whole.substring(split), "new.txt", devil.substring(60_000, 61_000)),
        "--continue-from",
        runs.resolve("first").toString());
    Map<String, Double> together = segmentNlls(runs.resolve("whole"));
    Map<String, Double> next = segmentNlls(runs.resolve("next"));
    int appended = 0;
    for (Map.Entry<String, Double> e : next.entrySet()) {
      String[] key = e.getKey().split("#");
      if (key[0].equals("book")) {
        String same = "book#" + (bookSegments + Integer.parseInt(key[1]));
        assertEquals(together.get(same), e.getValue(), e.getKey() + " vs " + same);
        appended++;
      }
    }
    assertEquals(
        together.keySet().stream().filter(k -> k.startsWith("book#")).count() - bookSegments,
        appended);

    CommandLines.Captured refused =
        CommandLines.execute(
            with(
                common(model, Files.createDirectories(runs.resolve("in-none")), runs),
                "--run-id",
                "refused",
                "--continue-from",
                runs.resolve("whole").toString()));
    assertNotEquals(0, refused.code);
    assertTrue(refused.err.toString().contains("--keep-states"), refused.err.toString());
  }

  /**
   * A character offset near {@code near} where the text splits into two pieces that tokenize to the
   * whole's tokens, the first a whole number of segments: so the two readings see the same tokens
   * in the same segments as one reading.
   */
  private static int segmentBoundary(Path model, String text, int near) throws Exception {
    TextTokenizer tokenizer = Tokenizers.load(model.resolve("tokenizer.json"));
    int[] all = tokenizer.encode(text);
    for (int p = near; p < text.length() - 200; p++) {
      if (text.charAt(p) != ' ') {
        continue;
      }
      int[] head = tokenizer.encode(text.substring(0, p));
      if (head.length % TinyModel.SEGMENT == 0
          && java.util.Arrays.equals(head, java.util.Arrays.copyOf(all, head.length))
          && java.util.Arrays.equals(
              tokenizer.encode(text.substring(p)),
              java.util.Arrays.copyOfRange(all, head.length, all.length))) {
        return p;
      }
    }
    throw new AssertionError("no split point on a segment boundary");
  }

  private static void run(
      Path model, Path runs, String id, Map<String, String> books, String... more)
      throws Exception {
    Path input = Files.createDirectories(runs.resolve("in-" + id));
    for (Map.Entry<String, String> b : books.entrySet()) {
      Files.writeString(input.resolve(b.getKey()), b.getValue());
    }
    List<String> args = new ArrayList<>(common(model, input, runs));
    args.addAll(List.of("--run-id", id));
    args.addAll(List.of(more));
    CommandLines.Captured out = CommandLines.execute(args.toArray(String[]::new));
    assertEquals(0, out.code, out.err.toString());
  }

  private static List<String> common(Path model, Path input, Path runs) {
    return List.of(
        "--model",
        model.toString(),
        "--input",
        input.toString(),
        "--output",
        runs.toString(),
        "--master",
        "local[2]",
        "--lanes",
        "2",
        "--no-passkey",
        "--no-memory-ablation",
        "--conf",
        "spark.ui.enabled=false");
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
