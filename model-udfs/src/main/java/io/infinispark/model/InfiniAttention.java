package io.infinispark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;

/**
 * One Infini-attention layer (arXiv 2404.07143, Sec. 2.1). Per head, a segment is attended two
 * ways: softmax attention inside the segment (A_dot) and a linear-attention read of the compressive
 * memory left by earlier segments (A_mem). A learned gate β mixes them. The memory is read, then
 * written, with the pre-RoPE q and k; RoPE only enters the local attention.
 *
 * <p>Shapes: B batch (lanes), T tokens in the segment, H query heads, Hkv key/value heads, G =
 * H/Hkv query heads per key/value head, d head width. Memory arithmetic runs in float32 whatever
 * the weights' dtype.
 */
final class InfiniAttention {
  /** Keeps the memory read finite while z is still empty: 0 / (0 + EPS) = 0. */
  static final float EPS = 1e-6f;

  private static final DataType F32 = DataType.FLOAT32;

  private final ModelConfig config;
  private final NDArray wq; // (H·d, D)
  private final NDArray wk; // (Hkv·d, D)
  private final NDArray wv; // (Hkv·d, D)
  private final NDArray wo; // (D, H·d)
  private final NDArray beta; // (H)
  private final Rope rope;
  private final NDArray causalBias; // (T, T) float32: 0 on and below the diagonal, −∞ above
  private final NDArray scale; // 1/sqrt(d)
  private final NDArray keyShift; // s of the memory keys

  /** The attention output (B, T, D) and the memory after this segment. */
  record Output(NDArray out, LayerMemory memory) {}

  InfiniAttention(
      ModelConfig config,
      NDArray wq,
      NDArray wk,
      NDArray wv,
      NDArray wo,
      NDArray beta,
      Rope rope,
      NDArray causalBias) {
    this.config = config;
    this.wq = wq;
    this.wk = wk;
    this.wv = wv;
    this.wo = wo;
    this.beta = beta;
    this.rope = rope;
    this.causalBias = causalBias;
    // Constants as arrays that live as long as the weights, never as a Java number: DJL turns a
    // number operand into an array over a direct buffer and closes it after the op, while autograd
    // keeps it for the backward pass, which then reads freed memory (docs/memory-training.md §13).
    NDManager weights = wq.getManager();
    this.scale = weights.create((float) (1 / Math.sqrt(config.dHead())));
    this.keyShift = weights.create((float) config.memoryKeyShift());
  }

  /**
   * @param x normalised input (B, T, D)
   * @param keep (B, 1, T, 1) float32: 1 for real tokens, 0 for padding (padding writes nothing)
   * @param memory M_{s−1}, z_{s−1}
   */
  Output forward(NDArray x, NDArray keep, LayerMemory memory) {
    long b = x.getShape().get(0);
    long t = x.getShape().get(1);
    NDArray q = heads(linear(x, wq), config.nHeads()); // (B, H, T, d)
    NDArray k = heads(linear(x, wk), config.nKvHeads()); // (B, Hkv, T, d)
    NDArray v = heads(linear(x, wv), config.nKvHeads()); // (B, Hkv, T, d)

    // read memory, then write this segment into it (both with pre-RoPE q, k)
    NDArray aMem = retrieve(q, memory).toType(x.getDataType(), false); // (B, H, T, d)
    LayerMemory next = update(memoryKeys(k), v, keep, memory);

    // local causal attention with RoPE
    NDArray aDot = localAttention(rope.apply(q), rope.apply(k), v); // (B, H, T, d)

    // A = sigmoid(β)·A_mem + (1 − sigmoid(β))·A_dot
    NDArray memoryShare = memoryShare(x.getManager()).toType(x.getDataType(), false);
    NDArray a = aDot.add(aMem.sub(aDot).mul(memoryShare));
    NDArray merged = a.transpose(0, 2, 1, 3).reshape(b, t, (long) config.nHeads() * config.dHead());
    return new Output(linear(merged, wo), next);
  }

  /**
   * sigmoid(β) as (1, H, 1, 1), computed in the step's scope (not the weights' manager) and, when
   * training, still linked to β.
   */
  private NDArray memoryShare(NDManager scope) {
    NDArray betaHere = scope.zeros(new Shape(config.nHeads()), beta.getDataType()).add(beta);
    return Activation.sigmoid(betaHere.toType(F32, false)).reshape(1, config.nHeads(), 1, 1);
  }

