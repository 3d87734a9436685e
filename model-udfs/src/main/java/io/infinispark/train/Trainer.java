package io.infinispark.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.infinispark.model.Checkpoint;
import io.infinispark.model.InfiniTransformer;
import io.infinispark.model.LayerMemory;
import io.infinispark.model.ModelConfig;
import io.infinispark.model.ModelParameters;
import io.infinispark.model.ModelWeights;
import io.infinispark.model.WeightNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Trains an Infini-Transformer with truncated backpropagation through its memory: each example is K
 * consecutive segments, read in order with the memory carried from one to the next and never
 * detached inside the window, so the loss of segment K reaches the writes of segment 1. Uses the
 * inference model's own forward pass ({@link InfiniTransformer#forward}) over trainable parameters.
 */
public final class Trainer implements AutoCloseable {
  private final ModelParameters parameters;
  private final InfiniTransformer model;
  private final AdamW optimizer;
  private final TrainOptions options;
  private final BatchSampler sampler;
  private final TrainingData data;
  private final Path runDir;
  private final Path tokenizer;
  private final TrainingLog log;
  private final LearningRateSchedule schedule;
  private final LearningRateSchedule gateSchedule;
  private int step;
  private double elapsedSeconds;
  private long tokensSeen;
  private int skippedSteps;

  /**
   * What one optimisation step measured. {@code answerExact}: the share of passkey lanes whose
   * whole answer is the model's top prediction at every position (teacher-forced), NaN without
   * passkey lanes.
   */
  public record StepReport(
      int step,
      double loss,
      double textLoss,
      double answerLoss,
      double answerExact,
      double gradientNorm,
      double learningRate,
      int tokens,
      double seconds) {}

  /**
   * How the memory goes from one segment of a window to the next: carried with its gradient (as
   * trained), carried with the gradient stopped at each hand-off (the forward pass unchanged), or
   * emptied at every segment.
   */
  public enum MemoryPath {
    CARRIED,
    DETACHED,
    RESET
  }

  /**
   * One weight tensor's gradient in a replayed step: its largest |entry| (NaN or ∞ where an entry
   * is not finite) and whether the sum of its squares, as the trainer computes it in float32, is
   * finite.
   */
  public record GradientSize(String name, double maxAbs, boolean normFinite) {
    static GradientSize of(String name, NDArray gradient) {
      return new GradientSize(
          name,
          gradient.abs().max().getFloat(),
          Float.isFinite(gradient.square().sum().getFloat()));
    }
  }

  /** A replayed step: its loss and every weight tensor's gradient, in checkpoint order. */
  public record Replay(double loss, List<GradientSize> gradients) {}

  /**
   * Where a skipped step's snapshot goes: {@code runDir/skipped/step-N}, a checkpoint taken before
   * step N that {@link #resume} reads, so the step can be replayed ({@link #replay}).
   */
  public static final String SKIPPED_DIRECTORY = "skipped";

  /** Snapshots kept per run: each is a full checkpoint (weights and Adam's moments, ~65 MB). */
  static final int SNAPSHOTS_KEPT = 3;

  /** Held-out NLL per token with the memory carried across the window and reset every segment. */
  public record Validation(double carried, double reset) {
    public double memoryGain() {
      return 1 - Math.exp(carried - reset);
    }
  }

  private Trainer(
      ModelWeights initial,
      TrainOptions options,
      TrainingData data,
      Path runDir,
      Path tokenizer,
      TrainingLog log,
      ai.djl.Device device) {
    // weights and Adam's moments live in float32 on the device, whatever it is
    this.parameters = ModelParameters.forTraining(initial, device);
    this.model = InfiniTransformer.over(parameters);
    this.optimizer = new AdamW(parameters.manager(), parameters.arrays());
    this.options = options;
    this.data = data;
    this.sampler = new BatchSampler(data, options, initial.config().segmentLength());
    this.runDir = runDir;
    this.tokenizer = tokenizer;
    this.log = log;
    this.schedule =
        new LearningRateSchedule(
            options.learningRate(),
            options.warmupSteps(),
            options.steps(),
            options.minLearningRateRatio());
    this.gateSchedule =
        new LearningRateSchedule(
            options.gateLearningRate(),
            options.warmupSteps(),
            options.steps(),
            options.minLearningRateRatio());
  }

  /** A new run from initial weights; its checkpoints and log go to {@code runDir}. */
  public static Trainer start(
      ModelWeights initial, TrainOptions options, TrainingData data, Path runDir, Path tokenizer)
      throws IOException {
    return start(initial, options, data, runDir, tokenizer, ai.djl.Device.cpu());
  }

