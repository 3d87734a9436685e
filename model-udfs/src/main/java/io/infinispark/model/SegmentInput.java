package io.infinispark.model;

/**
 * One segment of one document, as the recurrence reads it. Segments must arrive ordered by
 * (batchId, segIdx, docId): every document of a batch is read side by side, one lane each.
 */
public record SegmentInput(String docId, int segIdx, int nSegments, int[] tokens, long batchId) {}
