package io.infinispark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * The compressive memory of every layer for B documents read side by side ("lanes"). Its size is
 * fixed by the config and the batch size: it never grows with the number of segments read, which is
 * what makes a book of any length cost the same per token. Owns its arrays through its own manager;
 * {@link InfiniTransformer#step} replaces them segment by segment and closes the old ones.
 */
public final class MemoryState implements AutoCloseable {
  private final NDManager manager;
  private final ModelConfig config;
  private final LayerMemory[] layers;

  MemoryState(NDManager parent, ModelConfig c, int batch) {
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be at least 1, got " + batch);
    }
    this.manager = parent.newSubManager();
    this.config = c;
    this.layers = new LayerMemory[c.nLayers()];
    for (int i = 0; i < layers.length; i++) {
      layers[i] = LayerMemory.empty(manager, c, batch);
    }
  }

  /**
   * A batch whose lane i starts from {@code lanes.get(i)} (a saved document's memory), or empty
   * where that is null.
   */
  MemoryState(NDManager parent, ModelConfig c, List<DocumentMemory> lanes) {
    this(parent, c, lanes.size());
    int batch = lanes.size();
    for (int i = 0; i < layers.length; i++) {
      LayerMemory empty = layers[i];
      layers[i] =
          new LayerMemory(
              stacked(lanes, i, true, empty.memory().getShape()),
              stacked(lanes, i, false, empty.norm().getShape()));
      empty.close();
    }
    if (batch != batchSize()) {
      throw new IllegalStateException("lanes " + batch + " vs batch " + batchSize());
    }
  }

  private NDArray stacked(List<DocumentMemory> lanes, int layer, boolean memory, Shape shape) {
    int per = (int) (shape.size() / shape.get(0));
    float[] all = new float[(int) shape.size()];
    for (int lane = 0; lane < lanes.size(); lane++) {
      DocumentMemory saved = lanes.get(lane);
      if (saved != null) {
        float[] values = memory ? saved.memory()[layer] : saved.norm()[layer];
        System.arraycopy(values, 0, all, lane * per, per);
      }
    }
    return manager.create(all, shape);
  }

  /** A host copy of one lane's memory (what a state checkpoint stores). */
  public DocumentMemory copyLane(int lane) {
    int batch = batchSize();
    if (lane < 0 || lane >= batch) {
      throw new IndexOutOfBoundsException("lane " + lane + " of " + batch);
    }
    float[][] m = new float[layers.length][];
    float[][] z = new float[layers.length][];
    for (int i = 0; i < layers.length; i++) {
      try (NDArray one = layers[i].memory().get(lane)) {
        m[i] = one.toFloatArray();
      }
      try (NDArray one = layers[i].norm().get(lane)) {
        z[i] = one.toFloatArray();
      }
    }
    return new DocumentMemory(m, z);
  }

  public int batchSize() {
    return (int) layers[0].memory().getShape().get(0);
  }

  public int layerCount() {
    return layers.length;
  }

  public LayerMemory layer(int i) {
    return layers[i];
  }

  /** Every layer's memory, first layer first (a view: the next step replaces them). */
  public List<LayerMemory> layers() {
    return List.of(layers);
  }

  /** Takes ownership of the next segment's memory for layer i and frees the previous one. */
  void replace(int i, LayerMemory next) {
    LayerMemory previous = layers[i];
    next.memory().attach(manager);
    next.norm().attach(manager);
    layers[i] = next;
    previous.close();
  }

  /** Empties one lane's memory, so the next document read in that lane starts fresh. */
  public void resetLane(int lane) {
    int batch = batchSize();
    if (lane < 0 || lane >= batch) {
      throw new IndexOutOfBoundsException("lane " + lane + " of " + batch);
    }
    boolean[] emptied = new boolean[batch];
    emptied[lane] = true;
    try (NDManager scope = manager.newSubManager()) {
      NDArray mask = scope.create(emptied, new Shape(batch, 1, 1, 1));
      // where() rather than an indexed write: see clear()
      for (int i = 0; i < layers.length; i++) {
        LayerMemory previous = layers[i];
        NDArray memory = emptied(mask, previous.memory(), scope);
        NDArray norm = emptied(mask, previous.norm(), scope);
        memory.attach(manager);
        norm.attach(manager);
        layers[i] = new LayerMemory(memory, norm);
        previous.close();
      }
    }
  }

  private static NDArray emptied(NDArray laneMask, NDArray array, NDManager scope) {
    Shape shape = array.getShape();
    return NDArrays.where(
        laneMask.broadcast(shape), scope.zeros(shape, array.getDataType()), array);
  }

  /**
   * Keeps only the given lanes, in that order (lane i of the result is lane {@code lanes[i]} now):
   * finished documents stop costing compute.
   */
  public void keepLanes(int[] lanes) {
    try (NDManager scope = manager.newSubManager()) {
      NDIndex index = new NDIndex("{}", scope.create(lanes));
      for (int i = 0; i < layers.length; i++) {
        LayerMemory previous = layers[i];
        layers[i] = new LayerMemory(previous.memory().get(index), previous.norm().get(index));
        previous.close();
      }
    }
  }

  /**
   * Empties every lane's memory. Fresh zero arrays rather than writing zeros in place: with DJL's
   * indexed assignment ({@code set(NDIndex, 0f)}) here, the resident set of a memory-reset reading
   * grew by ~400 MiB per 1,000 steps of NativeMemoryTest's model, and the sample corpus's reading
   * was OOM-killed at 24 GB; with fresh arrays it stays flat (tested in both modes).
   */
  public void clear() {
    int batch = batchSize();
    for (int i = 0; i < layers.length; i++) {
      layers[i].close();
      layers[i] = LayerMemory.empty(manager, config, batch);
    }
  }

  /** Shapes of M and z for every layer, in order. */
  public List<Shape> shapes() {
    List<Shape> shapes = new ArrayList<>();
    for (LayerMemory layer : layers) {
      shapes.add(layer.memory().getShape());
      shapes.add(layer.norm().getShape());
    }
    return shapes;
  }

  public long sizeInBytes() {
    long bytes = 0;
    for (LayerMemory layer : layers) {
      bytes += layer.memory().size() * layer.memory().getDataType().getNumOfBytes();
      bytes += layer.norm().size() * layer.norm().getDataType().getNumOfBytes();
    }
    return bytes;
  }

  @Override
  public void close() {
    manager.close();
  }
}
