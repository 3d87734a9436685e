package io.infinispark.model;

/**
 * Whether a document's memory is carried from segment to segment, or (an ablation) emptied each
 * time.
 */
public enum MemoryMode {
  /** The model as designed: segment s reads what segments 0..s−1 wrote. */
  CARRIED,
  /** Ablation: every segment starts from an empty memory, so only local attention remains. */
  RESET;

  /** The name tables and reports use: {@code carried} or {@code reset}. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
