package io.infinispark.train;

/**
 * Everything that decides what a training run computes. Two runs with equal options, data and
 * initial weights produce the same weights; a resumed run reads them back from its checkpoint.
 *
 * @param steps optimisation steps in the whole run (the cosine schedule ends here)
 * @param lanes documents per batch, read side by side
 * @param windowSegments K: consecutive segments per example, memory carried with gradients across
 *     all of them
 * @param learningRate peak learning rate of every weight but the gates
 * @param gateLearningRate peak learning rate of the gates β (no weight decay)
 * @param weightDecay decoupled (AdamW) decay of matrices; norms and gates are not decayed
 * @param warmupSteps linear warm-up from 0 to the peak
 * @param minLearningRateRatio where the cosine decay ends, as a fraction of the peak
 * @param clipNorm global gradient-norm clip
 * @param passkeyLanes lanes per batch that carry a passkey example
 * @param recallLanes lanes per batch of text with one span repeated later in the window (every
 *     token scored): dense practice at copying, within a segment and through the memory
 * @param recallSpan tokens in a recall lane's repeated span
 * @param passkeyWeight weight of the passkey answer's mean loss next to the text's mean loss
 * @param curriculumSteps steps over which passkey examples grow from 1 to K segments
 * @param passkeyThroughMemory every passkey needle lies in a segment before the question's, so only
 *     the memory can answer (examples then span 2 to K segments); otherwise the needle's depth is
 *     uniform and most short examples can be answered by local attention alone
 * @param passkeyMinDigits shortest passkey key, in digits
 * @param passkeyMaxDigits longest passkey key; each example's length is drawn uniformly in between
 * @param passkeyAcrossBoundary fraction of passkey examples whose answer is placed across the last
 *     segment boundary (one of its tokens read from a fresh segment, with only the memory behind
 *     it), the rest ending the window; 0 in runs from before the option
 * @param passkeyAnywhere with {@code passkeyThroughMemory}, the fraction of passkey examples whose
 *     needle may still lie anywhere, the question's own segment included, so the local copy is not
 *     unlearnt while the memory's is learnt; 0 in runs from before the option
 * @param seed seeds batches (by step, so a resumed run draws the same ones)
 * @param checkpointEvery steps between checkpoints
 * @param validateEvery steps between held-out evaluations (with and without memory)
 */
public record TrainOptions(
    int steps,
    int lanes,
    int windowSegments,
    double learningRate,
    double gateLearningRate,
    double weightDecay,
    int warmupSteps,
    double minLearningRateRatio,
    double clipNorm,
    int passkeyLanes,
    int recallLanes,
    int recallSpan,
    double passkeyWeight,
    int curriculumSteps,
    boolean passkeyThroughMemory,
    int passkeyMinDigits,
    int passkeyMaxDigits,
    double passkeyAcrossBoundary,
    double passkeyAnywhere,
    long seed,
    int checkpointEvery,
    int validateEvery) {

  public TrainOptions {
    if (passkeyMinDigits == 0 && passkeyMaxDigits == 0) { // a checkpoint from before the option
      passkeyMinDigits = 5;
      passkeyMaxDigits = 5;
    }
    require(steps >= 1, "steps", steps);
    require(lanes >= 1, "lanes", lanes);
    require(windowSegments >= 1, "windowSegments", windowSegments);
    require(learningRate > 0, "learningRate", learningRate);
    require(gateLearningRate >= 0, "gateLearningRate", gateLearningRate);
    require(weightDecay >= 0, "weightDecay", weightDecay);
    require(warmupSteps >= 0, "warmupSteps", warmupSteps);
    require(
        minLearningRateRatio >= 0 && minLearningRateRatio <= 1,
        "minLearningRateRatio",
        minLearningRateRatio);
    require(clipNorm > 0, "clipNorm", clipNorm);
    require(passkeyLanes >= 0 && passkeyLanes <= lanes, "passkeyLanes (0..lanes)", passkeyLanes);
    require(
        recallLanes >= 0 && recallLanes + passkeyLanes <= lanes,
        "recallLanes (0..lanes − passkeyLanes)",
        recallLanes);
    require(recallSpan >= 1 || recallLanes == 0, "recallSpan", recallSpan);
    require(passkeyWeight >= 0, "passkeyWeight", passkeyWeight);
    require(curriculumSteps >= 1, "curriculumSteps", curriculumSteps);
    require(
        !passkeyThroughMemory || windowSegments >= 2,
        "passkeyThroughMemory (needs windowSegments ≥ 2)",
        passkeyThroughMemory);
    require(
        passkeyMinDigits >= 1 && passkeyMinDigits <= passkeyMaxDigits && passkeyMaxDigits <= 18,
        "passkeyMinDigits..passkeyMaxDigits (1..18)",
        passkeyMinDigits + ".." + passkeyMaxDigits);
    require(
        passkeyAcrossBoundary >= 0 && passkeyAcrossBoundary <= 1,
        "passkeyAcrossBoundary (0..1)",
        passkeyAcrossBoundary);
    require(
        passkeyAcrossBoundary == 0 || windowSegments >= (passkeyThroughMemory ? 3 : 2),
        "passkeyAcrossBoundary (needs windowSegments ≥ 2, ≥ 3 through the memory)",
        passkeyAcrossBoundary);
    require(
        passkeyAnywhere >= 0
            && passkeyAnywhere <= 1
            && (passkeyAnywhere == 0 || passkeyThroughMemory),
        "passkeyAnywhere (0..1, with passkeyThroughMemory)",
        passkeyAnywhere);
    require(checkpointEvery >= 1, "checkpointEvery", checkpointEvery);
    require(validateEvery >= 1, "validateEvery", validateEvery);
  }

  /** Tokens of one lane: K segments plus the one token the last position predicts. */
  public int windowTokens(int segmentLength) {
    return windowSegments * segmentLength + 1;
  }

  private static void require(boolean ok, String field, Object value) {
    if (!ok) {
      throw new IllegalArgumentException("invalid training option " + field + ": " + value);
    }
  }
}
