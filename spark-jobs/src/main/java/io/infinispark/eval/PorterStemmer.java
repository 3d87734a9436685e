package io.infinispark.eval;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Porter's suffix-stripping algorithm (Porter, 1980) with the extensions NLTK applies in its
 * default mode ({@code NLTK_EXTENSIONS}) — the stemmer Google's rouge-score package uses, so ROUGE
 * with stemming gives its numbers. The extensions, against the published algorithm: a table of
 * irregular words (dying → die, skies → sky, news → news, ...); words of one or two letters are
 * left alone; 4-letter -ies/-ied keep their e (dies → die, tied → tie); -ied → i otherwise; a
 * two-letter vowel–consonant stem counts as cvc (us(ed) → use); y → i only after a consonant that
 * is not the word's first letter (they, enjoy stay); -alli → al is tried first and the result
 * stemmed again; -bli → ble (for -abli); -fulli → ful and -logi → log are added to step 2.
 *
 * <p>A rule whose suffix matches decides the step, whether or not its condition holds: later rules
 * of the same step are not tried (Porter's longest-match rule, given the order of the lists).
 */
public final class PorterStemmer {
  /**
   * A step's rule: replace {@code suffix} by {@code replacement} when the remaining stem passes.
   */
  private record Rule(String suffix, String replacement, Predicate<String> stemCondition) {}

  private static final Map<String, String> IRREGULAR =
      Map.ofEntries(
          Map.entry("sky", "sky"),
          Map.entry("skies", "sky"),
          Map.entry("dying", "die"),
          Map.entry("lying", "lie"),
          Map.entry("tying", "tie"),
          Map.entry("news", "news"),
          Map.entry("innings", "inning"),
          Map.entry("inning", "inning"),
          Map.entry("outings", "outing"),
          Map.entry("outing", "outing"),
          Map.entry("cannings", "canning"),
          Map.entry("canning", "canning"),
          Map.entry("howe", "howe"),
          Map.entry("proceed", "proceed"),
          Map.entry("exceed", "exceed"),
          Map.entry("succeed", "succeed"));

  private static final Predicate<String> M_ABOVE_0 = stem -> measure(stem) > 0;
  private static final Predicate<String> M_ABOVE_1 = stem -> measure(stem) > 1;

  private static final List<Rule> STEP_2 =
      List.of(
          new Rule("ational", "ate", M_ABOVE_0),
          new Rule("tional", "tion", M_ABOVE_0),
          new Rule("enci", "ence", M_ABOVE_0),
          new Rule("anci", "ance", M_ABOVE_0),
          new Rule("izer", "ize", M_ABOVE_0),
          new Rule("bli", "ble", M_ABOVE_0),
          // no -alli rule: step2 tries it first, and a word still ending -alli here (m = 0) stays
          // as it is
          new Rule("entli", "ent", M_ABOVE_0),
          new Rule("eli", "e", M_ABOVE_0),
          new Rule("ousli", "ous", M_ABOVE_0),
          new Rule("ization", "ize", M_ABOVE_0),
          new Rule("ation", "ate", M_ABOVE_0),
          new Rule("ator", "ate", M_ABOVE_0),
          new Rule("alism", "al", M_ABOVE_0),
          new Rule("iveness", "ive", M_ABOVE_0),
          new Rule("fulness", "ful", M_ABOVE_0),
          new Rule("ousness", "ous", M_ABOVE_0),
          new Rule("aliti", "al", M_ABOVE_0),
          new Rule("iviti", "ive", M_ABOVE_0),
          new Rule("biliti", "ble", M_ABOVE_0),
          new Rule("fulli", "ful", M_ABOVE_0),
          // the l stays with the stem when measuring, so geo-logi and theo-logi shorten too
          new Rule("logi", "log", stem -> measure(stem + "l") > 0));

  private static final List<Rule> STEP_3 =
      List.of(
          new Rule("icate", "ic", M_ABOVE_0),
          new Rule("ative", "", M_ABOVE_0),
          new Rule("alize", "al", M_ABOVE_0),
          new Rule("iciti", "ic", M_ABOVE_0),
          new Rule("ical", "ic", M_ABOVE_0),
          new Rule("ful", "", M_ABOVE_0),
          new Rule("ness", "", M_ABOVE_0));

  private static final List<Rule> STEP_4 =
      List.of(
          new Rule("al", "", M_ABOVE_1),
          new Rule("ance", "", M_ABOVE_1),
          new Rule("ence", "", M_ABOVE_1),
          new Rule("er", "", M_ABOVE_1),
          new Rule("ic", "", M_ABOVE_1),
          new Rule("able", "", M_ABOVE_1),
          new Rule("ible", "", M_ABOVE_1),
          new Rule("ant", "", M_ABOVE_1),
          new Rule("ement", "", M_ABOVE_1),
          new Rule("ment", "", M_ABOVE_1),
          new Rule("ent", "", M_ABOVE_1),
          new Rule(
              "ion", "", stem -> measure(stem) > 1 && (stem.endsWith("s") || stem.endsWith("t"))),
          new Rule("ou", "", M_ABOVE_1),
          new Rule("ism", "", M_ABOVE_1),
          new Rule("ate", "", M_ABOVE_1),
          new Rule("iti", "", M_ABOVE_1),
          new Rule("ous", "", M_ABOVE_1),
          new Rule("ive", "", M_ABOVE_1),
          new Rule("ize", "", M_ABOVE_1));

  private PorterStemmer() {}

  public static String stem(String word) {
    String w = word.toLowerCase(Locale.ROOT);
    String irregular = IRREGULAR.get(w);
    if (irregular != null) {
      return irregular;
    }
    if (w.length() <= 2) {
      return w;
    }
    w = step1a(w);
    w = step1b(w);
    w = step1c(w);
    w = step2(w);
    w = firstRule(w, STEP_3);
    w = firstRule(w, STEP_4);
    w = step5a(w);
    return step5b(w);
  }

  /** Plurals: sses → ss, ies → i (ie in 4-letter words), ss stays, s → nothing. */
  private static String step1a(String w) {
    if (w.endsWith("sses")) {
      return cut(w, 2);
    }
    if (w.endsWith("ies")) {
      return cut(w, 3) + (w.length() == 4 ? "ie" : "i");
    }
    if (w.endsWith("ss")) {
      return w;
    }
    return w.endsWith("s") ? cut(w, 1) : w;
  }

  /**
   * Past tenses and participles: -eed, -ed, -ing, then tidying the stem so later steps see it
   * whole.
   */
  private static String step1b(String w) {
    if (w.endsWith("ied")) {
      return cut(w, 3) + (w.length() == 4 ? "ie" : "i");
    }
    if (w.endsWith("eed")) {
      String stem = cut(w, 3);
      return measure(stem) > 0 ? stem + "ee" : w;
    }
    String stem = null;
    if (w.endsWith("ed") && containsVowel(cut(w, 2))) {
      stem = cut(w, 2);
    } else if (w.endsWith("ing") && containsVowel(cut(w, 3))) {
      stem = cut(w, 3);
    }
    if (stem == null) {
      return w;
    }
    if (stem.endsWith("at") || stem.endsWith("bl") || stem.endsWith("iz")) {
      return stem + "e"; // conflat(ed) → conflate
    }
    if (endsWithDoubleConsonant(stem)) {
      char last = stem.charAt(stem.length() - 1);
      return last == 'l' || last == 's' || last == 'z' ? stem : cut(stem, 1); // hopp(ing) → hop
    }
    return measure(stem) == 1 && endsCvc(stem) ? stem + "e" : stem; // fil(ing) → file
  }

  /** y → i after a consonant that is not the word's first letter: happy → happi, but sky, they. */
  private static String step1c(String w) {
    if (!w.endsWith("y")) {
      return w;
    }
    String stem = cut(w, 1);
    return stem.length() > 1 && isConsonant(stem, stem.length() - 1) ? stem + "i" : w;
  }

  private static String step2(String w) {
    if (w.endsWith("alli") && measure(cut(w, 4)) > 0) {
      return step2(cut(w, 4) + "al");
    }
    return firstRule(w, STEP_2);
  }

  /** (m > 1) e → ; (m = 1 and not *o) e → : probate → probat, cease → ceas, rate stays. */
  private static String step5a(String w) {
    if (!w.endsWith("e")) {
      return w;
    }
    String stem = cut(w, 1);
    int m = measure(stem);
    return m > 1 || (m == 1 && !endsCvc(stem)) ? stem : w;
  }

  /** (m > 1 and *d and *L) → single letter: controll → control, roll stays. */
  private static String step5b(String w) {
    return w.endsWith("ll") && measure(cut(w, 1)) > 1 ? cut(w, 1) : w;
  }

  private static String firstRule(String w, List<Rule> rules) {
    for (Rule rule : rules) {
      if (w.endsWith(rule.suffix())) {
        String stem = cut(w, rule.suffix().length());
        return rule.stemCondition().test(stem) ? stem + rule.replacement() : w;
      }
    }
    return w;
  }

  /** A consonant is a letter other than a, e, i, o, u, and other than y after a consonant. */
  static boolean isConsonant(String w, int i) {
    char c = w.charAt(i);
    if (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u') {
      return false;
    }
    if (c == 'y') {
      return i == 0 || !isConsonant(w, i - 1);
    }
    return true;
  }

  /** m in [C](VC)^m[V]: the number of vowel-run → consonant-run transitions. */
  static int measure(String stem) {
    int m = 0;
    for (int i = 1; i < stem.length(); i++) {
      if (!isConsonant(stem, i - 1) && isConsonant(stem, i)) {
        m++;
      }
    }
    return m;
  }

  private static boolean containsVowel(String stem) {
    for (int i = 0; i < stem.length(); i++) {
      if (!isConsonant(stem, i)) {
        return true;
      }
    }
    return false;
  }

  /** *d: ends with the same consonant twice. */
  private static boolean endsWithDoubleConsonant(String w) {
    int n = w.length();
    return n >= 2 && w.charAt(n - 1) == w.charAt(n - 2) && isConsonant(w, n - 1);
  }

  /**
   * *o: ends consonant–vowel–consonant, the last not w, x or y; or is a two-letter vowel–consonant.
   */
  private static boolean endsCvc(String w) {
    int n = w.length();
    if (n == 2) {
      return !isConsonant(w, 0) && isConsonant(w, 1);
    }
    char last = w.charAt(n - 1);
    return n >= 3
        && isConsonant(w, n - 3)
        && !isConsonant(w, n - 2)
        && isConsonant(w, n - 1)
        && last != 'w'
        && last != 'x'
        && last != 'y';
  }

  private static String cut(String w, int letters) {
    return w.substring(0, w.length() - letters);
  }
}
