package io.infinispark.summary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infinispark.eval.Rouge;
import io.infinispark.testing.SampleBooks;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextRankTest {
  private static final String TEXT =
      "The whale swam deep under the grey northern sea. "
          + "Sailors on the ship watched the whale rise from the sea. "
          + "My aunt bakes excellent lemon cakes every Sunday afternoon. "
          + "The great whale struck the ship and the sea poured in. "
          + "At last the ship sank and the whale swam away into the sea.";

  @Test
  void picksTheCentralSentencesWithinTheBudgetInDocumentOrderWithTheirOffsets() {
    List<Extractive.Sentence> summary = TextRank.summarize(Prose.of(TEXT).sentences(), 22);
    assertFalse(summary.isEmpty());
    int words = summary.stream().mapToInt(s -> Rouge.tokens(s.text()).size()).sum();
    assertTrue(words <= 22, words + " words");
    assertTrue(
        summary.stream().noneMatch(s -> s.text().contains("lemon cakes")),
        "the outlier was chosen");
    for (int i = 0; i < summary.size(); i++) {
      Extractive.Sentence s = summary.get(i);
      assertEquals(s.text(), TEXT.substring(s.start(), s.end()));
      assertTrue(i == 0 || summary.get(i - 1).end() <= s.start(), "not in document order");
    }
  }

  @Test
  void theOutlierRanksLowestInPageRank() {
    List<Extractive.Sentence> sentences = Prose.of(TEXT).sentences();
    assertEquals(5, sentences.size());
    double[] rank = TextRank.rank(sentences.stream().map(s -> Rouge.tokens(s.text())).toList());
    for (int i = 0; i < rank.length; i++) {
      assertTrue(i == 2 || rank[i] > rank[2], "sentence " + i + " ranks below the outlier");
    }
  }

  @Test
  void aBookSummaryIsDeterministicAndSpreadOverTheBook() throws Exception {
    String bible = SampleBooks.bible();
    List<Extractive.Sentence> summary = TextRank.summarize(Prose.of(bible).sentences(), 400);
    assertEquals(summary, TextRank.summarize(Prose.of(bible).sentences(), 400));
    assertTrue(summary.size() >= 5, "only " + summary.size() + " sentences");
    assertTrue(
        summary.get(0).start() < bible.length() / 3
            && summary.get(summary.size() - 1).start() > bible.length() / 3,
        "the summary covers only one part of the book");
  }
}
