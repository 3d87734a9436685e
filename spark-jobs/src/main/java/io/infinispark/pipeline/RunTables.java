package io.infinispark.pipeline;

import io.infinispark.data.RunTable;
import io.infinispark.data.SparkSessions;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The tables a stage reads: a run directory's, or in a test any DataFrames. */
public interface RunTables {
  Dataset<Row> read(RunTable table);

  /** Whether the table exists (a resumed run's stages look for what an earlier one wrote). */
  boolean has(RunTable table);

  /** The tables written so far under {@code runDir}. */
  static RunTables in(SparkSession spark, String runDir) {
    return new RunTables() {
      @Override
      public Dataset<Row> read(RunTable table) {
        return spark.read().parquet(table.in(runDir));
      }

      @Override
      public boolean has(RunTable table) {
        return SparkSessions.exists(spark, table.in(runDir));
      }
    };
  }

  /** Exactly these tables; asking for another is a mistake in the test that built them. */
  static RunTables of(Map<RunTable, Dataset<Row>> tables) {
    return new RunTables() {
      @Override
      public Dataset<Row> read(RunTable table) {
        Dataset<Row> rows = tables.get(table);
        if (rows == null) {
          throw new IllegalArgumentException("no table " + table.directory() + " given");
        }
        return rows;
      }

      @Override
      public boolean has(RunTable table) {
        return tables.containsKey(table);
      }
    };
  }
}
