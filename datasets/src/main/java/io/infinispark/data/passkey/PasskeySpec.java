package io.infinispark.data.passkey;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The wording of a passkey-retrieval task, as in the Infini-attention paper (arXiv 2404.07143, App.
 * B) by default. {@code needle} and {@code question}'s "{key}" is replaced by the key.
 *
 * @param digits how many digits a key has (the paper: 5)
 */
public record PasskeySpec(
    String instruction, List<String> filler, String needle, String question, int digits)
    implements Serializable {

  public PasskeySpec {
    if (filler.isEmpty()) {
      throw new IllegalArgumentException("filler needs at least one sentence");
    }
    if (!needle.contains("{key}")) {
      throw new IllegalArgumentException("needle must contain {key}: " + needle);
    }
    if (digits < 1 || digits > 18) {
      throw new IllegalArgumentException("digits must be 1..18, got " + digits);
    }
  }

  public static PasskeySpec paper() {
    return new PasskeySpec(
        "There is an important info hidden inside a lot of irrelevant text. Find it and memorize"
            + " them. I will quiz you about the important information there.",
        List.of(
            "The grass is green.",
            "The sky is blue.",
            "The sun is yellow.",
            "Here we go.",
            "There and back again."),
        "The pass key is {key}. Remember it. {key} is the pass key.",
        "What is the pass key? The pass key is",
        5);
  }

  /**
   * What answers the question for {@code key}: the key as the needle writes it, with the
   * punctuation that follows it there (" 71432." for the paper's wording), so a model trained on it
   * learns where the number ends.
   */
  public String answer(String key) {
    String after = needle.substring(needle.indexOf("{key}") + "{key}".length());
    int end = 0;
    while (end < after.length()
        && !Character.isWhitespace(after.charAt(end))
        && !Character.isLetterOrDigit(after.charAt(end))) {
      end++;
    }
    return " " + key + after.substring(0, end);
  }

  public PasskeySpec withDigits(int n) {
    return new PasskeySpec(instruction, filler, needle, question, n);
  }

  public PasskeySpec withFiller(List<String> sentences) {
    return new PasskeySpec(instruction, sentences, needle, question, digits);
  }

  /**
   * Filler sentences from a file, one per line (blank lines skipped), so an evaluation can use text
   * the model never trained on.
   */
  public PasskeySpec withFillerFile(Path file) {
    List<String> sentences;
    try {
      sentences =
          Files.readAllLines(file, StandardCharsets.UTF_8).stream()
              .map(String::strip)
              .filter(s -> !s.isEmpty())
              .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read the filler file " + file + ": " + e.getMessage(), e);
    }
    if (sentences.isEmpty()) {
      throw new IllegalArgumentException(
          "the filler file " + file + " has no sentences (one per line)");
    }
    return withFiller(sentences);
  }
}
