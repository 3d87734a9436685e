package io.infinispark.data.corpus;

import java.util.Set;

/**
 * The fixed train / held-out split of the local corpus, by document, so held-out text is never
 * trained on. Documents that share text share a split (the Bible's books and the whole Bible are
 * all train). Held out: whole long books for long-context evaluation — the Jargon File, the Python
 * library reference, the French edition of the Debian handbook — and every Brown text whose number
 * ends in 0 (41 of 500, across all 15 genres). The list, with each document's token count, is
 * datasets/corpus-documents.tsv.
 */
public final class CorpusSplit {
  public static final String TRAIN = "train";
  public static final String HELD_OUT = "held-out";
  private static final Set<String> HELD_OUT_BOOKS =
      Set.of("jargon-file", "python-library", "debian-handbook-fr-FR");

  private CorpusSplit() {}

  public static String of(String docId) {
    if (HELD_OUT_BOOKS.contains(docId) || docId.matches("brown-c[a-r]\\d0")) {
      return HELD_OUT;
    }
    return TRAIN;
  }
}
