package io.infinispark.pipeline;

/**
 * Memory-state checkpoints of the recur stages.
 *
 * @param every save each document's reading state every this many segments (0: only at its end, and
 *     only when kept or continued); a retried task or a resumed run goes on from the last one
 * @param keep keep the final state of every document read with its memory (under {@code
 *     states/recur-final}), so later text can be appended to a book already read
 * @param continueFrom a finished run whose kept final states the documents of the same id start
 *     from (their new text continues the book), or null
 */
public record StateOptions(int every, boolean keep, String continueFrom) {
  public static final StateOptions OFF = new StateOptions(0, false, null);

  public StateOptions {
    if (every < 0) {
      throw new IllegalArgumentException("--state-every must be 0 or more, got " + every);
    }
  }

  /** Whether recur saves or reads any state. */
  public boolean active() {
    return every > 0 || keep || continueFrom != null;
  }
}
