package io.infinispark.pipeline;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import io.infinispark.data.RunTable;

/** passkey answers → accuracy per (length, depth), like the paper's Table 3. */
public record PasskeyGridStage() implements Stage {
  @Override
  public String name() {
    return "passkey_grid";
  }

  @Override
  public StageOutput run(RunTables tables) {
    return StageOutput.of(
        RunTable.PASSKEY_GRID,
        tables
            .read(RunTable.PASSKEY)
            .groupBy("requested_tokens", "depth")
            .agg(count(lit(1)).as("examples"), avg(col("correct").cast("double")).as("accuracy")));
  }
}
