package io.infinispark.pipeline;

import io.infinispark.model.Checkpoint;
import io.infinispark.model.ModelWeights;
import io.infinispark.tokenizer.TextTokenizer;
import io.infinispark.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A model directory as the driver loads it: weights (or their seeded init) and tokenizer. */
public record ModelBundle(Path dir, ModelWeights weights, TextTokenizer tokenizer) {

  public static ModelBundle load(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("model directory does not exist: " + dir);
    }
    ModelWeights weights = Checkpoint.load(dir);
    Path tokenizerFile = dir.resolve(Checkpoint.TOKENIZER);
    if (!Files.isRegularFile(tokenizerFile)) {
      throw new IllegalArgumentException(
          "model directory " + dir + " has no " + Checkpoint.TOKENIZER);
    }
    TextTokenizer tokenizer = Tokenizers.load(tokenizerFile);
    if (tokenizer.vocabSize() > weights.config().vocabSize()) {
      throw new IllegalArgumentException(
          dir
              + ": tokenizer has "
              + tokenizer.vocabSize()
              + " tokens but the model only "
              + weights.config().vocabSize());
    }
    return new ModelBundle(dir, weights, tokenizer);
  }
}
