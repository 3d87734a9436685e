package io.infinispark.eval;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Extractive summaries by TextRank (Mihalcea & Tarau, 2004): sentences are nodes, edges weigh word
 * overlap |Si ∩ Sj| / (log|Si| + log|Sj|) on stemmed words, PageRank (d = 0.85) ranks them, and the
 * best are taken in document order up to a word budget. A book is ranked in windows of
 * {@link #WINDOW} sentences (a full graph over a book's tens of thousands of sentences would cost
 * billions of pairs), scores divided by their window's mean; the word budget is split over equal
 * parts of the text (one per 40 words of budget), each taking its best sentences, so a book's
 * summary covers the whole book.
 */
public final class TextRank {
  static final int WINDOW = 400;
  private static final int MIN_WORDS = 5;
  private static final int MAX_WORDS = 80;
  private static final double DAMPING = 0.85;
  /** Budget words per part of the text (see {@link #summarize}). */
  private static final int WORDS_PER_PART = 40;

  /** A chosen sentence and where it is in the source text (UTF-16 offsets). */
  public record Sentence(int start, int end, String text) {}

  private TextRank() {}

  /** Sentences chosen for a summary of about {@code words} words, in document order. */
  public static List<Sentence> summarize(String text, int words) {
    List<Sentence> sentences = sentences(text);
    List<List<String>> tokens = sentences.stream().map(s -> Rouge.tokens(s.text())).toList();
    double[] score = new double[sentences.size()];
    for (int from = 0; from < sentences.size(); from += WINDOW) {
      int to = Math.min(sentences.size(), from + WINDOW);
      double[] window = rank(tokens.subList(from, to));
      double mean = Arrays.stream(window).average().orElse(1);
      for (int i = 0; i < window.length; i++) {
        score[from + i] = window[i] / mean;
      }
    }
    // the budget is shared by equal parts of the text, so a book's summary covers the whole book
    int parts = Math.max(1, Math.min(sentences.size(), words / WORDS_PER_PART));
    List<Integer> chosen = new ArrayList<>();
    for (int part = 0; part < parts; part++) {
      int from = (int) ((long) sentences.size() * part / parts);
      int to = (int) ((long) sentences.size() * (part + 1) / parts);
      chosen.addAll(best(tokens, score, from, to, words / parts));
    }
    chosen.sort(null);
    return chosen.stream().map(sentences::get).toList();
  }

  /** The best-scored sentences in [from, to) that fit {@code words} (at least one that fits the length limits). */
  private static List<Integer> best(List<List<String>> tokens, double[] score, int from, int to, int words) {
    List<Integer> order = new ArrayList<>();
    for (int i = from; i < to; i++) {
      order.add(i);
    }
    order.sort(Comparator.<Integer>comparingDouble(i -> -score[i]).thenComparingInt(i -> i));
    List<Integer> chosen = new ArrayList<>();
    int used = 0;
    for (int i : order) {
      int n = tokens.get(i).size();
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

  /** PageRank over one window's sentence-similarity graph. */
  static double[] rank(List<List<String>> sentences) {
    int n = sentences.size();
    List<Set<String>> words = sentences.stream().map(s -> (Set<String>) new HashSet<>(s)).toList();
    double[][] weight = new double[n][n];
    double[] outSum = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        double w = similarity(words.get(i), sentences.get(i).size(), words.get(j), sentences.get(j).size());
        weight[i][j] = weight[j][i] = w;
        outSum[i] += w;
        outSum[j] += w;
      }
    }
    double[] rank = new double[n];
    Arrays.fill(rank, 1.0);
    for (int iteration = 0; iteration < 100; iteration++) {
      double[] next = new double[n];
      double change = 0;
      for (int i = 0; i < n; i++) {
        double sum = 0;
        for (int j = 0; j < n; j++) {
          if (weight[j][i] > 0) {
            sum += weight[j][i] / outSum[j] * rank[j];
          }
        }
        next[i] = 1 - DAMPING + DAMPING * sum;
        change += Math.abs(next[i] - rank[i]);
      }
      rank = next;
      if (change < 1e-6 * n) {
        break;
      }
    }
    return rank;
  }

  private static double similarity(Set<String> a, int lengthA, Set<String> b, int lengthB) {
    if (lengthA < 2 || lengthB < 2) {
      return 0;
    }
    int overlap = 0;
    for (String w : a) {
      if (b.contains(w)) {
        overlap++;
      }
    }
    return overlap / (Math.log(lengthA) + Math.log(lengthB));
  }

  static List<Sentence> sentences(String text) {
    BreakIterator boundaries = BreakIterator.getSentenceInstance(Locale.ENGLISH);
    boundaries.setText(text);
    List<Sentence> out = new ArrayList<>();
    for (int start = boundaries.first(), end = boundaries.next(); end != BreakIterator.DONE;
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
