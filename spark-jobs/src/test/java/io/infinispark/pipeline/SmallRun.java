package io.infinispark.pipeline;

import io.infinispark.data.passkey.PasskeySets;
import io.infinispark.data.passkey.PasskeySpec;
import io.infinispark.runtime.DevicePolicy;
import io.infinispark.runtime.RecurOptions;
import io.infinispark.testing.SampleBooks;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * A small but complete run for tests of what reads runs (report, notebooks): a tiny model, two
 * documents (one with a reference summary), the memory ablation, and a 2 × 2 passkey grid.
 */
public final class SmallRun {
  private SmallRun() {}

  /** Writes the run to {@code dir/run} and returns that directory. */
  public static Path create(SparkSession spark, Path dir) throws IOException {
    String devil = SampleBooks.devilsDictionary();
    ModelBundle bundle =
        ModelBundle.load(
            TinyModel.write(dir.resolve("model"), List.of(devil.substring(0, 60_000))));
    Path input = Files.createDirectories(dir.resolve("in"));
    Files.writeString(input.resolve("devil.txt"), devil.substring(0, 6_000));
    Files.writeString(
        input.resolve("more.jsonl"),
        "{\"id\": \"jargon\", \"text\": "
            + new com.fasterxml.jackson.databind.ObjectMapper()
                .writeValueAsString(devil.substring(10_000, 14_000))
            + ", \"summary\": \"Definitions <b>with</b> a cynical & witty turn.\"}\n");
    Path run = dir.resolve("run");
    RecurOptions options = new RecurOptions(1, 0, DevicePolicy.CPU, "float32");
    Progress quiet = new Progress(spark, new PrintStream(PrintStream.nullOutputStream()), false, 1);
    PipelineJob.run(
        spark,
        new PipelineConfig(
            input.toString(),
            run.toString(),
            options,
            true,
            0, // log-spaced buckets, the default
            50,
            new AbstractiveOptions(6, new io.infinispark.model.Sampling(0.8, 0.9, 3))),
        bundle,
        quiet);
    PasskeyEvaluation.generated(
        spark,
        bundle,
        PasskeySpec.paper(),
        new PasskeySets.Grid(List.of(120L, 200L), List.of(0.0, 1.0), 1, 1_000_000),
        run.toString(),
        options,
        quiet);
    return run;
  }
}
