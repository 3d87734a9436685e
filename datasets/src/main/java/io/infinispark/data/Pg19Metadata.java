package io.infinispark.data;

import java.io.IOException;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * PG19's layout: {@code train|validation|test/<id>.txt} with {@code metadata.csv} (id,
 * short_book_title, publication_date, url; with or without a header row) beside the split
 * directories. Found for an input that is the PG19 root or one of its split directories.
 */
final class Pg19Metadata {
  static final String FILE = "metadata.csv";

  private Pg19Metadata() {}

  /** The metadata.csv that belongs to this input, if it is laid out as PG19. */
  static Optional<String> find(String input, Configuration hadoop) {
    try {
      Path root = new Path(input);
      FileSystem fs = root.getFileSystem(hadoop);
      for (Path dir : new Path[] {root, root.getParent()}) {
        if (dir != null && fs.isFile(new Path(dir, FILE)) && hasSplits(fs, dir)) {
          return Optional.of(new Path(dir, FILE).toString());
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static boolean hasSplits(FileSystem fs, Path dir) throws IOException {
    for (String split : new String[] {"train", "validation", "test"}) {
      if (fs.isDirectory(new Path(dir, split))) {
        return true;
      }
    }
    return false;
  }

  /** (doc_id, pg19_title) for every book listed. */
  static Dataset<Row> titles(SparkSession spark, String metadata) {
    return spark
        .read()
        .option("header", "false")
        .option("quote", "\"")
        .option("escape", "\"")
        .csv(metadata)
        .filter("_c0 is not null and _c0 != 'id'")
        .selectExpr("trim(_c0) as doc_id", "_c1 as pg19_title");
  }
}
