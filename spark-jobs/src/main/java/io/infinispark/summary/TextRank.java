package io.infinispark.summary;

import io.infinispark.eval.Rouge;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Extractive summaries by TextRank (Mihalcea & Tarau, 2004): sentences are nodes, edges weigh word
 * overlap |Si ∩ Sj| / (log|Si| + log|Sj|) on stemmed words, PageRank (d = 0.85) ranks them, and the
 * best are taken in document order up to a word budget. A book is ranked in windows of {@link
 * #WINDOW} sentences (a full graph over a book's tens of thousands of sentences would cost billions
 * of pairs), scores divided by their window's mean; {@link Extractive#choose} takes the best under
 * the word budget.
 */
public final class TextRank {
  static final int WINDOW = 400;
  private static final double DAMPING = 0.85;

  private TextRank() {}

  /** Sentences chosen for a summary of about {@code words} words, in document order. */
  public static List<Extractive.Sentence> summarize(
      List<Extractive.Sentence> sentences, int words) {
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
    return Extractive.choose(sentences, score, words);
  }

  /** PageRank over one window's sentence-similarity graph. */
  static double[] rank(List<List<String>> sentences) {
    int n = sentences.size();
    List<Set<String>> words = sentences.stream().map(s -> (Set<String>) new HashSet<>(s)).toList();
    double[][] weight = new double[n][n];
    double[] outSum = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        double w =
            similarity(
                words.get(i), sentences.get(i).size(), words.get(j), sentences.get(j).size());
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
}
