package io.infinispark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;

/** Pre-norm decoder block: x + InfiniAttention(RMSNorm(x)), then h + SwiGLU(RMSNorm(h)). */
final class DecoderBlock {
  private final InfiniAttention attention;
  private final NDArray attentionNorm; // (D)
  private final NDArray mlpNorm; // (D)
  private final NDArray gate; // (F, D)
  private final NDArray up; // (F, D)
  private final NDArray down; // (D, F)
  private final double normEps;

  DecoderBlock(
      InfiniAttention attention,
      NDArray attentionNorm,
      NDArray mlpNorm,
      NDArray gate,
      NDArray up,
      NDArray down,
      double normEps) {
    this.attention = attention;
    this.attentionNorm = attentionNorm;
    this.mlpNorm = mlpNorm;
    this.gate = gate;
    this.up = up;
    this.down = down;
    this.normEps = normEps;
  }

  InfiniAttention.Output forward(NDArray x, NDArray keep, LayerMemory memory) {
    InfiniAttention.Output attended =
        attention.forward(rmsNorm(x, attentionNorm, normEps), keep, memory);
    NDArray h = x.add(attended.out()); // residual
    NDArray out = h.add(mlp(rmsNorm(h, mlpNorm, normEps))); // residual
    return new InfiniAttention.Output(out, attended.memory());
  }

  /**
   * SwiGLU: W_down (silu(x W_gate) ⊙ x W_up), with silu(g) = g·σ(g) written out: DJL's swish
   * multiplies by a Java number, whose array autograd reads after it is freed (see {@link
   * InfiniAttention}'s constants).
   */
  private NDArray mlp(NDArray x) {
    NDArray g = InfiniAttention.linear(x, gate);
    NDArray hidden = g.mul(Activation.sigmoid(g)).mul(InfiniAttention.linear(x, up));
    return InfiniAttention.linear(hidden, down);
  }

  /**
   * x / sqrt(mean(x²) + eps) · w, computed in float32 as Llama does; a division by the square root
   * rather than pow(−0.5), whose exponent would be a Java number (see {@link #mlp}).
   */
  static NDArray rmsNorm(NDArray x, NDArray weight, double normEps) {
    NDArray x32 = x.toType(DataType.FLOAT32, false);
    NDArray rms = x32.square().mean(new int[] {-1}, true).add(normEps).sqrt();
    return x32.div(rms).toType(x.getDataType(), false).mul(weight);
  }
}
