package io.infinispark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infinispark.data.SparkSessions;
import io.infinispark.pipeline.TinyModel;
import io.infinispark.testing.SampleBooks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bench-cluster reads the same corpus at each size and compares them from each run's tasks. */
class BenchClusterCommandTest {
  @TempDir Path dir;

  @Test
  void mastersForEachSize() {
    assertEquals(
        "local-cluster[3,2,2048]", BenchClusterCommand.master("local-cluster[1,2,2048]", 3));
    assertEquals("local[4]", BenchClusterCommand.master("local[{n}]", 4));
    assertEquals("spark://h:7077", BenchClusterCommand.master("spark://h:7077", 8));
  }

  @Test
  void eachSizeReadsTheSameCorpusAndTheTableComparesThem() throws Exception {
    String devil = SampleBooks.devilsDictionary();
    Path model = TinyModel.write(dir.resolve("model"), List.of(devil.substring(0, 30_000)));
    Path input = Files.createDirectories(dir.resolve("in"));
    int[] lengths = {4_000, 3_000, 2_000, 1_000};
    for (int i = 0, from = 0; i < lengths.length; from += lengths[i], i++) {
      Files.writeString(input.resolve("b" + i + ".txt"), devil.substring(from, from + lengths[i]));
    }
    Path out = dir.resolve("bench");
    CommandLines.Captured run =
        CommandLines.execute(
            "bench-cluster",
            "--model",
            model.toString(),
            "--input",
            input.toString(),
            "--output",
            out.toString(),
            "--master",
            "local[{n}]",
            "--executors",
            "1,2",
            "--lanes",
            "1",
            "--conf",
            "spark.ui.enabled=false");
    assertEquals(0, run.code, run.err.toString());
    List<Row> rows =
        SparkSessions.forTests()
            .read()
            .parquet(out.resolve("bench_cluster").toString())
            .orderBy("executors")
            .collectAsList();
    assertEquals(2, rows.size());
    Row one = rows.get(0);
    Row two = rows.get(1);
    assertEquals(List.of(1, 2), List.of(one.getInt(0), two.getInt(0)));
    assertEquals(List.of("local[1]", "local[2]"), List.of(one.getString(1), two.getString(1)));
    assertEquals(4, one.getLong(3));
    assertEquals(one.getLong(4), two.getLong(4), "both sizes read the same tokens");
    for (Row r : rows) {
      assertTrue(r.getLong(4) > 0 && r.getDouble(6) > 0, r.toString());
      assertTrue(r.getInt(7) >= r.getInt(0), "a task per slot at least: " + r);
      assertTrue(r.getDouble(9) >= r.getDouble(10) && r.getDouble(11) >= 1.0, r.toString());
      assertEquals(
          r.getDouble(6) / one.getDouble(6), r.getDouble(12), 1e-12, "speedup vs 1 executor");
      assertEquals(r.getDouble(12) / r.getInt(0), r.getDouble(13), 1e-12, "efficiency");
      assertTrue(Files.exists(Path.of(r.getString(2), "segment_metrics")), r.getString(2));
    }
    String md = Files.readString(out.resolve("bench-cluster.md"));
    assertTrue(md.contains("| 2 | `local[2]` | 4 |"), md);
  }
}
