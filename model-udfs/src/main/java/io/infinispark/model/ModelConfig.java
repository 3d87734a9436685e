package io.infinispark.model;

import java.io.Serializable;

/**
 * Shape of an Infini-attention Transformer. Immutable; validated on construction; stored as {@code
 * config.json} next to the weights so a checkpoint always rebuilds the model it was saved from.
 *
 * @param vocabSize tokens in the vocabulary
 * @param dModel residual stream width
 * @param nLayers decoder blocks, each with Infini-attention
 * @param nHeads query heads per layer
 * @param nKvHeads key/value heads per layer (grouped-query attention when fewer than nHeads); each
 *     key/value head owns one compressive memory
 * @param dHead width of one head
 * @param ffnHidden hidden width of the SwiGLU MLP
 * @param segmentLength tokens per segment; local attention never looks further back than this
 * @param memoryRule how segments are written into memory
 * @param ropeTheta RoPE base
 * @param normEps RMSNorm epsilon
 * @param tiedEmbeddings whether the output projection reuses the input embedding
 * @param gateInit initial value of every gate β (sigmoid(0) = 0.5 mixes memory and local equally)
 */
public record ModelConfig(
    int vocabSize,
    int dModel,
    int nLayers,
    int nHeads,
    int nKvHeads,
    int dHead,
    int ffnHidden,
    int segmentLength,
    MemoryRule memoryRule,
    double ropeTheta,
    double normEps,
    boolean tiedEmbeddings,
    double gateInit)
    implements Serializable {

  public ModelConfig {
    require(vocabSize > 1, "vocabSize", vocabSize);
    require(dModel > 0, "dModel", dModel);
    require(nLayers > 0, "nLayers", nLayers);
    require(nHeads > 0, "nHeads", nHeads);
    require(nKvHeads > 0 && nHeads % nKvHeads == 0, "nKvHeads (must divide nHeads)", nKvHeads);
    require(dHead > 0 && dHead % 2 == 0, "dHead (must be even for RoPE)", dHead);
    require(ffnHidden > 0, "ffnHidden", ffnHidden);
    require(segmentLength > 1, "segmentLength", segmentLength);
    require(memoryRule != null, "memoryRule", null);
    require(ropeTheta > 0, "ropeTheta", ropeTheta);
    require(normEps > 0, "normEps", normEps);
    require(Double.isFinite(gateInit), "gateInit", gateInit);
  }

  /** Query heads that share one key/value head. */
  public int kvGroups() {
    return nHeads / nKvHeads;
  }

  public ModelConfig withGateInit(double gate) {
    return new ModelConfig(
        vocabSize,
        dModel,
        nLayers,
        nHeads,
        nKvHeads,
        dHead,
        ffnHidden,
        segmentLength,
        memoryRule,
        ropeTheta,
        normEps,
        tiedEmbeddings,
        gate);
  }

  /** Number of weights, counted from {@link WeightNames}. */
  public long parameterCount() {
    long n = 0;
    for (var spec : WeightNames.expected(this)) {
      long size = 1;
      for (int d : spec.shape()) {
        size *= d;
      }
      n += size;
    }
    return n;
  }

  private static void require(boolean ok, String field, Object value) {
    if (!ok) {
      throw new IllegalArgumentException("invalid model config: " + field + " = " + value);
    }
  }
}
