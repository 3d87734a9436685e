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
 *     segments; 0: log-spaced, segment 0 then segments [2^(k−1), 2^k)) segments)
 * @param summaryWords about how many words each summary has
 * @param abstractive whether and how to generate abstractive summaries
 * @param commitTokens recur writes its scores in parts of about this many tokens (whole batches),
 *     so a run killed mid-recur keeps every finished part and {@code --resume} reads only the rest;
 *     each part ends in a barrier (its slowest task), so larger parts waste less on a big cluster
 * @param states memory-state checkpoints: saved every N segments, kept, or continued from an
 *     earlier run (null: none)
 * @param sectionWords about how many words each section's summary has (0: no section summaries;
 *     also what a manifest written before sections existed reads as)
 */
public record PipelineConfig(
    String input,
    String runDir,
    RecurOptions recur,
    boolean memoryAblation,
    long bucketTokens,
    int summaryWords,
    AbstractiveOptions abstractive,
    long commitTokens,
    StateOptions states,
    int sectionWords) {
  public static final long DEFAULT_COMMIT_TOKENS = 64_000_000;
  public static final int DEFAULT_SECTION_WORDS = 60;

  public PipelineConfig {
    if (input == null || input.isBlank()) {
      throw new IllegalArgumentException("input must be given");
    }
    if (bucketTokens < 0) {
      throw new IllegalArgumentException(
          "bucket tokens must be 0 (log-spaced) or more, got " + bucketTokens);
    }
    if (summaryWords < 1) {
      throw new IllegalArgumentException("summary words must be at least 1, got " + summaryWords);
    }
    if (states == null) {
      states = StateOptions.OFF; // also a manifest written before states existed
    }
    if (sectionWords < 0) {
      throw new IllegalArgumentException("section words must be 0 or more, got " + sectionWords);
    }
    if (commitTokens < 1) {
      throw new IllegalArgumentException("commit tokens must be at least 1, got " + commitTokens);
    }
  }

  /** No memory-state checkpoints. */
  public PipelineConfig(
      String input,
      String runDir,
      RecurOptions recur,
      boolean memoryAblation,
      long bucketTokens,
      int summaryWords,
      AbstractiveOptions abstractive,
      long commitTokens) {
    this(
        input,
        runDir,
        recur,
        memoryAblation,
        bucketTokens,
        summaryWords,
        abstractive,
        commitTokens,
        StateOptions.OFF,
        DEFAULT_SECTION_WORDS);
  }

  /** Recur parts of {@link #DEFAULT_COMMIT_TOKENS}. */
  public PipelineConfig(
      String input,
      String runDir,
      RecurOptions recur,
      boolean memoryAblation,
      long bucketTokens,
      int summaryWords,
      AbstractiveOptions abstractive) {
    this(
        input,
        runDir,
        recur,
        memoryAblation,
        bucketTokens,
        summaryWords,
        abstractive,
        DEFAULT_COMMIT_TOKENS);
  }

  /** The same run in another directory (a resumed run's manifest may have been moved with it). */
  public PipelineConfig inDirectory(String dir) {
    return new PipelineConfig(
        input,
        dir,
        recur,
        memoryAblation,
        bucketTokens,
        summaryWords,
        abstractive,
        commitTokens,
        states,
        sectionWords);
  }

  /** No ablation, 64K-token buckets, 300-word summaries. */
  public PipelineConfig(String input, String runDir, RecurOptions recur) {
    this(input, runDir, recur, false, 65_536, 300, AbstractiveOptions.OFF);
  }
}
