package io.infinispark.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import java.util.ArrayList;
import java.util.List;

/**
 * A decoder-only Transformer whose every attention layer is Infini-attention, on one device. Holds
 * only weights; the compressive memory lives in a {@link MemoryState} that callers pass in, so one
 * loaded model serves any number of documents and threads.
 *
 * <p>Typical use, one segment step per child manager so nothing outlives the step but the state:
 *
 * <pre>{@code
 * try (MemoryState state = model.newState(base, batch)) {
 *   for (...) {
 *     try (NDManager step = base.newSubManager()) {
 *       NDArray logits = model.step(step.create(tokens), step.create(keep), state);
 *     }
 *   }
 * }
 * }</pre>
 */
public final class InfiniTransformer implements AutoCloseable {
  private final ModelConfig config;
  private final ModelParameters parameters;
  private final boolean ownsParameters;
  private final NDArray embedding; // (V, D)
  private final NDArray output; // (V, D): the embedding again when tied
  private final NDArray finalNorm; // (D)
  private final List<DecoderBlock> blocks;

  /** Logits (B, T, V) in float32 and the memory after the segment. */
  public record StepOutput(NDArray logits, List<LayerMemory> memory) {}

  /** The final norm's output (B, T, D), before the vocabulary projection, and the next memory. */
  public record HiddenOutput(NDArray states, List<LayerMemory> memory) {}

  private InfiniTransformer(ModelParameters parameters, boolean ownsParameters) {
    this.config = parameters.config();
    this.parameters = parameters;
    this.ownsParameters = ownsParameters;
    this.embedding = parameters.get(WeightNames.EMBED);
    this.output = config.tiedEmbeddings() ? embedding : parameters.get(WeightNames.LM_HEAD);
    this.finalNorm = parameters.get(WeightNames.FINAL_NORM);
    NDManager manager = parameters.manager();
    Rope rope =
        new Rope(
            manager,
            config.segmentLength(),
            config.dHead(),
            config.ropeTheta(),
            parameters.dtype());
    NDArray causalBias = causalBias(manager, config.segmentLength());
    this.blocks = new ArrayList<>();
    for (int i = 0; i < config.nLayers(); i++) {
      InfiniAttention attention =
          new InfiniAttention(
              config,
              parameters.get(WeightNames.q(i)),
              parameters.get(WeightNames.k(i)),
              parameters.get(WeightNames.v(i)),
              parameters.get(WeightNames.o(i)),
              parameters.get(WeightNames.gate(i)),
              rope,
              causalBias);
      blocks.add(
          new DecoderBlock(
              attention,
              parameters.get(WeightNames.attnNorm(i)),
              parameters.get(WeightNames.mlpNorm(i)),
              parameters.get(WeightNames.mlpGate(i)),
              parameters.get(WeightNames.mlpUp(i)),
              parameters.get(WeightNames.mlpDown(i)),
              config.normEps()));
    }
  }

  /**
   * Copies the weights onto a device in the given dtype (float32 or float16 anywhere; bfloat16 on
   * GPU only, see {@link Precision}).
   */
  public static InfiniTransformer load(ModelWeights weights, Device device, DataType dtype) {
    ModelParameters parameters = ModelParameters.forInference(weights, device, dtype);
    try {
      InfiniTransformer model = new InfiniTransformer(parameters, true);
      // from here on, any array that would land in the weights' manager is a leak: make it throw
      parameters.manager().cap();
      return model;
    } catch (RuntimeException e) {
      parameters.close();
      throw e;
    }
  }

  /**
   * The model over parameters someone else owns and updates, e.g. a trainer's: same forward pass,
   * gradients flow into the parameters. Closing the model leaves them open.
   */
  public static InfiniTransformer over(ModelParameters parameters) {
    return new InfiniTransformer(parameters, false);
  }

  public ModelConfig config() {
    return config;
  }

  public DataType dtype() {
    return parameters.dtype();
  }

  public Device device() {
    return parameters.manager().getDevice();
  }

