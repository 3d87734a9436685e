package io.infinispark.cli;

import io.infinispark.data.SparkSessions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * A measuring command's result ({@code bench-cluster}, {@code gpu-check}): one Parquet table and
 * the same as markdown, in {@code out}, printed too. The Parquet goes through a one-core session of
 * its own, started after the measurements so it never competes with them.
 */
final class ResultTable {
  private ResultTable() {}

  static void write(String out, String name, StructType schema, List<Row> rows, String markdown)
      throws IOException {
    String file = name.replace('_', '-') + ".md";
    Files.createDirectories(Path.of(out));
    Files.writeString(Path.of(out, file), markdown, StandardCharsets.UTF_8);
    System.out.print(markdown);
    SparkSession session = SparkSessions.create(name + " table", "local[1]", Map.of());
    try {
      session
          .createDataFrame(rows, schema)
          .coalesce(1)
          .write()
          .mode(SaveMode.ErrorIfExists)
          .parquet(out + "/" + name);
    } finally {
      session.stop();
    }
    System.out.println("table: " + out + "/" + name + " (Parquet), " + out + "/" + file);
  }
}
