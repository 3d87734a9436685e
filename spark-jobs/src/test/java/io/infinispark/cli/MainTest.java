package io.infinispark.cli;

import static io.infinispark.cli.CommandLines.execute;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infinispark.cli.CommandLines.Captured;
import io.infinispark.pipeline.TinyModel;
import io.infinispark.testing.SampleBooks;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line: every option documented, and bad arguments answered with a clear message. */
class MainTest {
  @Test
  void helpListsEveryOptionAndSubcommand() {
    Captured c = execute("--help");
    assertEquals(0, c.code);
    for (String option :
        new String[] {
          "--input",
          "--output",
          "--master",
          "--model",
          "--conf",
          "--lanes",
          "--partitions",
          "--device",
          "--dtype",
          "--properties-file",
          "bench",
          "train-tokenizer"
        }) {
      assertTrue(c.out.toString().contains(option), option + " missing from --help");
    }
  }

  @Test
  void theMemoryAblationIsOnUnlessSwitchedOff() {
    assertTrue(parsed().memoryAblation);
    assertTrue(parsed("--memory-ablation").memoryAblation);
    assertEquals(false, parsed("--no-memory-ablation").memoryAblation);
  }

  private static Main parsed(String... args) {
    Main main = new Main();
    new CommandLine(main).parseArgs(args);
    return main;
  }

  @Test
  void aMissingModelDirectoryIsNamedBeforeSparkStarts(@TempDir Path dir) {
    Captured c = execute("--model", dir.resolve("no-model").toString(), "--input", dir.toString());
    assertEquals(2, c.code);
    assertTrue(
        c.err.toString().contains("model directory does not exist: " + dir.resolve("no-model")),
        c.err.toString());
  }

  @Test
  void badOptionValuesAreRejectedWithTheirName(@TempDir Path dir) throws Exception {
    Path model =
        TinyModel.write(dir.resolve("m"), java.util.List.of("some text for the tokenizer"));
    Captured lanes = execute("--model", model.toString(), "--lanes", "-1");
    assertEquals(2, lanes.code);
    assertTrue(
        lanes.err.toString().contains("lanes must be 0 (auto) or more, got -1"),
        lanes.err.toString());
    Captured dtype = execute("--model", model.toString(), "--dtype", "int8");
    assertTrue(dtype.err.toString().contains("unknown dtype 'int8'"), dtype.err.toString());
    Files.writeString(dir.resolve("bad.conf"), "spark.master\n");
    Captured props =
        execute(
            "--model", model.toString(), "--properties-file", dir.resolve("bad.conf").toString());
    assertTrue(props.err.toString().contains("expected 'key value'"), props.err.toString());
    // the passkey grid comes after the corpus: its options are checked before anything is read
    Captured digits = execute("--model", model.toString(), "--passkey-digits", "0");
    assertEquals(2, digits.code);
    assertTrue(
        digits.err.toString().contains("digits must be 1..18, got 0"), digits.err.toString());
    Captured keys = execute("--model", model.toString(), "--passkey-keys", "0");
    assertEquals(2, keys.code);
    assertTrue(
        keys.err.toString().contains("keys per cell must be at least 1, got 0"),
        keys.err.toString());
  }

