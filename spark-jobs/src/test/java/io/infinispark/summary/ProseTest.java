package io.infinispark.summary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infinispark.eval.Rouge;
import io.infinispark.testing.SampleBooks;
import java.io.IOException;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProseTest {
  private static final Pattern VERSE_START = Pattern.compile("^\\d+(:\\d+)?\\s");
  private static final Pattern MARKUP =
      Pattern.compile("\\{[\\w ,.-]+\\}|\\b_\\w|\\w_\\b|</?[a-z]+>|(?<!\\d)\\[\\d{1,3}\\](?!\\d)");

  @ParameterizedTest
  @ValueSource(strings = {"king-james-bible.txt", "devils-dictionary.txt", "jargon-file.txt"})
  void everyBundledTextReadsAsProseMappedToItsSource(String file) throws IOException {
    String text = SampleBooks.read(file);
    List<Extractive.Sentence> sentences = Prose.of(text).sentences();
    assertTrue(sentences.size() > 1_000, file + ": " + sentences.size() + " sentences");
    int previousEnd = 0;
    for (Extractive.Sentence s : sentences) {
      String shown = s.text();
      // (the Bible's verses are numbered; a Jargon File entry may well start "32 bits, …")
      assertFalse(
          file.contains("bible") && VERSE_START.matcher(shown).find(),
          file + " starts with a verse number: " + shown);
      assertFalse(MARKUP.matcher(shown).find(), file + " shows markup: " + shown);
      assertFalse(
          shown.contains("  ") || shown.contains("\n"), "whitespace not collapsed: " + shown);
      // the offsets: in order, from the sentence's first shown character to its last, and what is
      // shown is the source with characters dropped, never added or changed
      assertTrue(s.start() >= previousEnd, file + ": out of order at " + s.start());
      assertEquals(shown.charAt(0), text.charAt(s.start()), shown);
      assertEquals(shown.charAt(shown.length() - 1), text.charAt(s.end() - 1), shown);
      assertTrue(
          ShownText.dropsOnly(shown, text.substring(s.start(), s.end())),
          "not a subsequence of its source span: " + shown);
      previousEnd = s.end();
    }
  }

  @Test
  void versesLoseTheirNumbersAndChapterHeadingsBecomeHeadings() {
    String text =
        "Esther 5\n\n  1 Now it came to pass on the third day, that Esther put on her royal\n"
            + "apparel. And the king said unto her, What wilt thou?\n"
            + "  2 And Esther answered, If it seem good unto the king.\n\n"
            + "Esther 6\n\n  1 On that night could not the king sleep.\n";
    Prose prose = Prose.of(text);
    assertEquals(
        List.of(
            "Now it came to pass on the third day, that Esther put on her royal apparel.",
            "And the king said unto her, What wilt thou?",
            "And Esther answered, If it seem good unto the king.",
            "On that night could not the king sleep."),
        prose.sentences().stream().map(Extractive.Sentence::text).toList());
    assertEquals(
        List.of("Esther 5", "Esther 6"),
        prose.headings().stream().map(Prose.Heading::title).toList());
    Prose.Heading six = prose.headings().get(1);
    assertEquals("Esther 6", text.substring(six.start(), six.end()));
  }

  @Test
  void numbersOpeningLinesOfOrdinaryProseStay() {
    String text =
        "The war began in the summer, and nobody thought\n1914 would be a year of alarms; the\n"
            + "2 regiments marched at dawn,\n3 bands played, and\n4 bells rang.\n";
    assertEquals(
        "The war began in the summer, and nobody thought 1914 would be a year of alarms; the 2"
            + " regiments marched at dawn, 3 bands played, and 4 bells rang.",
        Prose.of(text).sentences().get(0).text());
  }

  @Test
  void markupKeepsItsWordsAndLosesItsSigns() {
    String text =
        "A {hacker} who {grok}ked the _Cynic's Word Book_ twice[12] said it was *very* <i>fine</i>.";
    Extractive.Sentence s = Prose.of(text).sentences().get(0);
    assertEquals(
        "A hacker who grokked the Cynic's Word Book twice said it was very fine.", s.text());
    assertEquals(0, s.start());
    assertEquals(text.length(), s.end());
  }

  @Test
  void aDictionarysHeadwordAndPronunciationAreNotASentence() {
    String text =
        ":SMOP: /S·M·O·P/, n.\n\n   [Simple (or Small) Matter of Programming] A piece of code,"
            + " not yet written, whose anticipated length is relatively small.\n";
    assertEquals(
        List.of(
            "[Simple (or Small) Matter of Programming] A piece of code, not yet written, whose"
                + " anticipated length is relatively small."),
        Prose.of(text).sentences().stream().map(Extractive.Sentence::text).toList());
  }

  @Test
  void projectGutenbergsFrontAndBackMatterAreNotTheBook() {
    String text =
        "The Project Gutenberg eBook of Tales, by A. Writer.\n\n"
            + "This eBook is for the use of anyone anywhere at no cost.\n\n"
            + "*** START OF THE PROJECT GUTENBERG EBOOK TALES ***\n\n"
            + "CHAPTER I\n\nThe sea was calm that night. Nobody slept.\n\n"
            + "*** END OF THE PROJECT GUTENBERG EBOOK TALES ***\n\n"
            + "Updated editions will replace the previous one.\n";
    Prose prose = Prose.of(text);
    assertEquals(
        List.of("The sea was calm that night.", "Nobody slept."),
        prose.sentences().stream().map(Extractive.Sentence::text).toList());
    assertEquals(
        List.of("CHAPTER I"), prose.headings().stream().map(Prose.Heading::title).toList());
  }

  /**
   * Romans opens with one sentence of seven verses; it comes as its clauses, each mapped to its own
   * span of the source, which together say the whole sentence. Later long sentences stay whole.
   */
  @Test
  void aLongOpeningSentenceComesAsItsClauses() throws IOException {
    String romans = SampleBooks.bibleBook("Romans 1", "1 Corinthians 1");
    List<Extractive.Sentence> sentences = Prose.of(romans).sentences();
    List<Extractive.Sentence> clauses =
        sentences.subList(
            0,
            sentences.indexOf(
                sentences.stream()
                    .filter(s -> s.text().startsWith("First, I thank my God"))
                    .findFirst()
                    .orElseThrow()));
    assertTrue(clauses.size() >= 3, "clauses: " + clauses.size());
    assertEquals(
        "Paul, a servant of Jesus Christ, called to be an apostle, separated unto the gospel of God,"
            + " (Which he had promised afore by his prophets in the holy scriptures,) Concerning his"
            + " Son Jesus Christ our Lord, which was made of the seed of David according to the"
            + " flesh;",
        clauses.get(0).text());
    String whole = String.join(" ", clauses.stream().map(Extractive.Sentence::text).toList());
    assertTrue(whole.endsWith("from God our Father, and the Lord Jesus Christ."), whole);
    int previousEnd = 0;
    for (Extractive.Sentence clause : clauses) {
      int words = Rouge.wordCount(clause.text());
      assertTrue(
          words <= Prose.OPENING_CLAUSE_WORDS || !clause.text().matches(".*[;:] .*"),
          "a run of clauses longer than the limit: " + clause.text());
      assertTrue(clause.start() >= previousEnd, "out of order: " + clause.text());
      assertEquals(clause.text().charAt(0), romans.charAt(clause.start()), clause.text());
      assertTrue(
          ShownText.dropsOnly(clause.text(), romans.substring(clause.start(), clause.end())),
          "not a subsequence of its source span: " + clause.text());
      previousEnd = clause.end();
    }
    assertTrue(
        sentences.stream()
            .skip(clauses.size())
            .anyMatch(s -> Rouge.wordCount(s.text()) > Prose.OPENING_CLAUSE_WORDS),
        "only the opening sentence is cut");
  }

  @Test
  void aQuestionTheSentenceGoesOnAfterIsNotCutOff() {
    String text =
        "But he said unto her, What? shall we receive good at the hand of God? He sinned not.";
    assertEquals(
        List.of(
            "But he said unto her, What? shall we receive good at the hand of God?",
            "He sinned not."),
        Prose.of(text).sentences().stream().map(Extractive.Sentence::text).toList());
  }

  @Test
  void titlesAndBylinesAreDroppedButOnlyNumberedPartsCutSections() {
    String text =
        "THE DEVIL'S DICTIONARY\n\nby\n\nAMBROSE BIERCE\n\nChapter 1. The Letter A\n\n"
            + "Abasement, n. A decent and customary mental attitude.\n\n"
            + "cursor dipped in X\n\nPart Two\n\nAbscond, v.i. To move in a mysterious way.\n";
    Prose prose = Prose.of(text);
    assertEquals(
        List.of("Chapter 1. The Letter A", "Part Two"),
        prose.headings().stream().map(Prose.Heading::title).toList());
    assertTrue(
        prose.sentences().stream().noneMatch(s -> s.text().contains("BIERCE")),
        "the byline is not prose");
  }

  @Test
  void theLeadIsTheFirstWordsOfTheProseCutToTheBudget() {
    String text =
        "Genesis 1\n\n  1 In the beginning God created the heaven and the earth.\n"
            + "  2 And the earth was without form, and void.\n"
            + "  3 And God said, Let there be light.\n";
    Prose prose = Prose.of(text);
    List<Extractive.Sentence> lead = prose.lead(14);
    assertEquals(2, lead.size());
    assertEquals("In the beginning God created the heaven and the earth.", lead.get(0).text());
    assertEquals("And the earth was", lead.get(1).text());
    assertEquals(14, lead.stream().mapToInt(s -> Rouge.wordCount(s.text())).sum());
    assertEquals(prose.sentences(), prose.lead(1_000), "a short text is its own lead");
  }
}
