package io.infinispark.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TokenEndsTest {
  static final List<String> TEXTS =
      List.of(
          "In the beginning God created the heaven and the earth.",
          "Naïve café — déjà vu; Straße, Ærø, 東京タワー and 😀 emoji (surrogates) in one line.\n\n  Next.",
          "numbers 12345 67890, tabs\tand  double  spaces");

  /**
   * Each token's end is where the decoded prefix of the ids stops (a partial character excluded).
   */
  @Test
  void ourBpeEndsAgreeWithDecodingEveryPrefix() throws IOException {
    BpeTokenizer bpe = BpeTokenizer.load(BpeTokenizerTest.DEFAULT);
    for (String text : texts()) {
      int[] ids = bpe.encode(text);
      int[] ends = bpe.tokenEnds(text, ids);
      assertEquals(ids.length, ends.length);
      assertEquals(text.length(), ends[ends.length - 1]);
      for (int i = 0; i < ids.length; i++) {
        String decoded = bpe.decode(Arrays.copyOf(ids, i + 1));
        String complete =
            decoded.endsWith("\uFFFD")
                    && !text.substring(0, Math.min(text.length(), decoded.length()))
                        .endsWith("\uFFFD")
                ? decoded.substring(0, decoded.length() - 1)
                : decoded;
        assertEquals(
            text.substring(0, ends[i]),
            complete,
            "token " + i + " of " + text.substring(0, Math.min(40, text.length())));
      }
    }
  }

  @Test
  void huggingFaceEndsEqualOurs() throws IOException {
    BpeTokenizer bpe = BpeTokenizer.load(BpeTokenizerTest.DEFAULT);
    String json = Files.readString(BpeTokenizerTest.DEFAULT, StandardCharsets.UTF_8);
    TextTokenizer hf = new HuggingFaceTextTokenizer(json, bpe.vocabSize());
    for (String text : texts()) {
      int[] ids = bpe.encode(text);
      assertArrayEquals(bpe.tokenEnds(text, ids), hf.tokenEnds(text, ids), text);
    }
  }

  @Test
  void idsOfAnotherTextAreRefused() throws IOException {
    BpeTokenizer bpe = BpeTokenizer.load(BpeTokenizerTest.DEFAULT);
    int[] ids = bpe.encode("a much longer text than the one given");
    assertTrue(
        org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> bpe.tokenEnds("short", ids))
            .getMessage()
            .contains("not the encoding"));
  }

  /** The fixed texts plus a random stretch of the sample corpus. */
  static List<String> texts() throws IOException {
    String book =
        Files.readString(Path.of("../datasets/sample/jargon-file.txt"), StandardCharsets.UTF_8);
    int start = new Random().nextInt(book.length() - 3000);
    return java.util.stream.Stream.concat(
            TEXTS.stream(), java.util.stream.Stream.of(book.substring(start, start + 3000)))
        .toList();
  }
}
