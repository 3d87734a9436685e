package io.infinispark.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BpeTokenizerTest {
  /** The default tokenizer and the corpus it was trained on, both committed. */
  static final Path DEFAULT = Path.of("models/default/tokenizer.json");

  static final Path SAMPLE = Path.of("../datasets/sample");
  private static BpeTokenizer tokenizer;
  private static List<String> corpus;

  @BeforeAll
  static void load() throws IOException {
    tokenizer = BpeTokenizer.load(DEFAULT);
    corpus = TrainTokenizer.readTexts(SAMPLE);
  }

  @Test
  void decodeOfEncodeIsTheIdentityOnTheWholeSampleCorpus() {
    assertEquals(3, corpus.size());
    for (String text : corpus) {
      int[] ids = tokenizer.encode(text);
      assertTrue(ids.length < text.length() / 3, "BPE should compress English text");
      assertEquals(text, tokenizer.decode(ids));
    }
  }

  @Test
  void roundTripsTextOutsideTheTrainingAlphabet() {
    String text = "naïve café — 東京 🚀\r\n\ttabs\u00a0nbsp \u0000nul  'll 'VE 12345\n\n";
    assertEquals(text, tokenizer.decode(tokenizer.encode(text)));
    assertEquals("", tokenizer.decode(tokenizer.encode("")));
  }

  @Test
  void djlHuggingFaceTokenizerReadsOurFileAndAgreesOnEveryId() throws IOException {
    try (HuggingFaceTokenizer hf =
        HuggingFaceTokenizer.builder()
            .optTokenizerPath(DEFAULT)
            .optAddSpecialTokens(false)
            .optTruncation(false)
            .build()) {
      for (String text : corpus) {
        String chunk = text.substring(0, Math.min(text.length(), 400_000));
        long[] theirs = hf.encode(chunk).getIds();
        int[] ours = tokenizer.encode(chunk);
        assertArrayEquals(theirs, Arrays.stream(ours).asLongStream().toArray());
      }
    }
  }

  /**
   * One pre-tokenized piece can be a whole book when it has no spaces; merging is O(n log n), and
   * HuggingFace's own (Rust) tokenizer is the reference for what comes out.
   */
  @Test
  void longPiecesWithoutSpacesGiveHuggingFacesIds() throws IOException {
    java.util.SplittableRandom random = new java.util.SplittableRandom(System.nanoTime());
    StringBuilder letters = new StringBuilder();
    while (letters.length() < 300_000) {
      letters.append((char) ('a' + random.nextInt(26)));
    }
    String words = corpus.get(0).substring(0, 200_000).replaceAll("[^A-Za-z]", "");
    StringBuilder mixed = new StringBuilder();
    for (int i = 0; i < 2_000; i++) {
      int from = random.nextInt(words.length() - 60);
      mixed.append(words, from, from + random.nextInt(60)).append(random.nextBoolean() ? " " : "");
    }
    try (HuggingFaceTokenizer hf =
        HuggingFaceTokenizer.builder()
            .optTokenizerPath(DEFAULT)
            .optAddSpecialTokens(false)
            .optTruncation(false)
            .build()) {
      for (String text : List.of(letters.toString(), words, mixed.toString(), "aaaaaaaaa")) {
        long[] theirs = hf.encode(text).getIds();
        int[] ours = tokenizer.encode(text);
        assertArrayEquals(theirs, Arrays.stream(ours).asLongStream().toArray());
        assertEquals(text, tokenizer.decode(ours));
      }
    }
  }

  @Test
  void trainingIsDeterministicAndTheFileRoundTrips(@TempDir Path dir) throws IOException {
    List<String> texts = List.of(corpus.get(1).substring(0, 100_000), "the end of the text");
    Path a = dir.resolve("a.json");
    Path b = dir.resolve("b.json");
    new BpeTrainer(600, 2).train(texts).save(a);
    new BpeTrainer(600, 2).train(texts).save(b);
    assertEquals(Files.readString(a), Files.readString(b));
    BpeTokenizer reloaded = BpeTokenizer.load(a);
    assertEquals(600, reloaded.vocabSize());
    assertEquals(599, reloaded.endOfTextId());
    assertArrayEquals(
        new BpeTrainer(600, 2).train(texts).encode(texts.get(0)), reloaded.encode(texts.get(0)));
  }

  @Test
  void withoutDigitMergesNumbersAreReadOneDigitPerTokenAndAllElseIsUnchanged(@TempDir Path dir)
      throws IOException {
    String prose = corpus.get(1).substring(0, 60_000);
    String numbers =
        "In 1990, 1991 and 1984 we counted 12, 120 and 1200 of 71432 pass keys. ".repeat(50);
    BpeTokenizer merged = new BpeTrainer(700, 2).train(List.of(prose, numbers));
    BpeTokenizer digits = merged.withoutDigitMerges();
    assertTrue(
        merged.encode(" 1990").length < 3,
        "the trained BPE merges digit groups (else nothing is tested)");

    for (String number : List.of(" 1990", " 71432", "120", " 3141592653")) {
      int[] ids = digits.encode(number);
      assertEquals(number, digits.decode(ids));
      for (int id : ids) {
        String piece = digits.decode(new int[] {id});
        assertTrue(piece.matches(" ?[0-9]|[ ]"), number + " has the token '" + piece + "'");
      }
    }
    String noDigits = prose.replaceAll("[0-9]", "");
    assertArrayEquals(
        merged.encode(noDigits), digits.encode(noDigits), "text without digits is unchanged");
    assertEquals(
        merged.vocabSize(), digits.vocabSize(), "ids stay, so a model's embedding still fits");

    Path file = dir.resolve("digits.json");
    digits.save(file);
    try (HuggingFaceTokenizer hf =
        HuggingFaceTokenizer.builder()
            .optTokenizerPath(file)
            .optAddSpecialTokens(false)
            .optTruncation(false)
            .build()) {
      String text = prose.substring(0, 5_000) + numbers.substring(0, 500);
      assertArrayEquals(
          hf.encode(text).getIds(), Arrays.stream(digits.encode(text)).asLongStream().toArray());
    }
  }

  @Test
  void mostFrequentPairIsMergedFirst() {
    BpeTokenizer small = new BpeTrainer(258, 1).train(List.of("ab ab ab cd"));
    // the first merge joins 'a' and 'b' (3 occurrences beats everything else)
    assertArrayEquals(new int[] {256}, small.encode("ab"));
  }

  @Test
  void badFilesAndIdsFailWithAMessage(@TempDir Path dir) throws IOException {
    Path wordPiece = dir.resolve("wp.json");
    Files.writeString(wordPiece, "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {}}}");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> BpeTokenizer.load(wordPiece));
    assertTrue(e.getMessage().contains("expected BPE"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> tokenizer.decode(new int[] {1 << 20}));
  }
}
