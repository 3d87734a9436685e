package io.infinispark.pipeline;

import io.infinispark.data.RunTable;
import io.infinispark.data.Tables;
import io.infinispark.tokenizer.TextTokenizer;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.stream.IntStream;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * documents → segments: tokenizes each document on the executors and cuts it into pieces of the
 * model's segment length. A book is never collected to the driver nor stored as one row of tokens.
 * A document with fewer than two tokens (nothing to score) becomes an error row instead.
 */
public record ShardStage(Broadcast<TextTokenizer> tokenizer, int segmentLength) implements Stage {
  public static final StructType STAGED = Tables.withError(Tables.SEGMENTS);

  @Override
  public String name() {
    return "shard";
  }

  @Override
  public StageOutput run(RunTables tables) {
    return StageOutput.split(RunTable.SEGMENTS, segments(tables.read(RunTable.DOCUMENTS)), name());
  }

  /** Rows of {@link #STAGED}: segments, plus one row with an error per unusable document. */
  public Dataset<Row> segments(Dataset<Row> documents) {
    return documents
        .select("doc_id", "text")
        .flatMap(new Cut(tokenizer, segmentLength), Encoders.row(STAGED));
  }

  private record Cut(Broadcast<TextTokenizer> tokenizer, int segmentLength)
      implements FlatMapFunction<Row, Row> {
    @Override
    public Iterator<Row> call(Row doc) {
      String docId = doc.getString(0);
      int[] tokens = tokenizer.value().encode(doc.getString(1));
      if (tokens.length < 2) {
        return Collections.singletonList(
                RowFactory.create(
                    docId,
                    null,
                    null,
                    null,
                    null,
                    "too short: " + tokens.length + " token(s), need at least 2 to score"))
            .iterator();
      }
      int n = (tokens.length + segmentLength - 1) / segmentLength;
      return IntStream.range(0, n)
          .mapToObj(
              s -> {
                int start = s * segmentLength;
                int[] piece =
                    Arrays.copyOfRange(
                        tokens, start, Math.min(tokens.length, start + segmentLength));
                return RowFactory.create(docId, s, n, (long) start, piece, null);
              })
          .iterator();
    }
  }
}
