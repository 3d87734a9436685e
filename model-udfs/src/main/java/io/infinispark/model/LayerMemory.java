package io.infinispark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * One layer's compressive memory for a batch: the associative matrix M (B, Hkv, dHead, dHead) and
 * the normalisation term z (B, Hkv, dHead, 1). Always float32.
 */
public record LayerMemory(NDArray memory, NDArray norm) implements AutoCloseable {

  /** M = 0, z = 0 for {@code batch} documents, owned by {@code manager}. */
  public static LayerMemory empty(NDManager manager, ModelConfig c, int batch) {
    return new LayerMemory(
        manager.zeros(new Shape(batch, c.nKvHeads(), c.dHead(), c.dHead()), DataType.FLOAT32),
        manager.zeros(new Shape(batch, c.nKvHeads(), c.dHead(), 1), DataType.FLOAT32));
  }

  @Override
  public void close() {
    memory.close();
    norm.close();
  }
}
