package io.infinispark.summary;

import io.infinispark.eval.Rouge;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The default extractive summary: a book told from its opening to its ending, each stretch of it
 * represented by the sentences that carry its own story.
 *
 * <ol>
 *   <li>The opening sentences, for {@link #OPENING_SHARE} of the budget (the first sentence whole
 *       even if longer), and the closing ones, for {@link #ENDING_SHARE}: a plot summary sets the
 *       scene and ends where the book ends, which is why the lead baseline is hard to beat.
 *   <li>The rest of the budget over equal parts of what lies between (one part per {@link
 *       #WORDS_PER_PART} words of budget), in order, so the summary follows the whole book.
 *   <li>In each part, sentences ranked by the salience of their content words (SumBasic's word
 *       probabilities, Nenkova &amp; Vanderwende 2005), half from the whole book and half from the
 *       part itself weighted by how particular the word is to this part (tf·idf over the parts):
 *       the book's main people, and the people and things of this episode. A sentence's score is
 *       the sum over its distinct content words, divided by √length so neither the shortest nor the
 *       longest sentences win by length alone.
 *   <li>Greedy under the part's budget (what a part leaves unused passes to the next; none is ever
 *       exceeded), skipping a sentence whose content words overlap one already chosen by more than
 *       {@link #MAX_OVERLAP} (Jaccard): the genealogies and the repeated commands of a book say the
 *       same thing many times. Tallies (two numbers or more: census lines, inventories) rank last.
 *       Budget left at the end goes to the best remaining sentences.
 * </ol>
 *
 * Measured against the lead baseline and TextRank in README ("Summaries").
 */
public final class CoverageSummary {
  static final double OPENING_SHARE = 0.2;
  static final double ENDING_SHARE = 0.15;
  static final int WORDS_PER_PART = 50;
  static final double MAX_OVERLAP = 0.5;

  /** Shorter sentences are headings' leftovers and exclamations; longer ones eat the budget. */
  static final int MIN_WORDS = 5;

  static final int MAX_WORDS = 60;

  /** Spelled-out numbers, the way older books count (threescore and ten). */
  private static final Set<String> NUMBER_WORDS =
      Set.copyOf(
          Rouge.tokens(
              "one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
                  + " fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty"
                  + " seventy eighty ninety hundred hundreds thousand thousands score threescore"
                  + " fourscore"));

  private CoverageSummary() {}

  /**
   * A census line, a tally or an inventory ("The children of Harim, three hundred and twenty."):
   * two numbers or more. Its names are salient within its part because a list repeats them, yet it
   * tells nothing of the story, so it ranks below every sentence that is not one.
   */
  static boolean isTally(List<String> sentence) {
    int numbers = 0;
    for (String w : sentence) {
      if (NUMBER_WORDS.contains(w) || w.chars().allMatch(Character::isDigit)) {
        numbers++;
      }
    }
    return numbers >= 2;
  }

  /** About {@code words} words (never more) of the text's sentences, in document order. */
  public static List<Extractive.Sentence> summarize(
      List<Extractive.Sentence> sentences, int words) {
    List<List<String>> tokens = sentences.stream().map(s -> Rouge.tokens(s.text())).toList();
    Choice choice = new Choice(tokens, words);
    int first = choice.takeOpening();
    int end = choice.takeEnding(first);
    choice.takeParts(first, end, contentProbabilities(tokens, 0, tokens.size()));
    choice.fill(first, end);
    return choice.chosen().stream().map(sentences::get).toList();
  }

  /** Each content word's share of all content words in sentences [from, to). */
  static Map<String, Double> contentProbabilities(List<List<String>> tokens, int from, int to) {
    Map<String, Double> p = new HashMap<>();
    int total = 0;
    for (List<String> sentence : tokens.subList(from, to)) {
      for (String w : sentence) {
        if (StopWords.isContent(w)) {
          p.merge(w, 1.0, Double::sum);
          total++;
        }
      }
    }
    for (Map.Entry<String, Double> e : p.entrySet()) {
      e.setValue(e.getValue() / total);
    }
    return p;
  }

  /** The sentences chosen so far and the budget they use. */
  private static final class Choice {
    private final List<List<String>> tokens;
    private final int words;
    private final List<Set<String>> content; // each sentence's distinct content words
    private final boolean[] taken;
    private final List<Integer> chosen = new ArrayList<>();
    private double[] score;
    private int used;

    Choice(List<List<String>> tokens, int words) {
      this.tokens = tokens;
      this.words = words;
      this.content = tokens.stream().map(Choice::contentWords).toList();
      this.taken = new boolean[tokens.size()];
    }

    /**
     * The opening sentences for {@link #OPENING_SHARE} of the budget, and the first one whole even
     * beyond that share if it is a usable length and at most half the budget: a book that opens
     * with one long sentence ("The words of Amos, who was among the herdmen of Tekoa, … concerning
     * Israel") says there what it is about.
     */
    int takeOpening() {
      int budget = (int) (words * OPENING_SHARE);
      if (!tokens.isEmpty() && length(0) <= Math.min(MAX_WORDS, words / 2)) {
        budget = Math.max(budget, length(0));
      }
      int i = 0;
      for (int taken = 0; i < tokens.size() && taken + length(i) <= budget; i++) {
        taken += length(i);
        add(i);
      }
      return i;
    }

    /**
     * The closing sentences, read back from the end; trailing fragments shorter than {@link
     * #MIN_WORDS} ("Amen.", a signature) are passed over, as everywhere else, so the ending is the
     * book's last real sentences rather than its last few words.
     */
    int takeEnding(int first) {
      int budget = (int) (words * ENDING_SHARE);
      int i = tokens.size();
      while (i - 1 >= first && length(i - 1) < MIN_WORDS) {
        i--;
      }
      for (int taken = 0; i - 1 >= first && taken + length(i - 1) <= budget; i--) {
        taken += length(i - 1);
        add(i - 1);
      }
      return i;
    }

    void takeParts(int first, int end, Map<String, Double> book) {
      int left = words - used;
      int parts = Math.max(1, Math.min(end - first, left / WORDS_PER_PART));
      score = new double[tokens.size()];
      List<Map<String, Double>> partCounts = new ArrayList<>();
      Map<String, Integer> partsWith = new HashMap<>();
      for (int part = 0; part < parts; part++) {
        Map<String, Double> counts =
            contentProbabilities(
                tokens, from(first, end, parts, part), from(first, end, parts, part + 1));
        partCounts.add(counts);
        counts.keySet().forEach(w -> partsWith.merge(w, 1, Integer::sum));
      }
      int carry = 0;
      for (int part = 0; part < parts; part++) {
        Map<String, Double> salience = new HashMap<>();
        for (Map.Entry<String, Double> e : partCounts.get(part).entrySet()) {
          double particular = Math.log(1 + (double) parts / partsWith.get(e.getKey()));
          salience.put(e.getKey(), 0.5 * book.get(e.getKey()) + 0.5 * e.getValue() * particular);
        }
        int from = from(first, end, parts, part);
        int to = from(first, end, parts, part + 1);
        for (int i = from; i < to; i++) {
          score[i] = score(tokens.get(i), salience);
        }
        carry = takeBest(from, to, left / parts + carry);
      }
    }

    /** Budget left over at the end: the best remaining sentences anywhere in the middle. */
    void fill(int first, int end) {
      takeBest(first, end, words - used);
    }

    /** The best sentences of [from, to) that fit {@code budget}; returns the budget not used. */
    private int takeBest(int from, int to, int budget) {
      while (true) {
        int best = -1;
        for (int i = from; i < to; i++) {
          if (usable(i, budget) && (best < 0 || score[i] > score[best])) {
            best = i;
          }
        }
        if (best < 0) {
          return budget;
        }
        add(best);
        budget -= length(best);
      }
    }

    private boolean usable(int i, int budget) {
      int n = length(i);
      return n >= MIN_WORDS
          && n <= MAX_WORDS
          && n <= budget
          && used + n <= words
          && !taken[i]
          && !repeats(content.get(i));
    }

    /**
     * Whether some chosen sentence shares more than {@link #MAX_OVERLAP} (Jaccard) of these words.
     */
    private boolean repeats(Set<String> words) {
      for (int o : chosen) {
        Set<String> other = content.get(o);
        long shared = words.stream().filter(other::contains).count();
        long union = words.size() + other.size() - shared;
        if (union > 0 && (double) shared / union > MAX_OVERLAP) {
          return true;
        }
      }
      return false;
    }

    private static Set<String> contentWords(List<String> sentence) {
      Set<String> out = new HashSet<>();
      for (String w : sentence) {
        if (StopWords.isContent(w)) {
          out.add(w);
        }
      }
      return out;
    }

    private void add(int i) {
      chosen.add(i);
      taken[i] = true;
      used += length(i);
    }

    private int length(int i) {
      return tokens.get(i).size();
    }

    List<Integer> chosen() {
      return chosen.stream().sorted().toList();
    }

    private static int from(int first, int end, int parts, int part) {
      return first + (int) ((long) (end - first) * part / parts);
    }

    private static double score(List<String> sentence, Map<String, Double> salience) {
      Set<String> seen = new HashSet<>();
      double sum = 0;
      for (String w : sentence) {
        if (salience.containsKey(w) && seen.add(w)) {
          sum += salience.get(w);
        }
      }
      return isTally(sentence) ? 0 : sum / Math.sqrt(Math.max(1, sentence.size()));
    }
  }
}
