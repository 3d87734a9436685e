package io.infinispark.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * ROUGE-1, ROUGE-2 and ROUGE-L (Lin, 2004) as Google's rouge-score package computes them: text is
 * lowercased, every run of characters other than a–z and 0–9 becomes a space, tokens longer than
 * three characters are Porter-stemmed; precision, recall and F1 from clipped n-gram counts (N) or
 * the longest common subsequence (L). With several references, each metric takes the reference that
 * gives the best F1, as rouge-score's {@code score_multi} does. The stemmer is Porter's with NLTK's
 * extensions, as rouge-score's ({@link PorterStemmer}).
 */
public final class Rouge {
  /** Precision, recall and F1 of one metric. */
  public record Score(double precision, double recall, double f1) {
    static Score of(long overlap, long candidateCount, long referenceCount) {
      double p = candidateCount == 0 ? 0 : (double) overlap / candidateCount;
      double r = referenceCount == 0 ? 0 : (double) overlap / referenceCount;
      return new Score(p, r, p + r == 0 ? 0 : 2 * p * r / (p + r));
    }
  }

  /** The three metrics for one candidate. */
  public record Scores(Score rouge1, Score rouge2, Score rougeL) {}

  private Rouge() {}

  public static Scores score(String reference, String candidate) {
    List<String> ref = tokens(reference);
    List<String> cand = tokens(candidate);
    return new Scores(ngrams(ref, cand, 1), ngrams(ref, cand, 2), lcs(ref, cand));
  }

  /** Per metric, the best F1 over the references. */
  public static Scores best(List<String> references, String candidate) {
    if (references.isEmpty()) {
      throw new IllegalArgumentException("no reference to score against");
    }
    Score r1 = null;
    Score r2 = null;
    Score rl = null;
    for (String reference : references) {
      Scores s = score(reference, candidate);
      r1 = r1 == null || s.rouge1().f1() > r1.f1() ? s.rouge1() : r1;
      r2 = r2 == null || s.rouge2().f1() > r2.f1() ? s.rouge2() : r2;
      rl = rl == null || s.rougeL().f1() > rl.f1() ? s.rougeL() : rl;
    }
    return new Scores(r1, r2, rl);
  }

  /** rouge-score's tokenizer with stemming on. */
  public static List<String> tokens(String text) {
    List<String> out = new ArrayList<>();
    for (String word : words(text)) {
      out.add(word.length() > 3 ? PorterStemmer.stem(word) : word);
    }
    return out;
  }

  /** How many tokens {@link #tokens} gives: the length of a text in ROUGE's words. */
  public static int wordCount(String text) {
    return words(text).size();
  }

  /** The text lowercased and cut at every run of characters other than a–z and 0–9. */
  private static List<String> words(String text) {
    List<String> out = new ArrayList<>();
    for (String word :
        text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", " ").trim().split(" ")) {
      if (!word.isEmpty()) {
        out.add(word);
      }
    }
    return out;
  }

  static Score ngrams(List<String> reference, List<String> candidate, int n) {
    Map<List<String>, Integer> referenceCounts = counts(reference, n);
    Map<List<String>, Integer> candidateCounts = counts(candidate, n);
    long overlap = 0;
    for (Map.Entry<List<String>, Integer> e : candidateCounts.entrySet()) {
      overlap += Math.min(e.getValue(), referenceCounts.getOrDefault(e.getKey(), 0));
    }
    return Score.of(
        overlap, Math.max(0, candidate.size() - n + 1), Math.max(0, reference.size() - n + 1));
  }

  static Score lcs(List<String> reference, List<String> candidate) {
    int[] previous = new int[candidate.size() + 1];
    int[] current = new int[candidate.size() + 1];
    for (String r : reference) {
      for (int j = 1; j <= candidate.size(); j++) {
        current[j] =
            r.equals(candidate.get(j - 1))
                ? previous[j - 1] + 1
                : Math.max(previous[j], current[j - 1]);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return Score.of(previous[candidate.size()], candidate.size(), reference.size());
  }

  private static Map<List<String>, Integer> counts(List<String> tokens, int n) {
    Map<List<String>, Integer> counts = new HashMap<>();
    for (int i = 0; i + n <= tokens.size(); i++) {
      counts.merge(tokens.subList(i, i + n), 1, Integer::sum);
    }
    return counts;
  }
}
