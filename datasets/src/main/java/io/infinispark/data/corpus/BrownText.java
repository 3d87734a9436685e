package io.infinispark.data.corpus;

import java.util.ArrayList;
import java.util.List;

/** Brown corpus form C ("word/tag" tokens) back to running text. */
final class BrownText {
  private BrownText() {}

  /**
   * Drops each token's "/tag", rejoins words with the usual spacing, one paragraph per sentence
   * group.
   */
  static String untag(String tagged) {
    List<String> paragraphs = new ArrayList<>();
    for (String block : tagged.split("\\n\\s*\\n")) {
      StringBuilder line = new StringBuilder();
      for (String token : block.trim().split("\\s+")) {
        int slash = token.lastIndexOf('/');
        String word = slash > 0 ? token.substring(0, slash) : token;
        if (word.isEmpty()) {
          continue;
        }
        word = word.equals("``") || word.equals("''") ? "\"" : word;
        boolean attach =
            word.matches("[.,;:!?)\\]}]+|'s|'S|n't|'re|'ve|'ll|'d|'m")
                || (word.equals("\"") && quoteIsClosing(line));
        if (line.length() > 0 && !attach && !endsWithOpening(line)) {
          line.append(' ');
        }
        line.append(word);
      }
      if (line.length() > 0) {
        paragraphs.add(line.toString());
      }
    }
    return String.join(" ", paragraphs).replaceAll(" {2,}", " ").strip();
  }

  /** A quote closes when the text so far has an odd number of quotes. */
  private static boolean quoteIsClosing(StringBuilder line) {
    return line.chars().filter(c -> c == '"').count() % 2 == 1;
  }

  private static boolean endsWithOpening(StringBuilder line) {
    char last = line.charAt(line.length() - 1);
    return last == '(' || last == '[' || (last == '"' && quoteIsClosing(line));
  }
}