  /** As {@link #start(ModelWeights, TrainOptions, TrainingData, Path, Path)}, on {@code device}. */
  public static Trainer start(
      ModelWeights initial,
      TrainOptions options,
      TrainingData data,
      Path runDir,
      Path tokenizer,
      ai.djl.Device device)
      throws IOException {
    Files.createDirectories(runDir);
    return new Trainer(
        initial, options, data, runDir, tokenizer, TrainingLog.create(runDir), device);
  }

  /**
   * Continues the run in {@code runDir} from its last checkpoint, with the options it began with.
   */
  public static Trainer resume(TrainingData data, Path runDir) throws IOException {
    return resume(data, runDir, ai.djl.Device.cpu());
  }

  /**
   * As {@link #resume(TrainingData, Path)}, on {@code device} (any: checkpoints are on the host).
   */
  public static Trainer resume(TrainingData data, Path runDir, ai.djl.Device device)
      throws IOException {
    Path checkpoint = TrainingCheckpoint.find(runDir);
    TrainingCheckpoint.State state = TrainingCheckpoint.readState(checkpoint);
    ModelWeights weights = Checkpoint.load(checkpoint);
    TrainingLog log = TrainingLog.resume(runDir, state.step());
    Trainer trainer =
        new Trainer(
            weights,
            state.options(),
            data,
            runDir,
            checkpoint.resolve(Checkpoint.TOKENIZER),
            log,
            device);
    trainer.optimizer.restore(
        TrainingCheckpoint.readOptimizer(checkpoint), state.step() - state.skippedSteps());
    trainer.skippedSteps = state.skippedSteps();
    trainer.step = state.step();
    trainer.elapsedSeconds = state.elapsedSeconds();
    trainer.tokensSeen = state.tokensSeen();
    return trainer;
  }

  public int step() {
    return step;
  }

  public TrainOptions options() {
    return options;
  }

  /**
   * Trains until {@code lastStep} (at most the run's length), checkpointing on the way and at the
   * end.
   */
  public void runUntil(int lastStep) throws IOException {
    int end = Math.min(lastStep, options.steps());
    while (step < end) {
      StepReport report = trainStep();
      Validation validation = null;
      if (step % options.validateEvery() == 0 || step == options.steps()) {
        validation = validate();
      }
      log.record(report, validation, gates(), options.steps(), elapsedSeconds);
      if (step % options.checkpointEvery() == 0 || step == end) {
        checkpoint();
      }
    }
  }

  /** One optimisation step on the next batch. */
  StepReport trainStep() {
    long started = System.nanoTime();
    Batch batch = sampler.batch(step);
    double lr = schedule.at(step);
    double gateLr = gateSchedule.at(step);
    ModelConfig config = parameters.config();
    int t = config.segmentLength();
    double loss;
    double textLoss;
    double answerLoss;
    double answerExact;
    double gradientNorm;
    try (NDManager scope = parameters.manager().newSubManager()) {
      NDArray[] sums = lossAndBackward(scope, batch, MemoryPath.CARRIED);
      loss = sums[0].getFloat();
      textLoss = sums[1].getFloat();
      answerLoss =
          sums[2].getFloat() / (options.passkeyWeight() == 0 ? 1 : options.passkeyWeight());
      answerExact = sums[3].getFloat() / sums[4].getFloat();
      gradientNorm = applyGradients(scope, lr, gateLr);
    }
    step++;
    int tokens = batch.lanes() * options.windowSegments() * t;
    tokensSeen += tokens;
    double seconds = (System.nanoTime() - started) / 1e9;
    elapsedSeconds += seconds;
    return new StepReport(
        step, loss, textLoss, answerLoss, answerExact, gradientNorm, lr, tokens, seconds);
  }

