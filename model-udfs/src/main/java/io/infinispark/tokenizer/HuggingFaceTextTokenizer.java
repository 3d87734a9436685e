package io.infinispark.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Any HuggingFace tokenizer.json (SentencePiece-style BPE with byte fallback as in Llama 2, the
 * Llama 3 split regex, WordPiece, Unigram …) through DJL's binding of the Rust {@code tokenizers}
 * library. Serializes as the file's text; each JVM opens the native tokenizer once, on first use.
 */
public final class HuggingFaceTextTokenizer implements TextTokenizer {
  private final String json;
  private final int vocabSize;
  private transient volatile HuggingFaceTokenizer tokenizer;

  public HuggingFaceTextTokenizer(String json, int vocabSize) {
    this.json = json;
    this.vocabSize = vocabSize;
  }

  private HuggingFaceTokenizer open() {
    HuggingFaceTokenizer t = tokenizer;
    if (t == null) {
      synchronized (this) {
        t = tokenizer;
        if (t == null) {
          try {
            t =
                HuggingFaceTokenizer.newInstance(
                    new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
                    Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false"));
          } catch (IOException e) {
            throw new UncheckedIOException("cannot open tokenizer.json", e);
          }
          tokenizer = t;
        }
      }
    }
    return t;
  }

  @Override
  public int[] encode(String text) {
    long[] ids = open().encode(text, false, false).getIds();
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = Math.toIntExact(ids[i]);
    }
    return out;
  }

  @Override
  public String decode(int[] ids) {
    long[] wide = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      wide[i] = ids[i];
    }
    return open().decode(wide, false);
  }

  @Override
  public int[] tokenEnds(String text, int[] ids) {
    ai.djl.huggingface.tokenizers.jni.CharSpan[] spans =
        open().encode(text, false, false).getCharTokenSpans();
    if (spans.length != ids.length) {
      throw new IllegalArgumentException("the ids are not the encoding of this text");
    }
    // the spans count code points; callers index the String in UTF-16 units
    int[] utf16 = new int[text.codePointCount(0, text.length()) + 1];
    for (int cp = 0, c = 0; c < text.length(); cp++) {
      c += Character.charCount(text.codePointAt(c));
      utf16[cp + 1] = c;
    }
    int[] ends = new int[ids.length];
    for (int i = 0; i < spans.length; i++) {
      // a byte piece of a character spans the whole character; it ends where the next token starts
      int end = spans[i].getEnd();
      ends[i] = utf16[i + 1 < spans.length ? Math.min(end, spans[i + 1].getStart()) : end];
    }
    return ends;
  }

  @Override
  public int vocabSize() {
    return vocabSize;
  }
}
