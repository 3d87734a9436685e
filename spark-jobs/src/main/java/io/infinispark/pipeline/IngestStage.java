package io.infinispark.pipeline;

import io.infinispark.data.DocumentIngest;
import io.infinispark.data.RunTable;
import org.apache.spark.sql.SparkSession;

/**
 * input files → documents and their reference summaries; files and documents that cannot be used
 * become error rows (see {@link DocumentIngest}).
 */
public record IngestStage(SparkSession spark, String input) implements Stage {
  @Override
  public String name() {
    return "ingest";
  }

  @Override
  public StageOutput run(RunTables tables) {
    DocumentIngest.Result ingested = DocumentIngest.read(spark, input);
    return StageOutput.of(RunTable.DOCUMENTS, ingested.documents())
        .and(RunTable.REFERENCES, ingested.references())
        .withErrors(ingested.errors());
  }
}
