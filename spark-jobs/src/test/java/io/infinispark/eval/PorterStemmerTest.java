package io.infinispark.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The stemmer gives NLTK's Porter stems (default mode), which is what rouge-score stems with. */
class PorterStemmerTest {
  @Test
  void agreesWithNltkOnEveryWordOfTheFixture() throws IOException {
    List<String> disagreements = new ArrayList<>();
    int words = 0;
    for (String line : fixture()) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      String[] wordAndStem = line.split("\t");
      words++;
      String stem = PorterStemmer.stem(wordAndStem[0]);
      if (!stem.equals(wordAndStem[1])) {
        disagreements.add(wordAndStem[0] + " → " + stem + ", NLTK: " + wordAndStem[1]);
      }
    }
    assertTrue(words > 2500, "fixture holds " + words + " words");
    assertEquals(List.of(), disagreements);
  }

  @Test
  void theExamplesOfPortersPaperAndNltksExtensions() {
    String[][] cases = {
      {"caresses", "caress"},
      {"ponies", "poni"},
      {"cats", "cat"},
      {"feed", "feed"},
      {"agreed", "agre"},
      {"plastered", "plaster"},
      {"motoring", "motor"},
      {"sing", "sing"},
      {"conflated", "conflat"},
      {"hopping", "hop"},
      {"falling", "fall"},
      {"filing", "file"},
      {"happy", "happi"},
      {"relational", "relat"},
      {"conditional", "condit"},
      {"triplicate", "triplic"},
      {"adjustment", "adjust"},
      {"controlling", "control"},
      {"generalization", "gener"},
      // NLTK's extensions
      {"dying", "die"},
      {"ties", "tie"},
      {"died", "die"},
      {"spied", "spi"},
      {"they", "they"},
      {"enjoy", "enjoy"},
      {"used", "use"},
      {"news", "news"},
      {"skies", "sky"},
      {"is", "is"},
      {"radically", "radic"},
      {"hopefully", "hope"},
      {"geology", "geolog"},
    };
    for (String[] c : cases) {
      assertEquals(c[1], PorterStemmer.stem(c[0]), c[0]);
    }
  }

  private static List<String> fixture() throws IOException {
    try (InputStream in = PorterStemmerTest.class.getResourceAsStream("/rouge/nltk-porter.tsv")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }
}
