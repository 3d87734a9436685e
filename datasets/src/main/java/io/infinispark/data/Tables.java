package io.infinispark.data;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.FloatType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;
import static org.apache.spark.sql.types.DataTypes.createStructField;

import java.util.List;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Every table the pipeline writes, declared once. Each is a Parquet directory named after it under
 * the run directory.
 */
public final class Tables {
  private Tables() {}

  /** One row per valid input document. source: the file it came from. */
  public static final StructType DOCUMENTS =
      schema(
          field("doc_id", StringType, false),
          field("title", StringType, true),
          field("source", StringType, false),
          field("n_chars", LongType, false),
          field("text", StringType, false));

  /**
   * One row per document (or input file) that could not be used, and why. stage: ingest, shard or
   * recur. doc_id is null when the input could not even be read far enough to name one.
   */
  public static final StructType ERRORS =
      schema(
          field("doc_id", StringType, true),
          field("source", StringType, true),
          field("stage", StringType, false),
          field("reason", StringType, false));

  /**
   * Reference summaries that came with the input (BookSum-style JSONL): one row per summary. name:
   * the field it came from, e.g. {@code summary} or {@code summaries[1]}.
   */
  public static final StructType REFERENCES =
      schema(
          field("doc_id", StringType, false),
          field("ref_idx", IntegerType, false),
          field("name", StringType, false),
          field("summary", StringType, false));

  /**
   * A document cut into fixed-length pieces of model tokens. token_start: offset of the first token
   * in the document. Only a document's last segment may be shorter than the model's segment length.
   */
  public static final StructType SEGMENTS =
      schema(
          field("doc_id", StringType, false),
          field("seg_idx", IntegerType, false),
          field("n_segments", IntegerType, false),
          field("token_start", LongType, false),
          field("tokens", createArrayType(IntegerType), false));

  /**
   * What reading each segment gave. n_predicted: tokens scored (all but a document's first);
   * nll_sum: Σ −ln p over them, in nats; token_nll: −ln p of each token of the segment (NaN for a
   * document's unscored first token); millis: wall time of the batched step that read it.
   */
  public static final StructType SEGMENT_METRICS =
      schema(
          field("doc_id", StringType, false),
          field("seg_idx", IntegerType, false),
          field("n_tokens", IntegerType, false),
          field("n_predicted", IntegerType, false),
          field("nll_sum", DoubleType, false),
          field("token_nll", createArrayType(FloatType), false),
          field("millis", LongType, false));

  /**
   * Per document: perplexity = exp(Σ nll_sum / Σ n_predicted); tokens_per_second = n_tokens over
   * the summed step time of its segments. With the memory ablation, perplexity_reset is the same
   * with the memory emptied at every segment and memory_gain = 1 − perplexity / perplexity_reset
   * (null without the ablation, or when the reset reading of the document failed).
   */
  public static final StructType DOC_METRICS =
      schema(
          field("doc_id", StringType, false),
          field("n_tokens", LongType, false),
          field("n_segments", IntegerType, false),
          field("n_predicted", LongType, false),
          field("nll_sum", DoubleType, false),
          field("perplexity", DoubleType, false),
          field("tokens_per_second", DoubleType, false),
          field("perplexity_reset", DoubleType, true),
          field("memory_gain", DoubleType, true));

  /**
   * Perplexity by where in the document the tokens are: per document, memory mode ("carried", or
   * "reset" for the ablation that empties the memory at every segment) and bucket of bucket_tokens
   * consecutive tokens (whole segments; the first bucket starts at token 0). Sums, so any coarser
   * view re-aggregates exactly: perplexity = exp(Σ nll_sum / Σ n_predicted).
   */
  public static final StructType PERPLEXITY =
      schema(
          field("doc_id", StringType, false),
          field("memory", StringType, false),
          field("bucket", IntegerType, false),
          field("bucket_start", LongType, false),
          field("bucket_end", LongType, false),
          field("n_predicted", LongType, false),
          field("nll_sum", DoubleType, false),
          field("perplexity", DoubleType, false));

