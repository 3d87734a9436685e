package io.infinispark.cli;

import io.infinispark.data.RunTable;
import io.infinispark.data.passkey.PasskeySets;
import io.infinispark.data.passkey.PasskeySpec;
import io.infinispark.pipeline.ModelBundle;
import io.infinispark.pipeline.PasskeyEvaluation;
import io.infinispark.pipeline.Progress;
import io.infinispark.pipeline.RunWriter;
import io.infinispark.runtime.RecurOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./run.sh eval}: passkey retrieval over a grid of lengths and depths. Writes, under
 * OUTPUT/RUN_ID/: passkey_examples and passkey_segments (the generated set), passkey (one row per
 * example) and passkey_grid (accuracy per length × depth).
 */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Passkey retrieval accuracy over a grid of lengths (model tokens) and needle depths")
final class EvalCommand implements Callable<Integer> {
  @Option(
      names = "--passkey-lengths",
      split = ",",
      defaultValue = "32768,131072",
      description =
          "Lengths in model tokens (default: ${DEFAULT-VALUE}; the paper's grid: 32768,131072,262144,524288,1048576)")
  List<Long> lengths;

  @Option(
      names = "--passkey-depths",
      split = ",",
      defaultValue = "0,0.5,1",
      description = "Needle depths, 0 = start … 1 = end (default: ${DEFAULT-VALUE})")
  List<Double> depths;

  @Option(
      names = "--passkey-keys",
      defaultValue = "1",
      description = "Keys per cell (default: ${DEFAULT-VALUE})")
  int keys;

  @Option(
      names = "--passkey-digits",
      defaultValue = "5",
      description = "Digits per key, 1-18 (default: ${DEFAULT-VALUE}, as in the paper)")
  int digits;

  @Option(
      names = "--passkey-filler-file",
      paramLabel = "FILE",
      description =
          "Filler sentences, one per line, instead of the paper's five (text the model never trained on)")
  Path fillerFile;

  @Option(
      names = "--passkey-set",
      paramLabel = "DIR",
      description =
          "Read a prepared set (./run.sh datasets passkey --out DIR) instead of generating one; "
              + "the grid, digit and filler options then come from the set")
  String passkeySet;

  @Option(
      names = "--seed",
      defaultValue = "1000000",
      description =
          "First key seed; evaluation keys are seeds ≥ 1,000,000 (default: ${DEFAULT-VALUE})")
  long seed;

  @Mixin ModelOption model;

  @Option(names = "--output", description = "Where run directories go (default: ./runs)")
  String output;

  @Option(
      names = "--run-id",
      description = "Name of the run directory (default: eval-<date-time>-<suffix>)")
  String runId;

  @Mixin ReadingOptions reading;

  @Mixin SparkOptions spark;

  @Override
  public Integer call() throws Exception {
    ModelBundle bundle = model.load();
    String dir =
        Defaults.runsDir(output)
            + "/"
            + (runId != null ? Defaults.checkRunId(runId) : "eval-" + Defaults.newRunId());
    RecurOptions options = reading.recur();
    SparkSession session = spark.start("infini-spark eval");
    try {
      RunWriter.requireNew(session, dir);
      Progress progress = new Progress(session, System.out, false, 0);
      List<Row> grid =
          passkeySet != null
              ? PasskeyEvaluation.prepared(session, bundle, passkeySet, dir, options, progress)
              : PasskeyEvaluation.generated(
                  session,
                  bundle,
                  spec(),
                  new PasskeySets.Grid(lengths, depths, keys, seed),
                  dir,
                  options,
                  progress);
      System.out.printf(
          "passkey: %d examples read through %s (%s)%n",
          grid.stream().mapToLong(r -> r.getLong(2)).sum(),
          bundle.dir(),
          bundle.weights().provenance());
      System.out.printf("%12s %7s %9s %9s%n", "tokens", "depth", "examples", "accuracy");
      for (Row r : grid) {
        System.out.printf(
            Locale.ROOT,
            "%12d %7.2f %9d %8.0f%%%n",
            r.getLong(0),
            r.getDouble(1),
            r.getLong(2),
            100 * r.getDouble(3));
      }
      String set = passkeySet != null ? passkeySet : RunTable.passkeySetIn(dir);
      System.out.println(
          "outputs: "
              + dir
              + "/{"
              + RunTable.PASSKEY.directory()
              + ","
              + RunTable.PASSKEY_GRID.directory()
              + "} (Parquet), from the set "
              + set);
      if (bundle.weights().isRandomInit()) {
        System.out.println(
            "note: the model's weights are a seeded random initialisation (untrained): expect 0%.");
      }
    } finally {
      session.stop();
    }
    return 0;
  }

  /** The paper's wording with this run's digits and filler. */
  PasskeySpec spec() {
    PasskeySpec spec = PasskeySpec.paper().withDigits(digits);
    return fillerFile != null ? spec.withFillerFile(fillerFile) : spec;
  }
}
