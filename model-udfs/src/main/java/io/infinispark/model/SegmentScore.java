package io.infinispark.model;

/**
 * What reading one segment gave.
 *
 * @param nTokens tokens in the segment
 * @param nPredicted tokens scored: all but the document's very first token (the first token of a
 *     later segment is scored from the previous segment's last position)
 * @param nllSum sum of −log p(token) over the scored tokens, in nats
 * @param tokenNll −log p of each token of the segment (NaN for the document's unscored first
 *     token); null when the segment failed
 * @param millis wall time of the (batched) step that read this segment
 * @param lastOfDocument whether this was the document's final segment
 * @param error null, or why this document stopped being read at this segment
 */
public record SegmentScore(
    String docId,
    int segIdx,
    int nTokens,
    int nPredicted,
    double nllSum,
    float[] tokenNll,
    long millis,
    boolean lastOfDocument,
    String error) {

  static SegmentScore failed(String docId, int segIdx, String error) {
    return new SegmentScore(docId, segIdx, 0, 0, Double.NaN, null, 0, true, error);
  }
}
