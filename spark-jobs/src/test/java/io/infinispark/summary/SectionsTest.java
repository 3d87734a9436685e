package io.infinispark.summary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infinispark.eval.Rouge;
import io.infinispark.testing.SampleBooks;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SectionsTest {
  private static String bible;

  @BeforeAll
  static void read() throws IOException {
    bible = SampleBooks.bible();
  }

  @Test
  void aBookIsCutAtItsChapterHeadingsIntoPartsOfAtLeastTheMinimum() {
    String genesis = bible.substring(bible.indexOf("Genesis 1\n"), bible.indexOf("Exodus 1\n"));
    Prose prose = Prose.of(genesis);
    List<Sections.Section> sections = Sections.of(prose, genesis.length());
    assertEquals("Genesis 1 – Genesis 3", sections.get(0).title());
    assertTrue(sections.get(sections.size() - 1).title().endsWith("Genesis 50"));
    assertContiguous(prose, sections, genesis);
    for (Sections.Section s : sections) {
      assertTrue(words(prose, s) >= Sections.MIN_WORDS, s + ": " + words(prose, s) + " words");
      // a part starts at a chapter heading, and its title names the chapters it holds
      assertTrue(genesis.startsWith(s.title().split(" – ")[0], s.start()), s.toString());
    }
  }

  @Test
  void aCollectionsPartsNeverSpanTwoBooks() {
    Prose prose = Prose.of(bible);
    List<Sections.Section> sections = Sections.of(prose, bible.length());
    assertContiguous(prose, sections, bible);
    assertTrue(sections.size() >= 64 && sections.size() <= 80, sections.size() + " sections");
    // only a book too short for a part of its own shares one with the next
    for (Sections.Section s : sections) {
      String[] ends = s.title().split(" – ");
      String first = ends[0].replaceAll(" \\d+$", "");
      if (List.of("Genesis", "Exodus", "Numbers", "Isaiah", "Matthew", "Acts").contains(first)) {
        assertTrue(ends.length == 1 || ends[1].startsWith(first + " "), s.toString());
      }
    }
    assertEquals(
        "Genesis 35 – Genesis 50",
        sections.stream()
            .filter(s -> s.title().endsWith("Genesis 50"))
            .findFirst()
            .orElseThrow()
            .title(),
        "a book's last short chapter closes its own last part");
  }

  @Test
  void withoutHeadingsATextIsCutIntoEqualSpans() throws IOException {
    String devil = SampleBooks.devilsDictionary();
    Prose prose = Prose.of(devil);
    List<Sections.Section> sections = Sections.of(prose, devil.length());
    long total = prose.sentences().stream().mapToLong(s -> Rouge.wordCount(s.text())).sum();
    int n = sections.size();
    assertEquals(Math.round((double) total / Sections.SPAN_WORDS), n);
    assertContiguous(prose, sections, devil);
    for (Sections.Section s : sections) {
      assertEquals("Part " + (s.index() + 1) + " of " + n, s.title());
      assertEquals(total / n, words(prose, s), 0.1 * total / n, s.toString());
    }
  }

  @Test
  void aShortTextHasNoSections() {
    String ruth = bible.substring(bible.indexOf("Ruth 1\n"), bible.indexOf("1 Samuel 1\n"));
    assertEquals(List.of(), Sections.of(Prose.of(ruth), ruth.length()), "2,667 words: one part");
  }

  /** Every sentence in exactly one part, in order, each part's span holding its sentences. */
  private static void assertContiguous(Prose prose, List<Sections.Section> sections, String text) {
    assertEquals(0, sections.get(0).from());
    assertEquals(prose.sentences().size(), sections.get(sections.size() - 1).to());
    for (int i = 0; i < sections.size(); i++) {
      Sections.Section s = sections.get(i);
      assertEquals(i, s.index());
      assertTrue(s.to() > s.from(), s.toString());
      assertTrue(i == 0 || sections.get(i - 1).to() == s.from(), s.toString());
      assertTrue(i == 0 || sections.get(i - 1).end() <= s.start(), s.toString());
      assertTrue(s.start() <= prose.sentences().get(s.from()).start(), s.toString());
      assertTrue(s.end() >= prose.sentences().get(s.to() - 1).end() && s.end() <= text.length());
    }
  }

  private static long words(Prose prose, Sections.Section s) {
    return prose.sentences().subList(s.from(), s.to()).stream()
        .mapToLong(x -> Rouge.wordCount(x.text()))
        .sum();
  }
}
