package io.infinispark.summary;

/** The names the {@code summaries} and {@code rouge} tables give their methods. */
public final class SummaryMethods {
  /** The first N words of the document's prose: the baseline every method is measured against. */
  public static final String LEAD = "lead";

  public static final String TEXTRANK = "textrank";
  public static final String COVERAGE = "coverage";
  public static final String MEMORY_GAIN = "memory-gain";
  public static final String ABSTRACTIVE = "abstractive";

  /** The method README's table shows winning: what a user reads first. */
  public static final String DEFAULT = COVERAGE;

  private SummaryMethods() {}
}
