package io.infinispark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;

/** Pre-norm decoder block: x + InfiniAttention(RMSNorm(x)), then h + SwiGLU(RMSNorm(h)). */
final class DecoderBlock {
  private final InfiniAttention attention;
  private final NDArray attentionNorm; // (D)
  private final NDArray mlpNorm; // (D)
  private final NDArray gateT; // (D, F)
  private final NDArray upT; // (D, F)
  private final NDArray downT; // (F, D)
  private final double normEps;

  DecoderBlock(
      InfiniAttention attention,
      NDArray attentionNorm,
      NDArray mlpNorm,
      NDArray gateT,
      NDArray upT,
      NDArray downT,
      double normEps) {
    this.attention = attention;
    this.attentionNorm = attentionNorm;
    this.mlpNorm = mlpNorm;
    this.gateT = gateT;
    this.upT = upT;
    this.downT = downT;
    this.normEps = normEps;
  }

  InfiniAttention.Output forward(NDArray x, NDArray keep, LayerMemory memory) {
    InfiniAttention.Output attended = attention.forward(rmsNorm(x, attentionNorm, normEps), keep, memory);
    NDArray h = x.add(attended.out()); // residual
    NDArray out = h.add(mlp(rmsNorm(h, mlpNorm, normEps))); // residual
    return new InfiniAttention.Output(out, attended.memory());
  }

  /** SwiGLU: W_down (silu(x W_gate) ⊙ x W_up). */
  private NDArray mlp(NDArray x) {
    return Activation.swish(x.matMul(gateT), 1f).mul(x.matMul(upT)).matMul(downT);
  }

  /** x / sqrt(mean(x²) + eps) · w, computed in float32 as Llama does. */
  static NDArray rmsNorm(NDArray x, NDArray weight, double normEps) {
    NDArray x32 = x.toType(DataType.FLOAT32, false);
    NDArray inverseRms = x32.square().mean(new int[] {-1}, true).add(normEps).pow(-0.5);
    return x32.mul(inverseRms).toType(x.getDataType(), false).mul(weight);
  }
}
