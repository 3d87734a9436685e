package io.infinispark.model;

/** How a segment is written into the compressive memory (arXiv 2404.07143, Sec. 2.1.2). */
public enum MemoryRule {
  /** M_s = M_{s-1} + σ(K)ᵀ V. */
  LINEAR,
  /** M_s = M_{s-1} + σ(K)ᵀ (V − σ(K) M_{s-1} / (σ(K) z_{s-1})): only what memory lacks is added. */
  DELTA
}
