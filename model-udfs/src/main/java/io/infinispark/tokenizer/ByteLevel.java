package io.infinispark.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2's byte-level alphabet and pre-tokenizer, as HuggingFace's {@code ByteLevel} pre-tokenizer
 * defines them: text is split into word-like pieces by a regex, and each UTF-8 byte is shown as one
 * printable character so that every string, in any script, has a lossless token spelling.
 */
final class ByteLevel {
  /**
   * GPT-2's split pattern. Java's {@code \s} is ASCII-only, so Unicode White_Space is spelled out
   * to match the Rust regex HuggingFace runs.
   */
  private static final Pattern PIECES =
      Pattern.compile(
          "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\p{IsWhite_Space}\\p{L}\\p{N}]+"
              + "|\\p{IsWhite_Space}+(?!\\P{IsWhite_Space})|\\p{IsWhite_Space}+");

  /** BYTE_TO_CHAR[b] is the printable character that stands for byte b. */
  static final char[] BYTE_TO_CHAR = new char[256];

  static final int[] CHAR_TO_BYTE = new int[512];

  static {
    // bytes that are printable Latin-1 stand for themselves; the rest map to 256, 257, ...
    java.util.Arrays.fill(CHAR_TO_BYTE, -1);
    int next = 256;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
      char c = printable ? (char) b : (char) next++;
      BYTE_TO_CHAR[b] = c;
      CHAR_TO_BYTE[c] = b;
    }
  }

  private ByteLevel() {}

  static List<String> pieces(String text) {
    List<String> out = new ArrayList<>();
    Matcher m = PIECES.matcher(text);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  /** The piece's UTF-8 bytes, each shown as its alphabet character. */
  static String spell(byte[] utf8) {
    char[] chars = new char[utf8.length];
    for (int i = 0; i < utf8.length; i++) {
      chars[i] = BYTE_TO_CHAR[utf8[i] & 0xFF];
    }
    return new String(chars);
  }
}
