package io.infinispark.pipeline;

import io.infinispark.model.Checkpoint;
import io.infinispark.model.MemoryRule;
import io.infinispark.model.ModelConfig;
import io.infinispark.model.ModelWeights;
import io.infinispark.model.Safetensors;
import io.infinispark.tokenizer.BpeTrainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Writes a complete tiny model directory (config, weights, tokenizer) for pipeline tests. */
public final class TinyModel {
  public static final int VOCAB = 400;
  public static final int SEGMENT = 32;

  private TinyModel() {}

  public static Path write(Path dir, List<String> tokenizerCorpus) throws IOException {
    ModelConfig config =
        new ModelConfig(VOCAB, 16, 2, 2, 2, 8, 32, SEGMENT, MemoryRule.DELTA, 10000, 1e-5, true, 0);
    Checkpoint.save(ModelWeights.randomInit(config, 5), dir, Safetensors.Dtype.F32);
    new BpeTrainer(VOCAB, 2).train(tokenizerCorpus).save(dir.resolve(Checkpoint.TOKENIZER));
    return dir;
  }
}
