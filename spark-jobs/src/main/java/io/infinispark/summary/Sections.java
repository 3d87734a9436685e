package io.infinispark.summary;

import io.infinispark.eval.Rouge;
import java.util.ArrayList;
import java.util.List;

/**
 * A book's parts, for summaries a reader can follow part by part: its chapter or section headings
 * where it has them (consecutive short chapters merged, so a part has at least {@link #MIN_WORDS}
 * words and a book at most {@link #MAX_SECTIONS} parts), else equal spans of about {@link
 * #SPAN_WORDS} words. A book too short for two parts has none.
 */
public final class Sections {
  static final int MIN_WORDS = 1_500;
  static final int SPAN_WORDS = 5_000;
  static final int MAX_SECTIONS = 64;

  /**
   * One part: its title, its span in the text (UTF-16 offsets, heading included) and its sentences
   * [{@code from}, {@code to}) in {@link Prose#sentences()}.
   */
  public record Section(int index, String title, int start, int end, int from, int to) {}

  private Sections() {}

  public static List<Section> of(Prose prose, int textLength) {
    List<Extractive.Sentence> sentences = prose.sentences();
    int[] words = sentences.stream().mapToInt(s -> Rouge.wordCount(s.text())).toArray();
    long total = 0;
    for (int w : words) {
      total += w;
    }
    if (total < 2L * MIN_WORDS) {
      return List.of();
    }
    List<Section> headed = byHeadings(prose, words, Math.max(MIN_WORDS, total / MAX_SECTIONS));
    return headed.size() >= 2 ? headed : equalSpans(sentences, words, total, textLength);
  }

  /**
   * One part per heading, merged forward until each has {@code minWords}; text before the first
   * heading opens the first part, and a short last part joins the one before it.
   */
  private static List<Section> byHeadings(Prose prose, int[] words, long minWords) {
    List<Prose.Heading> headings = prose.headings();
    List<Extractive.Sentence> sentences = prose.sentences();
    int[] firstSentence = new int[headings.size() + 1];
    for (int h = 1, i = 0; h < headings.size(); h++) {
      while (i < sentences.size() && sentences.get(i).start() < headings.get(h).end()) {
        i++;
      }
      firstSentence[h] = i;
    }
    firstSentence[headings.size()] = sentences.size();
    List<int[]> groups = new ArrayList<>(); // first heading, last heading
    int first = 0;
    long count = 0;
    for (int h = 0; h < headings.size(); h++) {
      for (int i = firstSentence[h]; i < firstSentence[h + 1]; i++) {
        count += words[i];
      }
      boolean bookEnds = h + 1 < headings.size() && !sameBook(headings.get(h), headings.get(h + 1));
      if (bookEnds && count < minWords / 2 && endsSameBook(groups, headings, h)) {
        groups.get(groups.size() - 1)[1] = h; // a book's last short chapters close its last part
        first = h + 1;
        count = 0;
      } else if (count >= minWords || bookEnds && count >= minWords / 2) {
        groups.add(new int[] {first, h});
        first = h + 1;
        count = 0;
      }
    }
    if (first < headings.size()) {
      if (groups.isEmpty()) {
        groups.add(new int[] {first, headings.size() - 1});
      } else {
        groups.get(groups.size() - 1)[1] = headings.size() - 1;
      }
    }
    List<Section> out = new ArrayList<>();
    for (int[] g : groups) {
      Prose.Heading from = headings.get(g[0]);
      Prose.Heading to = headings.get(g[1]);
      int sentenceFrom = firstSentence[g[0]];
      int sentenceTo = firstSentence[g[1] + 1];
      int start =
          g[0] == 0 && sentenceTo > 0
              ? Math.min(from.start(), sentences.get(0).start())
              : from.start();
      int end = sentenceTo > sentenceFrom ? sentences.get(sentenceTo - 1).end() : to.end();
      String title = g[0] == g[1] ? from.title() : from.title() + " – " + to.title();
      out.add(new Section(out.size(), title, start, end, sentenceFrom, sentenceTo));
    }
    return out;
  }

  private static boolean endsSameBook(List<int[]> groups, List<Prose.Heading> headings, int h) {
    return !groups.isEmpty()
        && sameBook(headings.get(groups.get(groups.size() - 1)[1]), headings.get(h));
  }

  /** "Genesis 50" and "Exodus 1" name parts of two books of a collection; "Genesis 49" not. */
  private static boolean sameBook(Prose.Heading a, Prose.Heading b) {
    return name(a).equals(name(b));
  }

  private static String name(Prose.Heading h) {
    return h.title().replaceAll("\\s*\\b(\\d{1,4}|[IVXLCDM]{1,7})\\.?$", "");
  }

  /** Equal spans of whole sentences, about {@link #SPAN_WORDS} words each. */
  private static List<Section> equalSpans(
      List<Extractive.Sentence> sentences, int[] words, long total, int textLength) {
    int n = (int) Math.max(2, Math.min(MAX_SECTIONS, Math.round((double) total / SPAN_WORDS)));
    List<Section> out = new ArrayList<>();
    int from = 0;
    long seen = 0;
    for (int i = 0; i < sentences.size(); i++) {
      seen += words[i];
      boolean cut = seen * n >= total * (out.size() + 1) || i == sentences.size() - 1;
      if (cut && i + 1 > from) {
        int index = out.size();
        out.add(
            new Section(
                index,
                "Part " + (index + 1) + " of " + n,
                index == 0 ? 0 : sentences.get(from).start(),
                i == sentences.size() - 1 ? textLength : sentences.get(i).end(),
                from,
                i + 1));
        from = i + 1;
      }
    }
    return out;
  }
}
