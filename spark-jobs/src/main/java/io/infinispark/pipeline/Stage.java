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

  /**
   * The output in parts, each written before the next is computed; by default one part, {@link
   * #run}. A stage with several parts commits its work as it goes.
   */
  default java.util.Iterator<StageOutput> parts(RunTables tables) {
    return java.util.List.of(run(tables)).iterator();
  }

  /**
   * Whether a resumed run keeps what an interrupted run of this stage wrote (its parts decide what
   * is left to do) instead of dropping it and running the stage again.
   */
  default boolean resumable() {
    return false;
  }
}
