package io.infinispark.data.passkey;

import io.infinispark.data.RunTable;
import io.infinispark.data.SparkSessions;
import io.infinispark.data.Tables;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * A passkey grid (lengths × depths × keys) as the three tables of a passkey set ({@link
 * RunTable#PASSKEY_SET}, {@link RunTable#PASSKEY_EXAMPLES}, {@link RunTable#PASSKEY_SEGMENTS}): how
 * it was made, one row per example, and the examples' tokens in the pipeline's segments schema.
 * Tokens are generated on the executors, one segment at a time.
 */
public final class PasskeySets {
  /**
   * The grid: every length at every depth, {@code keysPerCell} keys each, seeds from {@code seed}.
   */
  public record Grid(List<Long> lengths, List<Double> depths, int keysPerCell, long seed) {
    public Grid {
      if (lengths.isEmpty() || depths.isEmpty()) {
        throw new IllegalArgumentException("a passkey grid needs at least one length and depth");
      }
      if (keysPerCell < 1) {
        throw new IllegalArgumentException("keys per cell must be at least 1, got " + keysPerCell);
      }
      lengths = List.copyOf(lengths);
      depths = List.copyOf(depths);
    }
  }

  private PasskeySets() {}

  public static List<PasskeyExample> plan(PasskeyGenerator generator, Grid grid) {
    List<PasskeyExample> examples = new ArrayList<>();
    long next = grid.seed();
    for (long length : grid.lengths()) {
      for (double depth : grid.depths()) {
        for (int k = 0; k < grid.keysPerCell(); k++) {
          examples.add(generator.example(length, depth, next++));
        }
      }
    }
    return examples;
  }

  /**
   * Writes OUT/set, OUT/examples and OUT/segments (overwriting); returns the number of examples.
   */
  public static long write(
      SparkSession spark,
      Broadcast<PasskeyGenerator> generator,
      Grid grid,
      int segmentLength,
      String out) {
    List<PasskeyExample> examples = plan(generator.value(), grid);
    List<Row> rows = new ArrayList<>();
    for (PasskeyExample e : examples) {
      rows.add(
          RowFactory.create(
              e.id(),
              e.requestedTokens(),
              e.depth(),
              e.key(),
              e.seed(),
              e.tokens(),
              e.needleOffset()));
    }
    PasskeySpec spec = generator.value().spec();
    spark
        .createDataFrame(
            List.of(
                RowFactory.create(
                    segmentLength,
                    spec.digits(),
                    spec.instruction(),
                    spec.filler().toArray(new String[0]),
                    spec.needle(),
                    spec.question())),
            Tables.PASSKEY_SET)
        .coalesce(1)
        .write()
        .mode(SaveMode.Overwrite)
        .parquet(RunTable.PASSKEY_SET.inSet(out));
    Dataset<Row> table = spark.createDataFrame(rows, Tables.PASSKEY_EXAMPLES);
    table.write().mode(SaveMode.Overwrite).parquet(RunTable.PASSKEY_EXAMPLES.inSet(out));
    spark
        .read()
        .parquet(RunTable.PASSKEY_EXAMPLES.inSet(out))
        .repartition(
            Math.max(1, Math.min(examples.size(), spark.sparkContext().defaultParallelism() * 2)))
        .flatMap(new Segments(generator, segmentLength), Encoders.row(Tables.SEGMENTS))
        .write()
        .mode(SaveMode.Overwrite)
        .parquet(RunTable.PASSKEY_SEGMENTS.inSet(out));
    return examples.size();
  }

  /**
   * Checks that the set in {@code dir} (from {@link #write}) was cut into segments of {@code
   * segmentLength} tokens and names what is wrong otherwise.
   */
  public static void checkSet(SparkSession spark, String dir, int segmentLength) {
    for (RunTable table : RunTable.PASSKEY_SET_TABLES) {
      if (!SparkSessions.exists(spark, table.inSet(dir))) {
        String part = table.inSet("");
        throw new IllegalArgumentException(
            "not a passkey set: "
                + dir
                + " has no "
                + part.substring(1)
                + "/ (make one with ./run.sh datasets passkey)");
      }
    }
    Row set = spark.read().parquet(RunTable.PASSKEY_SET.inSet(dir)).first();
    if (set.getInt(0) != segmentLength) {
      throw new IllegalArgumentException(
          "the passkey set "
              + dir
              + " was cut into segments of "
              + set.getInt(0)
              + " tokens, but the model reads "
              + segmentLength
              + ": make it again with this model's --model");
    }
  }

  private record Segments(Broadcast<PasskeyGenerator> generator, int segmentLength)
      implements FlatMapFunction<Row, Row> {
    @Override
    public Iterator<Row> call(Row r) {
      PasskeyExample e =
          new PasskeyExample(
              r.getString(0),
              r.getLong(1),
              r.getDouble(2),
              r.getString(3),
              r.getLong(4),
              r.getLong(5),
              r.getLong(6));
      Iterator<int[]> chunks = generator.value().tokens(e, segmentLength);
      int n = (int) ((e.tokens() + segmentLength - 1) / segmentLength);
      return new Iterator<>() {
        private int index;

        @Override
        public boolean hasNext() {
          return chunks.hasNext();
        }

        @Override
        public Row next() {
          int[] tokens = chunks.next();
          Row row = RowFactory.create(e.id(), index, n, (long) index * segmentLength, tokens);
          index++;
          return row;
        }
      };
    }
  }
}
