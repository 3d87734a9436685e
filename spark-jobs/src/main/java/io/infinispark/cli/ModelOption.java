package io.infinispark.cli;

import io.infinispark.pipeline.ModelBundle;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --model DIR}, shared by every command that loads a model; the bundled default otherwise.
 */
public final class ModelOption {
  @Option(
      names = "--model",
      paramLabel = "DIR",
      description =
          "Model directory: config.json, tokenizer.json, model.safetensors, or a HuggingFace Llama "
              + "checkpoint (default: model-udfs/models/default)")
  Path model;

  Path dir() {
    return model != null ? model : Defaults.defaultModel();
  }

  ModelBundle load() throws IOException {
    return ModelBundle.load(dir());
  }
}
