package io.infinispark.summary;

import io.infinispark.eval.Rouge;
import java.util.Set;

/**
 * English function words, in ROUGE's stemmed form, that say nothing about what a sentence is about:
 * the common list, plus the Early Modern English of the older books in our corpora (thee, unto,
 * hath) and the verbs of narration (said, came, went) that every page of a story repeats.
 */
final class StopWords {
  private static final Set<String> WORDS =
      Set.copyOf(
          Rouge.tokens(
              String.join(
                  " ",
                  "a about above after again against all also am an and any are as at be because",
                  "been before being below between both but by can could did do does doing down",
                  "during each even every few for from further had has have having he her here",
                  "hers herself him himself his how i if in into is it its itself let me more most",
                  "my myself no nor not now of off on once only or other our ours ourselves out",
                  "over own same she should so some such than that the their theirs them",
                  "themselves then there these they this those through to too under until up upon",
                  "very was we were what when where which while who whom why will with would you",
                  "your yours yourself yourselves",
                  "thee thou thy thine ye unto hath doth art shalt wilt hast saith yea lo o",
                  "behold therefore wherefore thereof therein",
                  "said say says shall may might must one two three came come went go made make",
                  "thing things man men day days great",
                  // what ROUGE's tokenizer leaves of "one's", "don't", "we'll", "I'm", "they've"
                  "s t d ll re ve m")));

  private StopWords() {}

  /** Whether a ROUGE token carries content: not a function word, not a number. */
  static boolean isContent(String token) {
    return !WORDS.contains(token) && !token.chars().allMatch(Character::isDigit);
  }
}
