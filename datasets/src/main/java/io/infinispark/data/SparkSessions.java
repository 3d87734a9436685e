package io.infinispark.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/** Creates the pipeline's SparkSession: any master, our defaults, then the caller's settings. */
public final class SparkSessions {
  private SparkSessions() {}

  public static SparkSession create(String appName, String master, Map<String, String> conf) {
    SparkSession.Builder builder =
        SparkSession.builder()
            .appName(appName)
            .master(master)
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.parquet.compression.codec", "zstd");
    conf.forEach(builder::config);
    return builder.getOrCreate();
  }

  /** A small embedded session for tests: local[2], no UI, few shuffle partitions. */
  public static SparkSession forTests() {
    return create(
        "infini-spark-test",
        "local[2]",
        Map.of(
            "spark.ui.enabled", "false",
            "spark.sql.shuffle.partitions", "4",
            "spark.default.parallelism", "4",
            "spark.driver.host", "127.0.0.1",
            "spark.driver.bindAddress", "127.0.0.1"));
  }

  /**
   * Whether {@code path} exists on the file system (local, HDFS, S3A, ...) the session reads it
   * from.
   */
  public static boolean exists(SparkSession spark, String path) {
    Path p = new Path(path);
    try {
      return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot check " + path, e);
    }
  }

  /** Deletes {@code path} (recursively) on the session's file system; absent is fine. */
  public static void delete(SparkSession spark, String path) {
    Path p = new Path(path);
    try {
      p.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(p, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + path, e);
    }
  }
}
