package io.infinispark.cli;

import io.infinispark.data.corpus.CorpusSplit;
import io.infinispark.data.passkey.PasskeyGenerator;
import io.infinispark.data.passkey.PasskeySpec;
import io.infinispark.model.Checkpoint;
import io.infinispark.model.ModelWeights;
import io.infinispark.tokenizer.TextTokenizer;
import io.infinispark.tokenizer.Tokenizers;
import io.infinispark.train.TrainOptions;
import io.infinispark.train.Trainer;
import io.infinispark.training.CorpusTrainingData;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./run.sh train}: trains a model on the local corpus ({@code ./run.sh datasets fetch}) with
 * backpropagation through memory. With no options it runs the bundled default model's recipe.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Train an Infini-Transformer on the corpus's training split (text + passkey curriculum)")
final class TrainCommand implements Callable<Integer> {
  @Option(
      names = "--corpus",
      description = "Corpus Parquet from `datasets fetch` (default: datasets/corpus)")
  Path corpus;

  @Option(
      names = "--from",
      paramLabel = "DIR",
      description =
          "Starting model: trained weights, or a config.json with init_seed for a seeded random start "
              + "(default: model-udfs/models/init, where the default model's first phase, models/base, began)")
  Path from;

  @Option(names = "--tokenizer", description = "tokenizer.json (default: the default model's)")
  Path tokenizer;

  @Option(
      names = "--output",
      description = "Run directory: checkpoint/, train-log.tsv (default: runs/train)")
  Path output;

  @Option(
      names = "--resume",
      description = "Continue the run in --output from its checkpoint, with its options")
  boolean resume;

  @Option(
      names = "--replay-skipped",
      description =
          "Replay the steps of the run in --output that were skipped for a non-finite gradient (their"
              + " snapshots in skipped/), with the memory's gradient carried, stopped at each"
              + " segment, and with no memory; print and write (skipped/step-N/replay.tsv) each"
              + " weight's largest gradient. Trains nothing")
  boolean replaySkipped;

  @Option(
      names = "--stop-after",
      paramLabel = "STEP",
      description = "Checkpoint and stop at this step (continue with --resume)")
  Integer stopAfter;

  @Option(
      names = "--steps",
      defaultValue = "640",
      description = "Optimisation steps (default: ${DEFAULT-VALUE})")
  int steps;

  @Option(
      names = "--lanes",
      defaultValue = "6",
      description = "Examples per batch (default: ${DEFAULT-VALUE})")
  int lanes;

  @Option(
      names = "--window-segments",
      defaultValue = "8",
      description =
          "K: segments per example, memory carried with gradients (default: ${DEFAULT-VALUE})")
  int windowSegments;

  @Option(
      names = "--lr",
      defaultValue = "2e-3",
      description = "Peak learning rate (default: ${DEFAULT-VALUE})")
  double lr;

  @Option(
      names = "--gate-lr",
      defaultValue = "0.01",
      description = "Peak learning rate of the gates β (default: ${DEFAULT-VALUE})")
  double gateLr;

  @Option(
      names = "--weight-decay",
      defaultValue = "0.1",
      description = "AdamW decay of matrices (default: ${DEFAULT-VALUE})")
  double weightDecay;

  @Option(
      names = "--warmup",
      defaultValue = "30",
      description = "Warm-up steps (default: ${DEFAULT-VALUE})")
  int warmup;

  @Option(
      names = "--min-lr-ratio",
      defaultValue = "0.1",
      description = "Final learning rate / peak (default: ${DEFAULT-VALUE})")
  double minLrRatio;

  @Option(
      names = "--clip",
      defaultValue = "1.0",
      description = "Gradient-norm clip (default: ${DEFAULT-VALUE})")
  double clip;

  @Option(
      names = "--passkey-lanes",
      defaultValue = "2",
      description = "Lanes per batch holding a passkey example (default: ${DEFAULT-VALUE})")
  int passkeyLanes;

  @Option(
      names = "--recall-lanes",
      defaultValue = "0",
      description =
          "Lanes per batch of text with one span repeated later in the window, every token scored: "
              + "dense practice at copying, locally and through the memory (default: ${DEFAULT-VALUE})")
  int recallLanes;

  @Option(
      names = "--recall-span",
      defaultValue = "64",
      description = "Tokens in a recall lane's repeated span (default: ${DEFAULT-VALUE})")
  int recallSpan;

  @Option(
      names = "--passkey-weight",
      defaultValue = "1.0",
      description = "Weight of the passkey answer loss (default: ${DEFAULT-VALUE})")
  double passkeyWeight;

  @Option(
      names = "--curriculum-steps",
      defaultValue = "250",
      description =
          "Steps over which passkey examples grow from 1 to K segments (default: ${DEFAULT-VALUE})")
  int curriculumSteps;