  /**
   * Summaries: per document and method, one of the whole document (section null) and, for the
   * default method, one per section of a long one (section index, its title and its span in
   * documents.text). sentence_starts / sentence_ends: where each extracted sentence is in the
   * document's text (UTF-16 character offsets into documents.text), in summary order.
   */
  public static final StructType SUMMARIES =
      schema(
          field("doc_id", StringType, false),
          field("method", StringType, false),
          field("summary", StringType, false),
          field("n_words", IntegerType, false),
          field("sentence_starts", createArrayType(IntegerType), false),
          field("sentence_ends", createArrayType(IntegerType), false),
          field("section", IntegerType, true),
          field("section_title", StringType, true),
          field("section_start", IntegerType, true),
          field("section_end", IntegerType, true));

  /**
   * ROUGE of each summary against the document's reference summaries (when the input has them): F1,
   * precision and recall of ROUGE-1, ROUGE-2, ROUGE-L with Porter stemming; with several
   * references, each metric's best.
   */
  public static final StructType ROUGE =
      schema(
          field("doc_id", StringType, false),
          field("method", StringType, false),
          field("n_references", IntegerType, false),
          field("rouge1_f1", DoubleType, false),
          field("rouge1_precision", DoubleType, false),
          field("rouge1_recall", DoubleType, false),
          field("rouge2_f1", DoubleType, false),
          field("rouge2_precision", DoubleType, false),
          field("rouge2_recall", DoubleType, false),
          field("rougeL_f1", DoubleType, false),
          field("rougeL_precision", DoubleType, false),
          field("rougeL_recall", DoubleType, false));

  /**
   * One row per passkey example: the continuation the model generated greedily after the question
   * (10 tokens), and whether its first integer is the key (the original passkey harness's rule).
   */
  public static final StructType PASSKEY =
      schema(
          field("doc_id", StringType, false),
          field("requested_tokens", LongType, false),
          field("depth", DoubleType, false),
          field("passkey", StringType, false),
          field("n_tokens", LongType, false),
          field("predicted", StringType, false),
          field("correct", BooleanType, false));

  /** Passkey accuracy per (length, depth), like the paper's Table 3. */
  public static final StructType PASSKEY_GRID =
      schema(
          field("requested_tokens", LongType, false),
          field("depth", DoubleType, false),
          field("examples", LongType, false),
          field("accuracy", DoubleType, false));

  /**
   * One row per example of a passkey set: what it asks (requested_tokens, depth, the key and the
   * seed it came from), its length in model tokens and where the needle starts.
   */
  public static final StructType PASSKEY_EXAMPLES =
      schema(
          field("doc_id", StringType, false),
          field("requested_tokens", LongType, false),
          field("depth", DoubleType, false),
          field("passkey", StringType, false),
          field("seed", LongType, false),
          field("n_tokens", LongType, false),
          field("needle_offset", LongType, false));

  /**
   * One row describing a passkey set: the segment length its segments were cut to and the wording
   * it was generated with, so a reader can refuse a set made for another model.
   */
  public static final StructType PASSKEY_SET =
      schema(
          field("segment_length", IntegerType, false),
          field("digits", IntegerType, false),
          field("instruction", StringType, false),
          field("filler", createArrayType(StringType, false), false),
          field("needle", StringType, false),
          field("question", StringType, false));

  /** A table plus a trailing nullable {@code error} column: stage output before it is split. */
  public static StructType withError(StructType table) {
    StructType relaxed = new StructType();
    for (StructField f : table.fields()) {
      relaxed = relaxed.add(f.name(), f.dataType(), true);
    }
    return relaxed.add("error", StringType, true);
  }

  private static StructField field(
      String name, org.apache.spark.sql.types.DataType type, boolean nullable) {
    return createStructField(name, type, nullable);
  }

  private static StructType schema(StructField... fields) {
    return new StructType(List.of(fields).toArray(StructField[]::new));
  }
}
