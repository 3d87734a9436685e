package io.infinispark.jobs;

/**
 * One pipeline run.
 *
 * @param input a file or directory of .txt / JSONL / Parquet documents (any Hadoop path)
 * @param runDir where this run's tables and manifest go (any Hadoop path); must not exist yet
 * @param recur how the recur stage runs
 */
public record PipelineConfig(String input, String runDir, RecurOptions recur) {
  public PipelineConfig {
    if (input == null || input.isBlank()) {
      throw new IllegalArgumentException("input must be given");
    }
  }
}