  @Option(
      names = "--passkey-through-memory",
      description =
          "Put every passkey needle in a segment before the question's, so only the memory can answer;"
              + " examples then span 2 to K segments (default: needle depth uniform, mostly answerable locally)")
  boolean passkeyThroughMemory;

  @Option(
      names = "--passkey-anywhere",
      defaultValue = "0",
      paramLabel = "FRACTION",
      description =
          "With --passkey-through-memory, this share of passkey needles may lie anywhere, the"
              + " question's segment included, so the local copy is kept (default: ${DEFAULT-VALUE})")
  double passkeyAnywhere;

  @Option(
      names = "--passkey-digits",
      defaultValue = "5",
      paramLabel = "N or MIN-MAX",
      description =
          "Digits of a training key, or a range drawn uniformly per example (e.g. 1-9): short keys"
              + " teach retrieval first, a range teaches keys of any length (default: ${DEFAULT-VALUE})")
  String passkeyDigits;

  @Option(
      names = "--passkey-across-boundary",
      defaultValue = "0",
      paramLabel = "FRACTION",
      description =
          "Fraction of passkey examples whose answer straddles a segment boundary, so the model"
              + " learns to finish an answer from a fresh segment, as it must when a question ends"
              + " a segment; the rest end their window (default: ${DEFAULT-VALUE})")
  double passkeyAcrossBoundary;

  @Option(
      names = "--passkey-background",
      paramLabel = "filler|book|mixed",
      description =
          "What surrounds a passkey lane's needle: the evaluation's repeated filler sentences"
              + " (filler), a window of the corpus (book: diverse text, from which retrieval is learnt"
              + " reliably), or either per example (mixed). Kept with the run for --resume"
              + " (default: filler)")
  String passkeyBackground;

  @Option(
      names = "--memory-key-shift",
      paramLabel = "S",
      description =
          "Memory keys written as k_t + S·k_{t−1} (ModelConfig.memoryKeyShift), overriding the starting"
              + " model's: lets the memory copy in order (default: the starting model's, 0 for the paper's form)")
  Double memoryKeyShift;

  @Option(
      names = "--reset-gates",
      paramLabel = "BETA",
      description =
          "Set every gate β of the starting model to BETA (e.g. 2: sigmoid 0.88, heads reading mostly"
              + " from memory) — heads that start low leave the memory before it learns to retrieve")
  Double gates;

  @Option(
      names = "--seed",
      defaultValue = "20261123",
      description = "Batch seed (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(
      names = "--checkpoint-every",
      defaultValue = "40",
      description = "Steps between checkpoints (default: ${DEFAULT-VALUE})")
  int checkpointEvery;

  @Option(
      names = "--validate-every",
      defaultValue = "40",
      description = "Steps between held-out evaluations (default: ${DEFAULT-VALUE})")
  int validateEvery;

  @Mixin SparkOptions spark;

  /** One document's token ids and split, as the tokenizing tasks return them. */
  record Tokenized(String docId, String split, int[] tokens) implements Serializable {}

  @Option(
      names = "--device",
      defaultValue = "auto",
      description =
          "auto (the first GPU libtorch sees, else the CPU), cpu or gpu; weights and Adam's moments"
              + " stay float32 (default: ${DEFAULT-VALUE})")
  String device;

  @Override
  public Integer call() throws Exception {
    Path runDir = output != null ? output : Defaults.home().resolve("runs/train");
    io.infinispark.runtime.DevicePolicy on = io.infinispark.runtime.DevicePolicy.parse(device);
    boolean continuing = resume || replaySkipped;
    Path tokenizerFile =
        continuing
            ? runDir.resolve("checkpoint").resolve(Checkpoint.TOKENIZER)
            : tokenizer != null ? tokenizer : Defaults.defaultModel().resolve(Checkpoint.TOKENIZER);
    TextTokenizer textTokenizer = Tokenizers.load(tokenizerFile);
    CorpusTrainingData data = load(textTokenizer, background(runDir, continuing));
    if (replaySkipped) {
      return SkippedSteps.replay(data, runDir, on);
    }
    System.err.printf(
        "train: %,d training tokens; run directory %s; device %s%n",
        data.trainTokens(), runDir, on.nameForThisProcess());
    try (Trainer trainer =
        resume ? on.resumeTrainer(data, runDir) : start(data, runDir, tokenizerFile, on)) {
      trainer.runUntil(stopAfter != null ? stopAfter : trainer.options().steps());
      System.err.printf(
          "train: stopped at step %d of %d; checkpoint in %s%n",
          trainer.step(), trainer.options().steps(), runDir.resolve("checkpoint"));
    }
    return 0;
  }

