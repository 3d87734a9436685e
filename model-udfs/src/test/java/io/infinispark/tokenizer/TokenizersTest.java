package io.infinispark.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizersTest {
  @Test
  void ourByteLevelBpeRunsInPureJava() throws IOException {
    assertInstanceOf(BpeTokenizer.class, Tokenizers.load(BpeTokenizerTest.DEFAULT));
  }

  @Test
  void otherLayoutsGoThroughHuggingFaceAndSurviveSerialization(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("tokenizer.json");
    Files.writeString(
        file,
        """
        {"version": "1.0", "truncation": null, "padding": null, "added_tokens": [],
         "normalizer": {"type": "Lowercase"},
         "pre_tokenizer": {"type": "Whitespace"},
         "post_processor": null, "decoder": null,
         "model": {"type": "WordLevel", "unk_token": "[UNK]",
                   "vocab": {"[UNK]": 0, "hello": 1, "world": 2, "books": 3}}}
        """);
    TextTokenizer tokenizer = Tokenizers.load(file);
    assertInstanceOf(HuggingFaceTextTokenizer.class, tokenizer);
    assertEquals(4, tokenizer.vocabSize());
    assertArrayEquals(new int[] {1, 2, 0, 3}, tokenizer.encode("Hello WORLD of books"));

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(tokenizer);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      TextTokenizer copy = (TextTokenizer) in.readObject();
      assertArrayEquals(new int[] {2, 1}, copy.encode("world hello"));
    }
  }
}
