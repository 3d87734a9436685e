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
 * @param memoryKeyShift s in the key the memory writes, σ(k_t + s·k_{t−1}): with s ≠ 0 each memory
 *     entry is also keyed by the token before it, so a query made of the token just read retrieves
 *     what followed it — copying in order through the memory (an induction step), which a key of
 *     one token cannot give (its reads are an unordered bag). 0 is the paper's form; local
 *     attention and the memory read never use the shift; a segment's first token has no previous
 *     key in it.
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
    double gateInit,
    double memoryKeyShift)
    implements Serializable {

  /** The paper's form: memory keys of one token ({@code memoryKeyShift} 0). */
  public ModelConfig(
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
      double gateInit) {
    this(
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
        gateInit,
        0);
  }

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
    require(Double.isFinite(memoryKeyShift), "memoryKeyShift", memoryKeyShift);
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
        gate,
        memoryKeyShift);
  }

  public ModelConfig withMemoryKeyShift(double shift) {
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
        gateInit,
        shift);
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
