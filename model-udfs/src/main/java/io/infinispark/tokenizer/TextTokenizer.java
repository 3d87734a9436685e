package io.infinispark.tokenizer;

import java.io.Serializable;

/** Text ↔ token ids. Implementations are serializable (Spark broadcasts them) and thread-safe. */
public interface TextTokenizer extends Serializable {
  int[] encode(String text);

  String decode(int[] ids);

  /**
   * Where each token of {@code ids = encode(text)} ends in {@code text}, as a UTF-16 offset (a
   * token ending inside a character counts as ending before it), so scores per token can be laid
   * over the text's sentences.
   */
  int[] tokenEnds(String text, int[] ids);

  /** One more than the largest id this tokenizer produces. */
  int vocabSize();
}