  /** An empty memory for {@code batch} documents, owned by a child of {@code owner}. */
  public MemoryState newState(NDManager owner, int batch) {
    return new MemoryState(owner, config, batch);
  }

  /** A state whose lane i holds {@code lanes.get(i)} (saved memories; null for an empty one). */
  public MemoryState newState(NDManager owner, List<DocumentMemory> lanes) {
    for (DocumentMemory lane : lanes) {
      if (lane != null) {
        lane.requireShapeOf(config);
      }
    }
    return new MemoryState(owner, config, lanes);
  }

  /**
   * Reads one segment per lane and advances the state in place.
   *
   * @param tokens (B, T) int32, T ≤ segment length, created in the step's manager
   * @param keep (B, T): 1 for real tokens, 0 for padding after a short last segment
   * @return logits (B, T, V) float32, owned by the tokens' manager
   */
  public NDArray step(NDArray tokens, NDArray keep, MemoryState state) {
    StepOutput out = forward(tokens, keep, state.layers());
    for (int i = 0; i < state.layerCount(); i++) {
      state.replace(i, out.memory().get(i));
    }
    return out.logits();
  }

  /**
   * Reads one segment per lane against the state's memory without advancing it: the logits a {@link
   * #step} would return, for a segment that is still open (decoding re-reads it per token).
   */
  public NDArray peek(NDArray tokens, NDArray keep, MemoryState state) {
    return forward(tokens, keep, state.layers()).logits();
  }

  /**
   * The pure forward pass of one segment: returns the logits and the next memory without touching
   * the given one (so a trainer can keep gradients flowing through the memory).
   */
  public StepOutput forward(NDArray tokens, NDArray keep, List<LayerMemory> memory) {
    HiddenOutput out = hidden(tokens, keep, memory);
    return new StepOutput(logits(out.states()), out.memory());
  }

  /**
   * {@link #forward} up to the final norm. The projection onto the vocabulary is the largest matmul
   * of a small model (d·V per token, more than a layer's); a trainer that scores only some
   * positions projects only those, with {@link #logits}.
   */
  public HiddenOutput hidden(NDArray tokens, NDArray keep, List<LayerMemory> memory) {
    Shape shape = tokens.getShape();
    if (shape.dimension() != 2 || shape.get(1) > config.segmentLength()) {
      throw new IllegalArgumentException(
          "tokens must be (batch, ≤" + config.segmentLength() + "), got " + shape);
    }
    NDManager scope = tokens.getManager();
    NDArray keepMask =
        keep.toType(DataType.FLOAT32, false).reshape(shape.get(0), 1, shape.get(1), 1);
    NDArray x = embedding.get(scope, new NDIndex("{}", tokens)); // (B, T, D)
    List<LayerMemory> next = new ArrayList<>();
    for (int i = 0; i < blocks.size(); i++) {
      // a layer's intermediates (attention scores above all) die with the layer, not the step
      try (NDManager layerScope = scope.newSubManager()) {
        x.tempAttach(layerScope);
        InfiniAttention.Output out = blocks.get(i).forward(x, keepMask, memory.get(i));
        out.out().attach(scope);
        out.memory().memory().attach(scope);
        out.memory().norm().attach(scope);
        x = out.out();
        next.add(out.memory());
      }
    }
    return new HiddenOutput(DecoderBlock.rmsNorm(x, finalNorm, config.normEps()), next);
  }

  /** Logits (…, V) in float32 of final states (…, D) from {@link #hidden}. */
  public NDArray logits(NDArray states) {
    return Linear.linear(states, output).singletonOrThrow().toType(DataType.FLOAT32, false);
  }

  static NDArray causalBias(NDManager manager, int length) {
    float[] bias = new float[length * length];
    for (int row = 0; row < length; row++) {
      for (int col = row + 1; col < length; col++) {
        bias[row * length + col] = Float.NEGATIVE_INFINITY;
      }
    }
    return manager.create(bias, new Shape(length, length));
  }

  @Override
  public void close() {
    if (ownsParameters) {
      parameters.close();
    }
  }
}