  /**
   * Reads the batch's K segments in order and sums the weighted NLL. Returns {loss, mean text NLL,
   * passkeyWeight · mean answer NLL, lanes whose answer is predicted exactly, lanes with an answer}
   * as float32 scalars in {@code scope}. Logits are computed only where a prediction is scored.
   */
  NDArray[] windowLoss(NDManager scope, Batch batch, MemoryPath path) {
    ModelConfig config = parameters.config();
    int lanes = batch.lanes();
    int t = config.segmentLength();
    List<LayerMemory> memory = emptyMemory(scope, lanes);
    NDArray text = scope.zeros(new Shape());
    NDArray answer = scope.zeros(new Shape());
    NDArray keep = scope.ones(new Shape(lanes, t));
    NDArray answerHits = scope.zeros(new Shape(lanes));
    NDArray answerTokens = scope.zeros(new Shape(lanes));
    for (int s = 0; s < options.windowSegments(); s++) {
      int from = s * t;
      NDArray tokens = scope.create(batch.tokens(from, from + t), new Shape(lanes, t));
      InfiniTransformer.HiddenOutput out =
          model.hidden(tokens, keep, path == MemoryPath.RESET ? emptyMemory(scope, lanes) : memory);
      memory = path == MemoryPath.DETACHED ? detached(out.memory()) : out.memory();
      Batch.Scored scored = batch.scored(from, from + t);
      if (scored.size() == 0) {
        continue;
      }
      NDArray states =
          out.states()
              .reshape(lanes * t, config.dModel())
              .get(new NDIndex("{}", scope.create(scored.rows())));
      NDArray logits = model.logits(states); // (n, V)
      NDArray targets = scope.create(scored.targets(), new Shape(scored.size(), 1));
      NDArray nll = logits.logSoftmax(-1).gather(targets, -1).reshape(scored.size()).neg();
      NDArray answerWeights = scope.create(scored.answer());
      text = text.add(nll.mul(scope.create(scored.text())).sum());
      answer = answer.add(nll.mul(answerWeights).sum());
      // each scored row's lane as a one-hot (lanes, n), to count answer tokens per lane
      NDArray laneOf =
          scope
              .create(scored.lanes())
              .expandDims(0)
              .eq(scope.arange(lanes).expandDims(1))
              .toType(DataType.FLOAT32, false);
      NDArray isAnswer = answerWeights.gt(0).toType(DataType.FLOAT32, false);
      NDArray top =
          logits.argMax(-1).eq(targets.reshape(scored.size())).toType(DataType.FLOAT32, false);
      answerHits = answerHits.add(laneOf.matMul(top.mul(isAnswer)));
      answerTokens = answerTokens.add(laneOf.matMul(isAnswer));
    }
    NDArray answered = answerTokens.gt(0);
    NDArray exact =
        answerHits.eq(answerTokens).logicalAnd(answered).toType(DataType.FLOAT32, false).sum();
    return new NDArray[] {
      text.add(answer), text, answer, exact, answered.toType(DataType.FLOAT32, false).sum()
    };
  }

