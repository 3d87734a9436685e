package io.infinispark.summary;

import io.infinispark.eval.Rouge;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What every extractive summary shares: the text's sentences with their source offsets, and the
 * choice of the best-scored ones under a word budget. The budget is split over equal parts of the
 * text (one per {@link #WORDS_PER_PART} words of budget), each taking its best sentences, so a
 * book's summary covers the whole book rather than its densest chapter.
 */
public final class Extractive {
  static final int MIN_WORDS = 5;
  static final int MAX_WORDS = 80;

  /** Budget words per part of the text. */
  static final int WORDS_PER_PART = 40;

  /** A sentence and where it is in the source text (UTF-16 offsets). */
  public record Sentence(int start, int end, String text) {}

  private Extractive() {}

  /**
   * Sentences with the highest {@code score} for at most {@code words} words, in document order.
   * What a part leaves unused passes to the next, and what the last leaves goes to the best
   * sentences left anywhere, so the summary fills its budget without ever exceeding it.
   */
  public static List<Sentence> choose(List<Sentence> sentences, double[] score, int words) {
    int[] wordCounts = sentences.stream().mapToInt(s -> Rouge.wordCount(s.text())).toArray();
    int parts = Math.max(1, Math.min(sentences.size(), words / WORDS_PER_PART));
    List<Integer> chosen = new ArrayList<>();
    int carry = 0;
    for (int part = 0; part < parts; part++) {
      int from = (int) ((long) sentences.size() * part / parts);
      int to = (int) ((long) sentences.size() * (part + 1) / parts);
      carry = best(wordCounts, score, from, to, words / parts + carry, chosen);
    }
    best(wordCounts, score, 0, sentences.size(), carry, chosen);
    chosen.sort(null);
    return chosen.stream().map(sentences::get).toList();
  }

  /**
   * Adds to {@code chosen} the best-scored sentences in [from, to) within the length limits that
   * fit {@code words}; returns the words left.
   */
  private static int best(
      int[] wordCounts, double[] score, int from, int to, int words, List<Integer> chosen) {
    List<Integer> order = new ArrayList<>();
    for (int i = from; i < to; i++) {
      order.add(i);
    }
    order.sort(Comparator.<Integer>comparingDouble(i -> -score[i]).thenComparingInt(i -> i));
    for (int i : order) {
      int n = wordCounts[i];
      if (n >= MIN_WORDS && n <= MAX_WORDS && n <= words && !chosen.contains(i)) {
        chosen.add(i);
        words -= n;
      }
    }
    return words;
  }
}
