package io.infinispark.pipeline;

/**
 * One step of a run: reads tables, returns the rows of the tables it writes. A stage touches no
 * files, so it runs alone on small DataFrames in a test ({@link RunTables#of}); {@link RunWriter}
 * writes what it returns, appends its error rows and times it.
 */
public interface Stage {
  /** The name the progress lines, the manifest and the error rows use. */
  String name();

  StageOutput run(RunTables tables);
}