  @Test
  void aSelfWrittenLlamaCheckpointRunsThroughTheMainJob(@TempDir Path dir) throws Exception {
    // HF Llama layout: model_type llama, HF tensor names, no memory gates, untied lm_head, GQA
    io.infinispark.model.ModelConfig shape =
        new io.infinispark.model.ModelConfig(
            TinyModel.VOCAB,
            32,
            2,
            4,
            2,
            8,
            48,
            32,
            io.infinispark.model.MemoryRule.DELTA,
            500000,
            1e-5,
            false,
            0);
    Path llama = Files.createDirectories(dir.resolve("llama"));
    java.util.Map<String, io.infinispark.model.HostTensor> tensors =
        new java.util.LinkedHashMap<>(
            io.infinispark.model.ModelWeights.randomInit(shape, 9).tensors());
    tensors.keySet().removeIf(name -> name.endsWith("memory_gate"));
    io.infinispark.model.Safetensors.write(
        llama.resolve("model.safetensors"), tensors, io.infinispark.model.Safetensors.Dtype.BF16);
    Files.writeString(
        llama.resolve("config.json"),
        """
        {"model_type": "llama", "vocab_size": %d, "hidden_size": 32, "intermediate_size": 48,
         "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
         "rms_norm_eps": 1e-5, "rope_theta": 500000.0, "tie_word_embeddings": false,
         "infini_segment_length": 32}
        """
            .formatted(TinyModel.VOCAB));
    String text = SampleBooks.devilsDictionary().substring(0, 20_000);
    new io.infinispark.tokenizer.BpeTrainer(TinyModel.VOCAB, 2)
        .train(java.util.List.of(text))
        .save(llama.resolve("tokenizer.json"));
    Path input = Files.createDirectories(dir.resolve("in"));
    Files.writeString(input.resolve("devil.txt"), text.substring(0, 4_000));

    Captured run =
        execute(
            "--model",
            llama.toString(),
            "--input",
            input.toString(),
            "--output",
            dir.resolve("runs").toString(),
            "--run-id",
            "llama",
            "--master",
            "local[2]",
            "--conf",
            "spark.ui.enabled=false",
            "--progress-seconds",
            "60",
            "--passkey-lengths",
            "100");
    assertEquals(0, run.code, run.err.toString());
    Path metrics = dir.resolve("runs/llama/doc_metrics");
    assertTrue(
        Files.list(metrics).anyMatch(p -> p.toString().endsWith(".parquet")),
        "no doc_metrics written");
    String manifest = Files.readString(dir.resolve("runs/llama/manifest.json"));
    assertTrue(manifest.contains("memory gates β=-10.0 added to 2 layers"), manifest);
    assertTrue(manifest.contains("\"status\" : \"succeeded\""), manifest);
    String report = Files.readString(dir.resolve("runs/llama/report.html"));
    assertTrue(report.contains("id=\"passkey-chart\""), "the report lacks the passkey grid");
    assertEquals(
        3,
        org.jsoup.Jsoup.parse(report).select("#passkey-chart rect.cell").size(),
        "1 length × 3 depths");
  }

  @Test
  void aRunIdThatLeavesTheOutputDirectoryIsRefused(@TempDir Path dir) throws Exception {
    Path model =
        TinyModel.write(dir.resolve("m"), java.util.List.of("some text for the tokenizer"));
    Path out = Files.createDirectories(dir.resolve("out"));
    for (String id : new String[] {"../escaped", "/tmp/abs", "..", "a\u001b]0;title\u0007"}) {
      Captured c =
          execute(
              "--model",
              model.toString(),
              "--input",
              dir.toString(),
              "--output",
              out.toString(),
              "--run-id",
              id);
      assertEquals(2, c.code, id);
      assertTrue(
          c.err.toString().contains("--run-id must be a plain directory name"), c.err.toString());
      assertTrue(!c.err.toString().contains("\u001b"), "an escape code printed raw");
    }
    assertTrue(!Files.exists(dir.resolve("escaped")), "a run written outside --output");
  }

  @Test
  void aReusedRunIdIsRefusedAndTheEarlierRunKeptAsItWas(@TempDir Path dir) throws Exception {
    Path model =
        TinyModel.write(dir.resolve("m"), java.util.List.of("some text for the tokenizer"));
    Path input = Files.createDirectories(dir.resolve("in"));
    Files.writeString(input.resolve("a.txt"), "some text for the tokenizer, read twice");
    Path earlier = Files.createDirectories(dir.resolve("out/r1"));
    String manifest = "{\"run_id\":\"r1\",\"status\":\"succeeded\"}";
    Files.writeString(earlier.resolve("manifest.json"), manifest);
    Captured c =
        execute(
            "--model",
            model.toString(),
            "--input",
            input.toString(),
            "--output",
            dir.resolve("out").toString(),
            "--run-id",
            "r1",
            "--no-passkey",
            "--master",
            "local[1]",
            "--conf",
            "spark.ui.enabled=false");
    assertEquals(2, c.code, c.err.toString());
    assertTrue(
        c.err.toString().contains("the run directory " + earlier + " already exists"),
        c.err.toString());
    assertEquals(manifest, Files.readString(earlier.resolve("manifest.json")));
    assertEquals(1, Files.list(earlier).count(), "something was written into the earlier run");
  }
}
