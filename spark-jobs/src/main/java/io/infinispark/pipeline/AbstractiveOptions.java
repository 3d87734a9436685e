package io.infinispark.pipeline;

import io.infinispark.model.Sampling;
import java.io.Serializable;

/**
 * Abstractive summaries: after reading a document (its memory carried), the model continues the
 * prompt {@link #PROMPT} for up to {@code tokens} tokens. 0 tokens: off. Meaningful only for a
 * checkpoint trained to summarise; the untrained default model produces noise.
 */
public record AbstractiveOptions(int tokens, Sampling sampling) implements Serializable {
  /** The "TL;DR:" cue that GPT-2 (Radford et al., 2019) used to elicit summaries zero-shot. */
  public static final String PROMPT = "\n\nTL;DR:";

  public static final AbstractiveOptions OFF = new AbstractiveOptions(0, Sampling.GREEDY);

  public AbstractiveOptions {
    if (tokens < 0) {
      throw new IllegalArgumentException("abstractive tokens must be ≥ 0, got " + tokens);
    }
  }
}
