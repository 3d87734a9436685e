package io.infinispark.tokenizer;

import java.io.Serializable;

/** Text ↔ token ids. Implementations are serializable (Spark broadcasts them) and thread-safe. */
public interface TextTokenizer extends Serializable {
  int[] encode(String text);

  String decode(int[] ids);

  /** One more than the largest id this tokenizer produces. */
  int vocabSize();
}
