package io.infinispark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decoding after a document's last segment (greedy, or sampled by {@link Sampling}): each new token
 * comes from the model's next-token distribution, given the memory of every full segment before and local attention over
 * the current one. The open segment is re-read with each new token without writing it to memory
 * (the functional {@link InfiniTransformer#forward}); once it is full it is written, and the next
 * segment starts.
 */
public final class GreedyContinuation {
  private GreedyContinuation() {}

  /**
   * @param state the memory after every segment before {@code openSegment}; advanced in place when
   *     the open segment fills up
   * @param openSegment the document's last (not yet written) segment
   * @return the {@code maxNewTokens} generated token ids
   */
  public static int[] generate(
      InfiniTransformer model, NDManager base, MemoryState state, int[] openSegment, int maxNewTokens) {
    return generate(model, base, state, openSegment, maxNewTokens, Sampling.GREEDY);
  }

  /** As {@link #generate(InfiniTransformer, NDManager, MemoryState, int[], int)}, choosing tokens by {@code sampling}. */
  public static int[] generate(
      InfiniTransformer model, NDManager base, MemoryState state, int[] openSegment, int maxNewTokens,
      Sampling sampling) {
    java.util.SplittableRandom random = new java.util.SplittableRandom(sampling.seed());
    if (state.batchSize() != 1) {
      throw new IllegalArgumentException("greedy continuation reads one document; state has " + state.batchSize());
    }
    int t = model.config().segmentLength();
    int[] open = openSegment.clone();
    int[] generated = new int[maxNewTokens];
    for (int i = 0; i < maxNewTokens; i++) {
      int next;
      try (NDManager scope = base.newSubManager()) {
        NDArray ids = scope.create(open, new Shape(1, open.length));
        List<LayerMemory> memory = new ArrayList<>();
        for (int layer = 0; layer < state.layerCount(); layer++) {
          memory.add(state.layer(layer));
        }
        NDArray logits = model.forward(ids, scope.ones(ids.getShape()), memory).logits();
        next = sampling.choose(logits.get(0, open.length - 1).toFloatArray(), random);
      }
      generated[i] = next;
      if (open.length == t) {
        try (NDManager scope = base.newSubManager()) {
          NDArray ids = scope.create(open, new Shape(1, t));
          model.step(ids, scope.ones(ids.getShape()), state);
        }
        open = new int[] {next};
      } else {
        open = Arrays.copyOf(open, open.length + 1);
        open[open.length - 1] = next;
      }
    }
    return generated;
  }
}
