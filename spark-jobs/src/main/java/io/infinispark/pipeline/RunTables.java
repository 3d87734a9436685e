package io.infinispark.pipeline;

import io.infinispark.data.RunTable;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The tables a stage reads: a run directory's, or in a test any DataFrames. */
@FunctionalInterface
public interface RunTables {
  Dataset<Row> read(RunTable table);

  /** The tables written so far under {@code runDir}. */
  static RunTables in(SparkSession spark, String runDir) {
    return table -> spark.read().parquet(table.in(runDir));
  }

  /** Exactly these tables; asking for another is a mistake in the test that built them. */
  static RunTables of(Map<RunTable, Dataset<Row>> tables) {
    return table -> {
      Dataset<Row> rows = tables.get(table);
      if (rows == null) {
        throw new IllegalArgumentException("no table " + table.directory() + " given");
      }
      return rows;
    };
  }
}
