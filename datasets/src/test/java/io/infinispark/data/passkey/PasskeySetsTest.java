package io.infinispark.data.passkey;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.infinispark.data.SparkSessions;
import io.infinispark.data.Tables;
import io.infinispark.tokenizer.BpeTokenizer;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasskeySetsTest {
  @Test
  void aGridIsWrittenAsExamplesAndSegmentsThatReassembleToTheStream(@TempDir Path dir)
      throws Exception {
    BpeTokenizer tokenizer =
        BpeTokenizer.load(Path.of("../model-udfs/models/default/tokenizer.json"));
    PasskeyGenerator generator = new PasskeyGenerator(PasskeySpec.paper(), tokenizer);
    PasskeySets.Grid grid =
        new PasskeySets.Grid(List.of(1000L, 3000L), List.of(0.0, 0.5, 1.0), 2, 100);
    SparkSession spark = SparkSessions.forTests();
    try {
      var broadcast = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(generator);
      assertEquals(12, PasskeySets.write(spark, broadcast, grid, 128, dir.toString()));
      List<Row> examples =
          spark.read().parquet(dir + "/examples").orderBy("doc_id").collectAsList();
      assertEquals(12, examples.size());
      assertEquals(
          List.of(Tables.PASSKEY_EXAMPLES.fieldNames()),
          List.of(spark.read().parquet(dir + "/examples").schema().fieldNames()));
      assertEquals(
          List.of(Tables.SEGMENTS.fieldNames()),
          List.of(spark.read().parquet(dir + "/segments").schema().fieldNames()));
      for (PasskeyExample e : PasskeySets.plan(generator, grid)) {
        List<Row> segments =
            spark
                .read()
                .parquet(dir + "/segments")
                .filter("doc_id = '" + e.id() + "'")
                .orderBy("seg_idx")
                .collectAsList();
        int[] tokens =
            segments.stream()
                .flatMap(s -> s.<Integer>getList(4).stream())
                .mapToInt(Integer::intValue)
                .toArray();
        assertEquals((e.tokens() + 127) / 128, segments.size());
        assertArrayEquals(
            tokenizer.encode(generator.text(e)), tokens, e.id()); // the stream is the text
      }
    } finally {
      spark.stop();
    }
  }
}
