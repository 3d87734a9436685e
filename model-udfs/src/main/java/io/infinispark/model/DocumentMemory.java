package io.infinispark.model;

import java.util.Arrays;

/**
 * One document's compressive memory copied to the host: M and z of every layer, float32, each
 * flattened in (Hkv, dHead, dHead) and (Hkv, dHead, 1) order. What a state checkpoint stores; a few
 * hundred KB for the default model, whatever the document's length.
 *
 * @param memory M per layer, first layer first
 * @param norm z per layer
 */
public record DocumentMemory(float[][] memory, float[][] norm) {
  public DocumentMemory {
    if (memory.length != norm.length) {
      throw new IllegalArgumentException(
          "M of " + memory.length + " layers but z of " + norm.length);
    }
  }

  /** An empty memory (M = 0, z = 0) of this shape. */
  public static DocumentMemory empty(ModelConfig c) {
    float[][] m = new float[c.nLayers()][c.nKvHeads() * c.dHead() * c.dHead()];
    float[][] z = new float[c.nLayers()][c.nKvHeads() * c.dHead()];
    return new DocumentMemory(m, z);
  }

  /** Refuses a memory saved by a model of another shape. */
  public void requireShapeOf(ModelConfig c) {
    int m = c.nKvHeads() * c.dHead() * c.dHead();
    int z = c.nKvHeads() * c.dHead();
    boolean fits = memory.length == c.nLayers();
    for (int i = 0; fits && i < memory.length; i++) {
      fits = memory[i].length == m && norm[i].length == z;
    }
    if (!fits) {
      throw new IllegalArgumentException(
          "a memory of "
              + memory.length
              + " layers × "
              + (memory.length == 0 ? 0 : memory[0].length)
              + " values does not fit this model ("
              + c.nLayers()
              + " layers × "
              + m
              + ")");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DocumentMemory d
        && Arrays.deepEquals(memory, d.memory)
        && Arrays.deepEquals(norm, d.norm);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.deepHashCode(memory) + Arrays.deepHashCode(norm);
  }

  @Override
  public String toString() {
    return "DocumentMemory[" + memory.length + " layers]";
  }
}
