package io.infinispark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infinispark.data.SparkSessions;
import io.infinispark.pipeline.TinyModel;
import io.infinispark.runtime.DevicePolicy;
import io.infinispark.testing.SampleBooks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gpu-check on a machine without a GPU: says so and measures the CPU column. */
class GpuCheckCommandTest {
  @TempDir Path dir;

  @Test
  void withoutAGpuItSaysSoAndMeasuresTheCpu() throws Exception {
    String devil = SampleBooks.devilsDictionary();
    Path model = TinyModel.write(dir.resolve("model"), List.of(devil.substring(0, 20_000)));
    Path out = dir.resolve("check");
    java.io.ByteArrayOutputStream console = new java.io.ByteArrayOutputStream();
    java.io.PrintStream before = System.out;
    CommandLines.Captured run;
    System.setOut(new java.io.PrintStream(console, true, "UTF-8"));
    try {
      run =
          CommandLines.execute(
              "gpu-check",
              "--model",
              model.toString(),
              "--lanes",
              "1,4",
              "--segments",
              "2",
              "--matmul-size",
              "256",
              "--output",
              out.toString());
    } finally {
      System.setOut(before);
    }
    assertEquals(0, run.code, run.err.toString());
    String text = console.toString("UTF-8");
    if (DevicePolicy.visibleGpus() == 0) {
      assertTrue(text.contains("no GPU"), text);
    }
    List<Row> cpu =
        SparkSessions.forTests()
            .read()
            .parquet(out.resolve("gpu_check").toString())
            .filter("device like 'cpu%'")
            .orderBy("measure", "lanes")
            .collectAsList();
    assertEquals(4, cpu.size(), cpu.toString()); // matmul, recur at 1 and 4 lanes, bf16 n/a
    Row matmul = cpu.get(0);
    assertEquals("matmul 256", matmul.getString(1));
    assertTrue(matmul.getDouble(4) > 0, matmul.toString());
    assertEquals(0, cpu.get(1).getInt(3)); // bfloat16: not measured on CPU, with the reason
    assertTrue(cpu.get(1).isNullAt(4) && cpu.get(1).getString(6).contains("GPU"), cpu.toString());
    for (Row r : cpu.subList(2, 4)) {
      assertEquals("float32", r.getString(2));
      assertTrue(r.getDouble(4) > 0, r.toString());
    }
    assertTrue(Files.readString(out.resolve("gpu-check.md")).contains("| recur | float32 | 4 |"));
  }
}
