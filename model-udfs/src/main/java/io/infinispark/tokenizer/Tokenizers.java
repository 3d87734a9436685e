package io.infinispark.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens a tokenizer.json with the implementation that reproduces it exactly. */
public final class Tokenizers {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Tokenizers() {}

  /**
   * GPT-2-style byte-level BPE (our own tokenizers among them) runs in pure Java; every other
   * layout goes through HuggingFace's native library.
   */
  public static TextTokenizer load(Path file) throws IOException {
    String text = Files.readString(file);
    JsonNode root = JSON.readTree(text);
    if (isGpt2ByteLevelBpe(root)) {
      return BpeTokenizer.load(file);
    }
    int vocab = root.path("model").path("vocab").size();
    for (JsonNode added : root.path("added_tokens")) {
      vocab = Math.max(vocab, added.path("id").asInt() + 1);
    }
    return new HuggingFaceTextTokenizer(text, vocab);
  }

  private static boolean isGpt2ByteLevelBpe(JsonNode root) {
    JsonNode model = root.path("model");
    JsonNode pre = root.path("pre_tokenizer");
    return "BPE".equals(model.path("type").asText())
        && !model.path("byte_fallback").asBoolean(false)
        && !model.path("ignore_merges").asBoolean(false)
        && root.path("normalizer").isNull()
        && "ByteLevel".equals(pre.path("type").asText())
        && pre.path("use_regex").asBoolean(true)
        && !pre.path("add_prefix_space").asBoolean(false);
  }
}
