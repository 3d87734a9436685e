package io.infinispark.data.passkey;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infinispark.tokenizer.BpeTokenizer;
import io.infinispark.tokenizer.TextTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PasskeyGeneratorTest {
  private static TextTokenizer tokenizer;
  private static PasskeyGenerator paper;

  @BeforeAll
  static void load() throws IOException {
    // models/base's tokenizer, which joins digits, is fixed for good; the golden example below
    // holds the generator to it (PasskeySetsTest generates with the default's single digits).
    tokenizer = BpeTokenizer.load(Path.of("../model-udfs/models/base/tokenizer.json"));
    paper = new PasskeyGenerator(PasskeySpec.paper(), tokenizer);
  }

  private static int[] all(PasskeyGenerator generator, PasskeyExample e) {
    int[] out = new int[(int) e.tokens()];
    int at = 0;
    for (Iterator<int[]> chunks = generator.tokens(e, 512); chunks.hasNext(); ) {
      int[] c = chunks.next();
      System.arraycopy(c, 0, out, at, c.length);
      at += c.length;
    }
    assertEquals(out.length, at);
    return out;
  }

  @Test
  void aSmallExampleIsThePapersPromptWithTheKeyAtTheRequestedDepth() {
    PasskeyExample e = paper.example(300, 0.5, 11);
    String text = paper.text(e);
    assertTrue(
        text.startsWith("There is an important info hidden inside a lot of irrelevant text."),
        text);
    assertTrue(text.endsWith(" What is the pass key? The pass key is"), text);
    String needle =
        "The pass key is " + e.key() + ". Remember it. " + e.key() + " is the pass key.";
    int at = text.indexOf(needle);
    assertTrue(at > 0, text);
    double relative = (double) at / text.length();
    assertTrue(relative > 0.35 && relative < 0.65, "needle at " + relative + " of the text");
    assertArrayEquals(tokenizer.encode(text), all(paper, e));
    int[] tokens = all(paper, e);
    int[] needleTokens = tokenizer.encode(" " + needle);
    assertArrayEquals(
        needleTokens,
        Arrays.copyOfRange(
            tokens, (int) e.needleOffset(), (int) e.needleOffset() + needleTokens.length));
  }

  @Test
  void everyLengthAndDepthIsWithinOneFillerSentenceOfTheRequest() {
    int longestSentence =
        PasskeySpec.paper().filler().stream()
            .mapToInt(s -> tokenizer.encode(" " + s).length)
            .max()
            .orElseThrow();
    for (long length : new long[] {1024, 4096, 32768, 131072}) {
      for (double depth : new double[] {0, 0.25, 0.5, 1}) {
        PasskeyExample e = paper.example(length, depth, 3);
        assertTrue(
            e.tokens() <= length && length - e.tokens() < longestSentence,
            length + " requested, " + e.tokens() + " made");
        // the instruction (~30 tokens) and the question come before and after the filler
        assertTrue(
            Math.abs((double) e.needleOffset() / e.tokens() - depth) < 0.01 + 64.0 / e.tokens(),
            "depth " + depth);
        long streamed = 0;
        for (Iterator<int[]> c = paper.tokens(e, 4096); c.hasNext(); ) {
          streamed += c.next().length;
        }
        assertEquals(e.tokens(), streamed);
      }
    }
  }

  @Test
  void aMillionTokenExampleStreamsWithoutBeingBuiltAsText() {
    PasskeyExample e = paper.example(1 << 20, 0.5, 5);
    long count = 0;
    int needleFirst = tokenizer.encode(" The pass key is " + e.key())[0];
    boolean sawNeedle = false;
    for (Iterator<int[]> c = paper.tokens(e, 512); c.hasNext(); ) {
      int[] chunk = c.next();
      for (int i = 0; i < chunk.length; i++) {
        sawNeedle |= count + i == e.needleOffset() && chunk[i] == needleFirst;
      }
      count += chunk.length;
    }
    assertEquals(e.tokens(), count);
    assertTrue(sawNeedle, "needle not at its offset");
  }

  @Test
  void aSeedAlwaysGivesTheSameExampleAndOtherSeedsOtherKeys() throws Exception {
    // Golden value: examples must not drift between versions, or evaluation runs stop being
    // comparable.
    PasskeyExample e = paper.example(32768, 0.5, 7);
    assertEquals(e, paper.example(32768, 0.5, 7));
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    for (int token : all(paper, e)) {
      sha.update((byte) (token >>> 8));
      sha.update((byte) token);
    }
    assertEquals(
        GOLDEN,
        HexFormat.of().formatHex(sha.digest()).substring(0, 16) + " " + e.key() + " " + e.tokens());
    assertNotEquals(paper.key(7), paper.key(8));
  }

  static final String GOLDEN = "02826382410a1f89 53315 32768";

  @Test
  void variantsChangeDigitsAndFiller() {
    PasskeyGenerator long10 = new PasskeyGenerator(PasskeySpec.paper().withDigits(10), tokenizer);
    assertEquals(10, long10.key(3).length());
    PasskeyGenerator prose =
        new PasskeyGenerator(
            PasskeySpec.paper().withFiller(List.of("Call me Ishmael.", "It was a cold day.")),
            tokenizer);
    String text = prose.text(prose.example(200, 0, 1));
    assertTrue(text.contains("Call me Ishmael. It was a cold day."), text);
    assertTrue(
        text.indexOf("The pass key is") < text.indexOf("Call me Ishmael."),
        "depth 0 puts the needle first");
  }

  @Test
  void theAnswerIsTheKeyWithThePunctuationTheNeedleEndsItWith() {
    assertEquals(" 71432.", PasskeySpec.paper().answer("71432"));
    PasskeySpec exclaimed =
        new PasskeySpec("Read.", List.of("Filler."), "The key is {key}! Keep it.", "The key is", 5);
    assertEquals(" 123!", exclaimed.answer("123"));
    PasskeySpec bare =
        new PasskeySpec("Read.", List.of("Filler."), "{key} is the key", "The key is", 5);
    assertEquals(" 123", bare.answer("123"));
  }
}
