package io.infinispark.eval;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

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

  /** Sentences with the highest {@code score} for about {@code words} words, in document order. */
  public static List<Sentence> choose(List<Sentence> sentences, double[] score, int words) {
    int[] wordCounts = sentences.stream().mapToInt(s -> Rouge.wordCount(s.text())).toArray();
    int parts = Math.max(1, Math.min(sentences.size(), words / WORDS_PER_PART));
    List<Integer> chosen = new ArrayList<>();
    for (int part = 0; part < parts; part++) {
      int from = (int) ((long) sentences.size() * part / parts);
      int to = (int) ((long) sentences.size() * (part + 1) / parts);
      chosen.addAll(best(wordCounts, score, from, to, words / parts));
    }
    chosen.sort(null);
    return chosen.stream().map(sentences::get).toList();
  }

  /**
   * The best-scored sentences in [from, to) that fit {@code words} (at least one that fits the
   * length limits).
   */
  private static List<Integer> best(int[] wordCounts, double[] score, int from, int to, int words) {
    List<Integer> order = new ArrayList<>();
    for (int i = from; i < to; i++) {
      order.add(i);
    }
    order.sort(Comparator.<Integer>comparingDouble(i -> -score[i]).thenComparingInt(i -> i));
    List<Integer> chosen = new ArrayList<>();
    int used = 0;
    for (int i : order) {
      int n = wordCounts[i];
      if (n < MIN_WORDS || n > MAX_WORDS || used + n > words && !chosen.isEmpty()) {
        continue;
      }
      chosen.add(i);
      used += n;
      if (used >= words) {
        break;
      }
    }
    return chosen;
  }

  /** The text's sentences (java.text's English rules), whitespace trimmed and collapsed. */
  public static List<Sentence> sentences(String text) {
    BreakIterator boundaries = BreakIterator.getSentenceInstance(Locale.ENGLISH);
    boundaries.setText(text);
    List<Sentence> out = new ArrayList<>();
    for (int start = boundaries.first(), end = boundaries.next();
        end != BreakIterator.DONE;
        start = end, end = boundaries.next()) {
      int s = start;
      int e = end;
      while (s < e && Character.isWhitespace(text.charAt(s))) {
        s++;
      }
      while (e > s && Character.isWhitespace(text.charAt(e - 1))) {
        e--;
      }
      if (e > s) {
        out.add(new Sentence(s, e, text.substring(s, e).replaceAll("\\s+", " ")));
      }
    }
    return out;
  }
}