  /** x Wᵀ for a weight in checkpoint layout (out, in); the result lives in x's scope. */
  static NDArray linear(NDArray x, NDArray weight) {
    return Linear.linear(x, weight).singletonOrThrow();
  }

  /** The keys the memory writes: k_t + s·k_{t−1} (see {@link ModelConfig#memoryKeyShift}). */
  private NDArray memoryKeys(NDArray k) {
    if (config.memoryKeyShift() == 0) {
      return k;
    }
    Shape shape = k.getShape(); // (B, Hkv, T, d)
    NDArray none =
        k.getManager()
            .zeros(new Shape(shape.get(0), shape.get(1), 1, shape.get(3)), k.getDataType());
    NDArray previous = none.concat(k.get(new NDIndex(":, :, :{}, :", shape.get(2) - 1)), 2);
    return k.add(previous.mul(keyShift));
  }

  /** A_mem = σ(Q) M_{s−1} / (σ(Q) z_{s−1}). */
  private NDArray retrieve(NDArray q, LayerMemory memory) {
    NDArray sigmaQ = grouped(sigma(q.toType(F32, false))); // (B, Hkv, G·T, d)
    NDArray numerator = sigmaQ.matMul(memory.memory()); // (B, Hkv, G·T, d)
    NDArray denominator = sigmaQ.matMul(memory.norm()).add(EPS); // (B, Hkv, G·T, 1)
    return numerator.div(denominator).reshape(q.getShape()); // (B, H, T, d)
  }

  /**
   * linear: M_s = M_{s−1} + σ(K)ᵀ V; delta: M_s = M_{s−1} + σ(K)ᵀ (V − σ(K) M_{s−1} / (σ(K)
   * z_{s−1})); both: z_s = z_{s−1} + Σ_t σ(K_t).
   */
  private LayerMemory update(NDArray k, NDArray v, NDArray keep, LayerMemory memory) {
    NDArray sigmaK = sigma(k.toType(F32, false)).mul(keep); // (B, Hkv, T, d)
    NDArray values = v.toType(F32, false);
    if (config.memoryRule() == MemoryRule.DELTA) {
      NDArray known = sigmaK.matMul(memory.memory()).div(sigmaK.matMul(memory.norm()).add(EPS));
      values = values.sub(known);
    }
    NDArray sigmaKT = sigmaK.transpose(0, 1, 3, 2); // (B, Hkv, d, T)
    NDArray nextMemory = sigmaKT.matMul(values).add(memory.memory()); // (B, Hkv, d, d)
    NDArray nextNorm = sigmaKT.sum(new int[] {3}, true).add(memory.norm()); // (B, Hkv, d, 1)
    return new LayerMemory(nextMemory, nextNorm);
  }

  /** A_dot = softmax(Q Kᵀ / sqrt(d) + causal mask) V, within the segment. */
  private NDArray localAttention(NDArray q, NDArray k, NDArray v) {
    long t = q.getShape().get(2);
    NDManager scope = q.getManager();
    NDArray keys = repeatKv(k); // (B, H, T, d)
    NDArray values = repeatKv(v); // (B, H, T, d)
    NDArray scores =
        q.matMul(keys.transpose(0, 1, 3, 2))
            .mul(scale)
            .toType(F32, false)
            .add(causalBias.get(scope, new NDIndex(":{}, :{}", t, t))); // (B, H, T, T)
    return scores.softmax(-1).toType(q.getDataType(), false).matMul(values);
  }

  /** σ(x) = ELU(x) + 1: positive, so memory reads are convex-like averages. */
  private static NDArray sigma(NDArray x) {
    return Activation.elu(x, 1f).add(1);
  }

  /** (B, T, n·d) → (B, n, T, d). */
  private NDArray heads(NDArray x, int n) {
    long b = x.getShape().get(0);
    long t = x.getShape().get(1);
    return x.reshape(b, t, n, config.dHead()).transpose(0, 2, 1, 3);
  }

  /** (B, H, T, d) → (B, Hkv, G·T, d): the query heads that share a memory, stacked. */
  private NDArray grouped(NDArray x) {
    long b = x.getShape().get(0);
    long t = x.getShape().get(2);
    return x.reshape(b, config.nKvHeads(), config.kvGroups() * t, config.dHead());
  }

  /** (B, Hkv, T, d) → (B, H, T, d): each key/value head serves G consecutive query heads. */
  private NDArray repeatKv(NDArray x) {
    return config.kvGroups() == 1 ? x : x.repeat(1, config.kvGroups());
  }
}