  private Trainer start(
      CorpusTrainingData data,
      Path runDir,
      Path tokenizerFile,
      io.infinispark.runtime.DevicePolicy on)
      throws Exception {
    if (Files.exists(runDir.resolve("checkpoint"))) {
      throw new IllegalArgumentException(
          runDir
              + " already holds a training run: continue it with --resume, or choose another --output");
    }
    Path start = from != null ? from : Defaults.home().resolve("model-udfs/models/init");
    ModelWeights initial = Checkpoint.load(start);
    if (gates != null) {
      initial = initial.withGates(gates);
    }
    // a config field without weights of its own: any checkpoint can take it
    if (memoryKeyShift != null) {
      initial =
          new ModelWeights(
              initial.config().withMemoryKeyShift(memoryKeyShift),
              initial.tensors(),
              initial.provenance());
    }
    int[] digits = digitRange();
    TrainOptions options =
        new TrainOptions(
            steps,
            lanes,
            windowSegments,
            lr,
            gateLr,
            weightDecay,
            warmup,
            minLrRatio,
            clip,
            passkeyLanes,
            recallLanes,
            recallSpan,
            passkeyWeight,
            curriculumSteps,
            passkeyThroughMemory,
            digits[0],
            digits[1],
            passkeyAcrossBoundary,
            passkeyAnywhere,
            seed,
            checkpointEvery,
            validateEvery);
    System.err.printf(
        "train: %s, %,d parameters, from %s%n",
        initial.config(), initial.config().parameterCount(), initial.provenance());
    return on.startTrainer(initial, options, data, runDir, tokenizerFile);
  }

  /** {@code --passkey-digits}: "N" or "MIN-MAX". */
  private int[] digitRange() {
    String[] parts = passkeyDigits.strip().split("-", 2);
    try {
      int min = Integer.parseInt(parts[0].strip());
      int max = parts.length == 2 ? Integer.parseInt(parts[1].strip()) : min;
      return new int[] {min, max};
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--passkey-digits takes N or MIN-MAX (e.g. 5 or 1-9), got '" + passkeyDigits + "'");
    }
  }

  /**
   * The passkey background of this run: as given (and recorded beside the checkpoint), or when
   * continuing it (--resume, --replay-skipped) as recorded; a resumed run refuses another.
   */
  private CorpusTrainingData.PasskeyBackground background(Path runDir, boolean continuing)
      throws Exception {
    Path recorded = runDir.resolve("passkey-background");
    String given = passkeyBackground == null ? null : passkeyBackground.strip().toUpperCase();
    if (continuing) {
      String was =
          Files.exists(recorded) ? Files.readString(recorded).strip() : "FILLER"; // older runs
      if (given != null && !given.equals(was)) {
        throw new IllegalArgumentException(
            runDir
                + " was started with --passkey-background "
                + was.toLowerCase()
                + "; resume it with the same");
      }
      given = was;
    }
    CorpusTrainingData.PasskeyBackground background;
    try {
      background = CorpusTrainingData.PasskeyBackground.valueOf(given == null ? "FILLER" : given);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--passkey-background takes filler, book or mixed, got '" + passkeyBackground + "'");
    }
    if (!continuing
        && !Files.exists(runDir.resolve("checkpoint"))) { // else start() refuses the run
      Files.createDirectories(runDir);
      Files.writeString(recorded, background.name() + "\n");
    }
    return background;
  }

  /** Tokenizes the corpus in Spark tasks and brings the token ids to this process. */
  private CorpusTrainingData load(
      TextTokenizer textTokenizer, CorpusTrainingData.PasskeyBackground background)
      throws Exception {
    Path dir = corpus != null ? corpus : Defaults.home().resolve("datasets/corpus");
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(
          "no corpus at " + dir + ": build it with ./run.sh datasets fetch");
    }
    SparkSession session = spark.start("infini-spark train (tokenize)");
    try {
      Broadcast<TextTokenizer> shared =
          JavaSparkContext.fromSparkContext(session.sparkContext()).broadcast(textTokenizer);
      List<Tokenized> docs =
          session
              .read()
              .parquet(dir.toString())
              .select("doc_id", "split", "text")
              .javaRDD()
              .map(
                  r ->
                      new Tokenized(
                          r.getString(0), r.getString(1), shared.value().encode(r.getString(2))))
              .collect();
      List<Tokenized> sorted =
          docs.stream().sorted(java.util.Comparator.comparing(Tokenized::docId)).toList();
      List<int[]> train = new ArrayList<>();
      List<int[]> heldOut = new ArrayList<>();
      for (Tokenized d : sorted) {
        (CorpusSplit.TRAIN.equals(d.split()) ? train : heldOut).add(d.tokens());
      }
      return new CorpusTrainingData(
          train,
          heldOut,
          new PasskeyGenerator(PasskeySpec.paper(), textTokenizer),
          textTokenizer,
          background);
    } finally {
      session.stop();
    }
  }
}