  /** {@link #windowLoss}, with its gradient accumulated into the parameters' gradients. */
  private NDArray[] lossAndBackward(NDManager scope, Batch batch, MemoryPath path) {
    try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
      NDArray[] sums = windowLoss(scope, batch, path);
      collector.backward(sums[0]);
      return sums;
    }
  }

  /** Every parameter's gradient, by name, owned by {@code scope}. */
  private Map<String, NDArray> gradients(NDManager scope) {
    Map<String, NDArray> gradients = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> p : parameters.arrays().entrySet()) {
      NDArray gradient = p.getValue().getGradient();
      gradient.attach(scope);
      gradients.put(p.getKey(), gradient);
    }
    return gradients;
  }

  private static List<LayerMemory> detached(List<LayerMemory> memory) {
    return memory.stream()
        .map(m -> new LayerMemory(m.memory().stopGradient(), m.norm().stopGradient()))
        .toList();
  }

  private List<LayerMemory> emptyMemory(NDManager scope, int lanes) {
    List<LayerMemory> memory = new ArrayList<>();
    for (int i = 0; i < parameters.config().nLayers(); i++) {
      memory.add(LayerMemory.empty(scope, parameters.config(), lanes));
    }
    return memory;
  }

  /**
   * Clips the global gradient norm, takes an AdamW step, zeroes the gradients; returns the norm.
   */
  private double applyGradients(NDManager scope, double lr, double gateLr) {
    Map<String, NDArray> gradients = gradients(scope);
    double squared = 0;
    for (NDArray gradient : gradients.values()) {
      squared += gradient.square().sum().getFloat();
    }
    double norm = Math.sqrt(squared);
    if (!Double.isFinite(norm)) {
      // one overflowing batch must not poison the weights: skip it, as loss-scaled training does
      List<String> broken = new ArrayList<>();
      gradients.forEach(
          (name, g) -> {
            GradientSize size = GradientSize.of(name, g);
            if (!size.normFinite()) {
              broken.add(String.format(Locale.ROOT, "%s (max |g| %.3g)", name, size.maxAbs()));
            }
          });
      System.err.printf("train: step %d skipped, non-finite gradient of %s%n", step + 1, broken);
      snapshotBeforeSkipped();
      gradients.values().forEach(Trainer::zero);
      skippedSteps++;
      return norm;
    }
    double clip = Math.min(1.0, options.clipNorm() / (norm + 1e-6));
    optimizer.beginStep();
    for (Map.Entry<String, NDArray> p : parameters.arrays().entrySet()) {
      String name = p.getKey();
      NDArray gradient = gradients.get(name);
      boolean gate = name.endsWith(WeightNames.GATE_SUFFIX);
      boolean matrix = p.getValue().getShape().dimension() == 2;
      optimizer.update(
          scope,
          name,
          p.getValue(),
          gradient.mul(clip),
          gate ? gateLr : lr,
          matrix ? options.weightDecay() : 0);
      zero(gradient);
    }
    return norm;
  }

  /**
   * A skipped step leaves weights and moments as they were, so they are exactly the state the step
   * began from: kept, with the step's number, the batch is drawn again from (seed, step) alone.
   */
  private void snapshotBeforeSkipped() {
    Path skipped = runDir.resolve(SKIPPED_DIRECTORY);
    try {
      if (Files.isDirectory(skipped)) {
        try (Stream<Path> kept = Files.list(skipped)) {
          if (kept.count() >= SNAPSHOTS_KEPT) {
            return;
          }
        }
      }
      TrainingCheckpoint.write(
          skipped.resolve("step-" + (step + 1)),
          weights(),
          optimizer.state(),
          new TrainingCheckpoint.State(step, options, elapsedSeconds, tokensSeen, skippedSteps),
          tokenizer);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the snapshot of skipped step " + (step + 1), e);
    }
  }

  /**
   * The next step's forward and backward pass on its own batch, with the memory on {@code path},
   * without updating anything: on a skipped step's snapshot, it shows which gradients overflow and
   * whether they still do when the gradient may not flow through the memory.
   */
  public Replay replay(MemoryPath path) {
    Batch batch = sampler.batch(step);
    try (NDManager scope = parameters.manager().newSubManager()) {
      NDArray[] sums = lossAndBackward(scope, batch, path);
      List<GradientSize> sizes = new ArrayList<>();
      gradients(scope)
          .forEach(
              (name, gradient) -> {
                sizes.add(GradientSize.of(name, gradient));
                zero(gradient);
              });
      return new Replay(sums[0].getFloat(), sizes);
    }
  }

  /**
   * PyTorch accumulates into .grad, so each step starts from zero. Assigned, not multiplied by 0:
   * NaN·0 is NaN, and one overflowing step would otherwise poison every later one (it did).
   */
  private static void zero(NDArray gradient) {
    gradient.set(new NDIndex("..."), 0f);
  }

  /** Mean held-out NLL with the memory carried through each window, and reset at every segment. */
  public Validation validate() {
    int length = options.windowTokens(parameters.config().segmentLength());
    List<int[]> windows = data.validation(length);
    if (windows.isEmpty()) {
      return null;
    }
    List<TrainingExample> examples = windows.stream().map(TrainingExample::text).toList();
    // a training batch's width at a time: all windows in one batch (88 for the corpus at K = 3)
    // held
    // ~14 GB of logits and took ~100 s, as long as 60 training steps
    double carried = 0;
    double reset = 0;
    for (int from = 0; from < examples.size(); from += options.lanes()) {
      List<TrainingExample> chunk =
          examples.subList(from, Math.min(examples.size(), from + options.lanes()));
      Batch batch = Batch.of(chunk, 0);
      double share = chunk.size() / (double) examples.size(); // windows are of equal length
      try (NDManager scope = parameters.manager().newSubManager()) {
        carried += share * windowLoss(scope, batch, MemoryPath.CARRIED)[1].getFloat();
        reset += share * windowLoss(scope, batch, MemoryPath.RESET)[1].getFloat();
      }
    }
    return new Validation(carried, reset);
  }

  /** sigmoid(β) of every head, per layer: the share of each head's output read from memory. */
  public double[][] gates() {
    int layers = parameters.config().nLayers();
    double[][] gates = new double[layers][];
    for (int i = 0; i < layers; i++) {
      float[] beta = parameters.get(WeightNames.gate(i)).toFloatArray();
      gates[i] = new double[beta.length];
      for (int h = 0; h < beta.length; h++) {
        gates[i][h] = ModelWeights.memoryShare(beta[h]);
      }
    }
    return gates;
  }

  /** Writes the resumable checkpoint now. */
  public void checkpoint() throws IOException {
    TrainingCheckpoint.write(
        runDir,
        weights(),
        optimizer.state(),
        new TrainingCheckpoint.State(step, options, elapsedSeconds, tokensSeen, skippedSteps),
        tokenizer);
  }

  /** The current weights on the host. */
  public ModelWeights weights() {
    return parameters.toWeights(
        "trained: " + runDir.toAbsolutePath().normalize() + " step " + step);
  }

  @Override
  public void close() {
    optimizer.close();
    parameters.close();
  }
}
