package io.infinispark.data;

import io.infinispark.model.MemoryMode;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.types.StructType;

/**
 * Every Parquet table of a run directory: the directory it is written to, its schema and what it
 * holds. Readers and writers (the pipeline, the evaluation, the report) name tables only through
 * this registry; README's table list is checked against it.
 */
public enum RunTable {
  DOCUMENTS("documents", Tables.DOCUMENTS, "one row per valid input document"),
  REFERENCES("references", Tables.REFERENCES, "reference summaries that came with the input"),
  SEGMENTS("segments", Tables.SEGMENTS, "documents cut into segments of model tokens"),
  SEGMENT_METRICS(
      "segment_metrics", Tables.SEGMENT_METRICS, "what reading each segment gave, memory carried"),
  SEGMENT_METRICS_RESET(
      "segment_metrics_reset",
      Tables.SEGMENT_METRICS,
      "the same, memory emptied at every segment (the ablation)"),
  DOC_METRICS("doc_metrics", Tables.DOC_METRICS, "per document: tokens, perplexity, speed"),
  PERPLEXITY(
      "perplexity", Tables.PERPLEXITY, "perplexity by position in the document, per memory mode"),
  SUMMARIES(
      "summaries", Tables.SUMMARIES, "per document and method, and per section of a long one"),
  ROUGE("rouge", Tables.ROUGE, "ROUGE of each summary against the document's references"),
  PASSKEY_SET(
      "passkey_set/set",
      Tables.PASSKEY_SET,
      "the segment length and wording a passkey set was made with (one row)"),
  PASSKEY_EXAMPLES(
      "passkey_set/examples",
      Tables.PASSKEY_EXAMPLES,
      "one row per passkey example: its key, length and needle position"),
  PASSKEY_SEGMENTS(
      "passkey_set/segments",
      Tables.SEGMENTS,
      "the passkey examples' tokens, cut into the model's segments"),
  PASSKEY(
      "passkey",
      Tables.PASSKEY,
      "one row per passkey example: the generated answer and whether it is right"),
  PASSKEY_GRID("passkey_grid", Tables.PASSKEY_GRID, "passkey accuracy per length and depth"),
  ERRORS("errors", Tables.ERRORS, "every document or file left out, the stage and why");

  /** The tables of a passkey set, which may also stand alone (datasets passkey --out DIR). */
  public static final List<RunTable> PASSKEY_SET_TABLES =
      List.of(PASSKEY_SET, PASSKEY_EXAMPLES, PASSKEY_SEGMENTS);

  private static final String PASSKEY_SET_DIR = "passkey_set/";

  private final String directory;
  private final StructType schema;
  private final String holds;

  RunTable(String directory, StructType schema, String holds) {
    this.directory = directory;
    this.schema = schema;
    this.holds = holds;
  }

  /** The table's directory name under a run directory. */
  public String directory() {
    return directory;
  }

  public StructType schema() {
    return schema;
  }

  /** What one row holds, in a phrase. */
  public String holds() {
    return holds;
  }

  /** Where this table lives in {@code runDir}. */
  public String in(String runDir) {
    return runDir + "/" + directory;
  }

  public Path in(Path runDir) {
    return runDir.resolve(directory);
  }

  /** Where a passkey set's table lives in a set directory of its own ({@code setDir}/examples). */
  public String inSet(String setDir) {
    if (!PASSKEY_SET_TABLES.contains(this)) {
      throw new IllegalStateException(directory + " is not a table of a passkey set");
    }
    return setDir + "/" + directory.substring(PASSKEY_SET_DIR.length());
  }

  /** The directory of the passkey set inside {@code runDir}. */
  public static String passkeySetIn(String runDir) {
    return runDir + "/" + PASSKEY_SET_DIR.substring(0, PASSKEY_SET_DIR.length() - 1);
  }

  /** The segment metrics of one memory mode's reading. */
  public static RunTable segmentMetrics(MemoryMode mode) {
    return mode == MemoryMode.RESET ? SEGMENT_METRICS_RESET : SEGMENT_METRICS;
  }
}
