package io.infinispark.pipeline;

import io.infinispark.runtime.RecurOptions;

/**
 * One pipeline run.
 *
 * @param input a file or directory of .txt / JSONL / Parquet documents (any Hadoop path)
 * @param runDir where this run's tables and manifest go (any Hadoop path); must not exist yet
 * @param recur how the recur stage runs
 * @param memoryAblation also read every document with its memory reset at every segment
 * @param bucketTokens width of the perplexity table's position buckets (rounded up to whole
 *     segments)
 * @param summaryWords about how many words each summary has
 * @param abstractive whether and how to generate abstractive summaries
 */
public record PipelineConfig(
    String input,
    String runDir,
    RecurOptions recur,
    boolean memoryAblation,
    long bucketTokens,
    int summaryWords,
    AbstractiveOptions abstractive) {
  public PipelineConfig {
    if (input == null || input.isBlank()) {
      throw new IllegalArgumentException("input must be given");
    }
    if (bucketTokens < 1) {
      throw new IllegalArgumentException("bucket tokens must be at least 1, got " + bucketTokens);
    }
    if (summaryWords < 1) {
      throw new IllegalArgumentException("summary words must be at least 1, got " + summaryWords);
    }
  }

  /** No ablation, 64K-token buckets, 300-word summaries. */
  public PipelineConfig(String input, String runDir, RecurOptions recur) {
    this(input, runDir, recur, false, 65_536, 300, AbstractiveOptions.OFF);
  }
}
