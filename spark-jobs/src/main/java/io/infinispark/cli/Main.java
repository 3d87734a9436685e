package io.infinispark.cli;

import io.infinispark.data.RunTable;
import io.infinispark.data.SparkSessions;
import io.infinispark.data.passkey.PasskeySets;
import io.infinispark.data.passkey.PasskeySpec;
import io.infinispark.model.Sampling;
import io.infinispark.pipeline.AbstractiveOptions;
import io.infinispark.pipeline.ModelBundle;
import io.infinispark.pipeline.PasskeyEvaluation;
import io.infinispark.pipeline.PipelineConfig;
import io.infinispark.pipeline.PipelineJob;
import io.infinispark.pipeline.Progress;
import io.infinispark.pipeline.StateOptions;
import io.infinispark.report.Format;
import io.infinispark.report.HtmlReport;
import io.infinispark.runtime.RecurOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./run.sh [options]}: the main job (ingest → shard → recur → metrics) on a corpus, by
 * default the bundled sample corpus with the default model in embedded Spark.
 */
@Command(
    name = "run.sh",
    mixinStandardHelpOptions = true,
    version = "Infini-Spark 0.1.0",
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Reads every document of a corpus segment by segment through an Infini-attention model,",
      "carrying its compressive memory across segments, and writes per-segment and per-document",
      "metrics to Parquet under OUTPUT/RUN_ID/."
    },
    subcommands = {
      BenchCommand.class,
      BenchScheduleCommand.class,
      BenchClusterCommand.class,
      GpuCheckCommand.class,
      TrainCommand.class,
      TrainTokenizerCommand.class,
      DatasetsCommand.class,
      EvalCommand.class,
      ReportCommand.class
    })
public final class Main implements Callable<Integer> {
  @Option(
      names = "--input",
      paramLabel = "PATH",
      description =
          "File or directory of .txt, .jsonl or .parquet documents (default: bundled sample corpus)")
  String input;

  @Option(
      names = "--output",
      paramLabel = "DIR",
      description = "Where run directories go (default: ./runs)")
  String output;

  @Mixin ModelOption model;

  @Option(
      names = "--run-id",
      description = "Name of the run directory (default: date-time and a random suffix)")
  String runId;

  @Mixin ReadingOptions reading;

  @Option(
      names = "--resume",
      paramLabel = "RUN_DIR",
      description =
          "Continue a run that stopped before finishing (driver killed, cluster lost), with its own"
              + " input, model and options: finished stages are kept, recur reads only the"
              + " documents it had not finished, other stages run again")
  String resume;

  @Option(
      names = "--commit-tokens",
      defaultValue = "64000000",
      description =
          "Recur writes its scores every ~N tokens (whole batches), so a crash loses at most"
              + " that much (default: ${DEFAULT-VALUE})")
  long commitTokens;

  @Option(
      names = "--rapids-explain",
      description =
          "Plan the SQL/Parquet stages with Spark RAPIDS in explain-only mode (runs on the CPU):"
              + " which operators would run on a GPU goes to rapids-explain.txt and the manifest."
              + " run.sh fetches the plugin's jar (about 1 GB) the first time")
  boolean rapidsExplain;

  @Option(
      names = "--state-every",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Save each document's memory state every N segments into the run directory: a retried"
              + " task or a resumed run goes on from a book's last state instead of its first page"
              + " (default: 0, none)")
  int stateEvery;

  @Option(
      names = "--keep-states",
      description =
          "Keep every document's final memory state (states/recur-final), so new text can be"
              + " appended to a book already read (--continue-from)")
  boolean keepStates;

  @Option(
      names = "--continue-from",
      paramLabel = "RUN_DIR",
      description =
          "Documents whose id a finished run (with --keep-states, same model) read start from its"
              + " final memory state: their text here continues those books")
  String continueFrom;

  @Option(
      names = "--memory-ablation",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Also read every document with its memory reset at every segment: the memory's gain in "
              + "perplexity, and the model-guided (memory-gain) summary. On by default; --no-memory-ablation "
              + "halves the model time")
  boolean memoryAblation;

  @Option(
      names = "--bucket-tokens",
      defaultValue = "0",
      description =
          "Width of the perplexity-by-position buckets, in tokens; 0 (default): log-spaced,"
              + " 0–1 segment, 1–2, 2–4, 4–8 … segments")
  long bucketTokens;

  @Option(
      names = "--summary-words",
      defaultValue = "300",
      description = "About how many words each summary has (default: ${DEFAULT-VALUE})")
  int summaryWords;

  @Option(
      names = "--section-words",
      defaultValue = "60",
      description =
          "About how many words each section's summary has: a long document's parts (chapters,"
              + " or equal spans) are summarised one by one as well (0 = off; default: ${DEFAULT-VALUE})")
  int sectionWords;

