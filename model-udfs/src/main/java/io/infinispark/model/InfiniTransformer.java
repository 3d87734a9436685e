package io.infinispark.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
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
  private final NDManager manager;
  private final DataType dtype;
  private final NDArray embedding; // (V, D)
  private final NDArray outputT; // (D, V)
  private final NDArray finalNorm; // (D)
  private final List<DecoderBlock> blocks;

  /** Logits (B, T, V) in float32 and the memory after the segment. */
  public record StepOutput(NDArray logits, List<LayerMemory> memory) {}

  private InfiniTransformer(ModelWeights weights, NDManager manager, DataType dtype) {
    this.config = weights.config();
    this.manager = manager;
    this.dtype = dtype;
    this.embedding = load(weights, WeightNames.EMBED);
    this.outputT =
        (config.tiedEmbeddings() ? embedding : load(weights, WeightNames.LM_HEAD)).transpose();
    this.finalNorm = load(weights, WeightNames.FINAL_NORM);
    Rope rope =
        new Rope(manager, config.segmentLength(), config.dHead(), config.ropeTheta(), dtype);
    NDArray causalBias = causalBias(manager, config.segmentLength());
    this.blocks = new ArrayList<>();
    for (int i = 0; i < config.nLayers(); i++) {
      InfiniAttention attention =
          new InfiniAttention(
              config,
              load(weights, WeightNames.q(i)).transpose(),
              load(weights, WeightNames.k(i)).transpose(),
              load(weights, WeightNames.v(i)).transpose(),
              load(weights, WeightNames.o(i)).transpose(),
              load(weights, WeightNames.gate(i)),
              rope,
              causalBias);
      blocks.add(
          new DecoderBlock(
              attention,
              load(weights, WeightNames.attnNorm(i)),
              load(weights, WeightNames.mlpNorm(i)),
              load(weights, WeightNames.mlpGate(i)).transpose(),
              load(weights, WeightNames.mlpUp(i)).transpose(),
              load(weights, WeightNames.mlpDown(i)).transpose(),
              config.normEps()));
    }
    // from here on, any array that would land in the weights' manager is a leak: make it throw
    manager.cap();
  }

  /**
   * Copies the weights onto a device in the given dtype (float32 or float16 anywhere; bfloat16 on
   * GPU only, see {@link Precision}).
   */
  public static InfiniTransformer load(ModelWeights weights, Device device, DataType dtype) {
    Precision.check(dtype, device);
    NDManager manager = NDManager.newBaseManager(device, "PyTorch");
    try {
      return new InfiniTransformer(weights, manager, dtype);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  public ModelConfig config() {
    return config;
  }

  public DataType dtype() {
    return dtype;
  }

  public Device device() {
    return manager.getDevice();
  }

  /** An empty memory for {@code batch} documents, owned by a child of {@code owner}. */
  public MemoryState newState(NDManager owner, int batch) {
    return new MemoryState(owner, config, batch);
  }

  /**
   * Reads one segment per lane and advances the state in place.
   *
   * @param tokens (B, T) int32, T ≤ segment length, created in the step's manager
   * @param keep (B, T): 1 for real tokens, 0 for padding after a short last segment
   * @return logits (B, T, V) float32, owned by the tokens' manager
   */
  public NDArray step(NDArray tokens, NDArray keep, MemoryState state) {
    List<LayerMemory> memory = new ArrayList<>();
    for (int i = 0; i < state.layerCount(); i++) {
      memory.add(state.layer(i));
    }
    StepOutput out = forward(tokens, keep, memory);
    for (int i = 0; i < state.layerCount(); i++) {
      state.replace(i, out.memory().get(i));
    }
    return out.logits();
  }

  /**
   * The pure forward pass of one segment: returns the logits and the next memory without touching
   * the given one (so a trainer can keep gradients flowing through the memory).
   */
  public StepOutput forward(NDArray tokens, NDArray keep, List<LayerMemory> memory) {
    Shape shape = tokens.getShape();
    if (shape.dimension() != 2 || shape.get(1) > config.segmentLength()) {
      throw new IllegalArgumentException(
          "tokens must be (batch, ≤" + config.segmentLength() + "), got " + shape);
    }
    NDManager scope = tokens.getManager();
    NDArray keepMask = keep.toType(DataType.FLOAT32, false).reshape(shape.get(0), 1, shape.get(1), 1);
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
    NDArray h = DecoderBlock.rmsNorm(x, finalNorm, config.normEps());
    return new StepOutput(h.matMul(outputT).toType(DataType.FLOAT32, false), next);
  }

  private NDArray load(ModelWeights weights, String name) {
    HostTensor t = weights.tensor(name);
    return manager.create(t.data(), new Shape(t.longShape())).toType(dtype, false);
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
    manager.close();
  }
}
