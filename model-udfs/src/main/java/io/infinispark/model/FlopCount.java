package io.infinispark.model;

/**
 * Floating-point operations of one segment step (multiply-add = 2), counted from the equations, to
 * turn a measured time into GFLOP/s. Counts what the code computes: the full T×T score matrix
 * (masked, not skipped) and the logits over the whole vocabulary; element-wise work is left out.
 */
public final class FlopCount {
  private FlopCount() {}

  public static long step(ModelConfig c, int batch, int tokens) {
    long t = tokens;
    long d = c.dHead();
    long h = c.nHeads();
    long kv = c.nKvHeads();
    long model = c.dModel();
    long projections = 2 * t * model * (2 * h * d + 2 * kv * d); // W_Q, W_O and W_K, W_V
    long mlp = 2 * t * model * c.ffnHidden() * 3L;
    long local = 2 * 2 * h * t * t * d; // Q Kᵀ and softmax · V
    long memoryRead = 2 * h * t * d * (d + 1); // σ(Q) M and σ(Q) z
    long memoryWrite =
        2 * kv * t * d * d * (c.memoryRule() == MemoryRule.DELTA ? 2 : 1)
            + (c.memoryRule() == MemoryRule.DELTA ? 2 * kv * t * d : 0);
    long perLayer = projections + mlp + local + memoryRead + memoryWrite;
    long logits = 2 * t * model * c.vocabSize();
    return batch * (c.nLayers() * perLayer + logits);
  }
}