  @Option(
      names = "--abstractive-tokens",
      defaultValue = "0",
      description =
          "Also generate abstractive summaries of up to N tokens after \"TL;DR:\" (0 = off; for trained checkpoints)")
  int abstractiveTokens;

  @Option(
      names = "--temperature",
      defaultValue = "0.7",
      description =
          "Sampling temperature for abstractive summaries; 0 = greedy (default: ${DEFAULT-VALUE})")
  double temperature;

  @Option(
      names = "--top-p",
      defaultValue = "0.9",
      description = "Nucleus sampling threshold (default: ${DEFAULT-VALUE})")
  double topP;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Sampling seed (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(
      names = "--passkey-lengths",
      split = ",",
      defaultValue = "4096,16384",
      description =
          "Lengths of the small passkey grid read after the corpus, at depths 0, 0.5, 1 (default: ${DEFAULT-VALUE})")
  List<Long> passkeyLengths;

  @Option(
      names = "--passkey-digits",
      defaultValue = "1",
      description =
          "Digits per key of that grid, 1-18 (default: ${DEFAULT-VALUE}, what the default model was"
              + " taught; the paper's keys have 5, as ./run.sh eval's default)")
  int passkeyDigits;

  @Option(
      names = "--passkey-keys",
      defaultValue = "1",
      description = "Keys per length and depth of that grid (default: ${DEFAULT-VALUE})")
  int passkeyKeys;

  @Option(names = "--no-passkey", description = "Skip the passkey grid")
  boolean noPasskey;

  @Option(
      names = "--progress-seconds",
      defaultValue = "5",
      description = "Seconds between progress lines (default: ${DEFAULT-VALUE})")
  long progressSeconds;

  @Mixin SparkOptions spark;

  public static void main(String[] args) {
    System.setProperty("ai.djl.offline", "true");
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler(
        (e, commandLine, parsed) -> {
          if (e instanceof IllegalArgumentException || e instanceof java.io.IOException) {
            commandLine.getErr().println("error: " + e.getMessage());
            return 2;
          }
          throw e;
        });
    System.exit(cli.execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (resume != null) {
      if (input != null || runId != null) {
        throw new IllegalArgumentException(
            "--resume continues a run with its own input and run id: leave out --input and"
                + " --run-id");
      }
      return resumeRun();
    }
    String in = input != null ? input : Defaults.home().resolve("datasets/sample").toString();
    String out = Defaults.runsDir(output);
    Path modelDir = model.dir();
    String id = runId != null ? Defaults.checkRunId(runId) : Defaults.newRunId();
    RecurOptions recur = reading.recur();
    if (!noPasskey) {
      passkeySpec(); // a bad grid option fails now, not after the corpus has been read
      passkeyPlan();
    }
    ModelBundle bundle = ModelBundle.load(modelDir);
    PipelineConfig config =
        new PipelineConfig(
            in,
            out + "/" + id,
            recur,
            memoryAblation,
            bucketTokens,
            summaryWords,
            new AbstractiveOptions(abstractiveTokens, new Sampling(temperature, topP, seed)),
            commitTokens,
            new StateOptions(
                stateEvery,
                keepStates,
                continueFrom == null ? null : continueFrom.replaceAll("/+$", "")),
            sectionWords);
    Rapids.Explanation explanation = null;
    if (rapidsExplain) {
      Rapids.explainOnly().forEach(spark.conf::putIfAbsent);
      explanation = new Rapids.Explanation();
    }
    SparkSession session = spark.start("infini-spark " + id);
    try {
      System.out.printf(
          "Infini-Spark run %s · input %s · model %s (%s) · Spark %s %s%n",
          id,
          in,
          modelDir,
          bundle.weights().provenance(),
          session.version(),
          session.sparkContext().master());
      Progress progress = new Progress(session, System.out, true, progressSeconds);
      PipelineJob.Result result = PipelineJob.run(session, config, bundle, progress);
      finish(session, config, bundle, progress, result);
      if (explanation != null) {
        explanation.writeInto(Path.of(config.runDir()));
        System.out.printf(
            "rapids explain: %d operator plans would run on a GPU · %s%n",
            explanation.onGpu().size(), config.runDir() + "/rapids-explain.txt");
      }
      return 0;
    } finally {
      session.stop();
      if (explanation != null) {
        explanation.close();
      }
    }
  }

  private Integer resumeRun() throws IOException {
    String runDir = resume.replaceAll("/+$", "");
    SparkSession session = spark.start("infini-spark resume " + runDir);
    try {
      System.out.printf(
          "Infini-Spark resuming %s · Spark %s %s%n",
          runDir, session.version(), session.sparkContext().master());
      Progress progress = new Progress(session, System.out, true, progressSeconds);
      PipelineJob.Resumed resumed =
          PipelineJob.resume(
              session,
              runDir,
              dir -> {
                try {
                  return ModelBundle.load(dir);
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              },
              progress);
      if (SparkSessions.exists(session, RunTable.PASSKEY_GRID.in(runDir))) {
        noPasskey = true; // the grid was finished before the interruption
      } else {
        for (String table : List.of("passkey_set", RunTable.PASSKEY.directory())) {
          SparkSessions.delete(session, runDir + "/" + table); // an unfinished grid's leftovers
        }
      }
      finish(session, resumed.config(), resumed.model(), progress, resumed.result());
      return 0;
    } finally {
      session.stop();
    }
  }

  private void finish(
      SparkSession session,
      PipelineConfig config,
      ModelBundle bundle,
      Progress progress,
      PipelineJob.Result result)
      throws IOException {
    printSummary(result, bundle);
    if (!noPasskey) {
      passkeyGrid(session, config, bundle, progress);
    }
    System.out.println("outputs: " + outputs(session, config.runDir()));
    System.out.println("report:  " + HtmlReport.write(session, Path.of(config.runDir()), null));
  }

  /** A small passkey grid through the same model, into the run directory (the report shows it). */
  private void passkeyGrid(
      SparkSession session, PipelineConfig config, ModelBundle bundle, Progress progress) {
    List<Row> grid =
        PasskeyEvaluation.generated(
            session,
            bundle,
            passkeySpec(),
            passkeyPlan(),
            config.runDir(),
            config.recur(),
            progress);
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "  passkey accuracy, %d-digit keys, %d a cell (tokens @ depth):",
                passkeyDigits,
                passkeyKeys));
    for (Row r : grid) {
      line.append(
          String.format(
              Locale.ROOT, " %d@%.1f=%.0f%%", r.getLong(0), r.getDouble(1), 100 * r.getDouble(3)));
    }
    System.out.println(line);
  }

  private PasskeySpec passkeySpec() {
    return PasskeySpec.paper().withDigits(passkeyDigits);
  }

  private PasskeySets.Grid passkeyPlan() {
    return new PasskeySets.Grid(passkeyLengths, List.of(0.0, 0.5, 1.0), passkeyKeys, 1_000_000);
  }

  /** The tables this run wrote, as RUN_DIR/{a,b,…} (Parquet) and manifest.json. */
  private static String outputs(SparkSession session, String runDir) {
    List<String> written = new ArrayList<>();
    for (RunTable table : RunTable.values()) {
      if (SparkSessions.exists(session, table.in(runDir))) {
        written.add(table.directory());
      }
    }
    return runDir + "/{" + String.join(",", written) + "} (Parquet) and manifest.json";
  }

  private static void printSummary(PipelineJob.Result result, ModelBundle bundle) {
    System.out.println();
    boolean ablation = !result.resetPerplexity().isEmpty();
    System.out.printf(
        "%-28s %12s %9s %12s %10s%s%n",
        "document",
        "tokens",
        "segments",
        "perplexity",
        "tok/s",
        ablation ? String.format("%14s %12s", "ppl (reset)", "memory gain") : "");
    for (Row r : result.docMetrics()) {
      String id = Format.printable(r.getAs("doc_id"));
      double perplexity = r.getAs("perplexity");
      Double reset = r.getAs("perplexity_reset");
      System.out.printf(
          Locale.ROOT,
          "%-28s %12s %9d %12.2f %10s%s%n",
          id,
          Format.count(r.<Long>getAs("n_tokens")),
          r.<Integer>getAs("n_segments"),
          perplexity,
          Format.count(Math.round(r.<Double>getAs("tokens_per_second"))),
          reset == null
              ? ""
              : String.format(
                  Locale.ROOT, "%14.2f %11.1f%%", reset, 100 * r.<Double>getAs("memory_gain")));
    }
    if (ablation) {
      System.out.println(
          "memory gain: how much lower the perplexity is with the memory carried than reset at every segment");
    }
    System.out.printf(
        "%n%d documents · %s tokens · %d error rows · wall time %s%n",
        result.docMetrics().size(),
        Format.count(result.tokens()),
        result.errors(),
        Format.duration(result.wallMillis()));
    if (bundle.weights().isRandomInit()) {
      System.out.println(
          "note: the model's weights are a seeded random initialisation (untrained); "
              + "its perplexity is near the vocabulary size, not a quality figure.");
    }
    if (result.errors() > 0) {
      System.out.println(
          "errors:  see "
              + RunTable.ERRORS.in(result.runDir())
              + " for which documents were left out and why");
    }
  }
}
