package io.infinispark.summary;

import io.infinispark.eval.Rouge;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A document as a reader would see it in a summary: its sentences of prose, with verse and line
 * numbers, headings, Project Gutenberg's front and back matter and inline markup dropped, each
 * sentence still mapped to its span in the original text (UTF-16 offsets into {@code
 * documents.text}). The headings that number a book's parts are kept aside: they cut its sections.
 *
 * <p>Cleaning works on a mask over the original characters rather than on a rewritten copy, so a
 * shown sentence is by construction a subsequence of its source span and the offsets never drift.
 */
public record Prose(List<Extractive.Sentence> sentences, List<Heading> headings) {

  /** A line that names a part of the book ("Genesis 12", "CHAPTER IV", "Book II. The Storm"). */
  public record Heading(int start, int end, String title) {}

  private static final Pattern GUTENBERG_START =
      Pattern.compile(
          "^\\*{3}\\s*START OF (THE|THIS) PROJECT GUTENBERG.*$", Pattern.CASE_INSENSITIVE);
  private static final Pattern GUTENBERG_END =
      Pattern.compile(
          "^(\\*{3}\\s*END OF (THE|THIS) PROJECT GUTENBERG.*|End of (the )?Project Gutenberg.*)$",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern VERSE_NUMBER =
      Pattern.compile("^\\s*(\\d{1,3}:)?\\d{1,3}\\s+(?=\\S)");
  private static final Pattern CHAPTER_VERSE = Pattern.compile("\\b\\d{1,3}:\\d{1,3}\\b\\s*");

  /**
   * "Chapter 3", "BOOK II. The Storm", "Part One", "Genesis 12", "1 Samuel 3": a part's name and
   * number. Roman numerals after a name in capitals only ("cursor dipped in X" is not one).
   */
  private static final Pattern PART_HEADING =
      Pattern.compile(
          "^(?i:chapter|book|part|section|canto|act|scene|letter|stave|volume|psalm)\\s+"
              + "(?i:\\d{1,4}|[ivxlcdm]{1,7}|one|two|three|four|five|six|seven|eight|nine|ten"
              + "|eleven|twelve|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth"
              + "|the\\s+\\p{L}+)\\b.*"
              + "|^(\\d\\s)?\\p{Lu}[\\p{L}'\\s]{0,40}\\s(\\d{1,4}|[IVXLCDM]{1,7})\\.?$",
          Pattern.UNICODE_CHARACTER_CLASS); // \\s also the no-break spaces of HTML-made texts

  /**
   * Markup whose content a reader keeps ({@code {grok}}, {@code _title_}, {@code *stress*}) and
   * markup dropped whole (footnote marks {@code [12]}, HTML tags).
   */
  private static final Pattern MARKUP =
      Pattern.compile(
          "\\{\\{?((?:[^{}\\n]|\\n(?!\\s*\\n)){1,80})\\}\\}?"
              + "|(?<![\\p{L}\\d_])_([^_\\s](?:[^_\\n]|\\n(?!\\s*\\n)|_(?=[^\\s_])){0,200}?)_(?![\\p{L}\\d_])"
              + "|(?<![\\p{L}\\d*])\\*([^*\\s][^*\\n]{0,80}?)\\*(?![\\p{L}\\d*])"
              + "|(?<!\\d)\\[\\d{1,3}\\](?!\\d)|</?[a-zA-Z][^<>\\n]{0,40}>");

  /**
   * A verse-numbered text: at least this share of its lines open with the number after the previous
   * such line's (1, 2, 3 …; a chapter restarts at 1), and at least {@link #VERSES} of them.
   */
  private static final double VERSE_LINES = 0.2;

  private static final int VERSES = 3;

  private static final int HEADING_MAX_WORDS = 8;

  /**
   * A book's opening sentence longer than this is shown as its clauses (cut after a semicolon or a
   * colon), each at most this long but for a clause longer alone: older books open with one
   * sentence of a hundred words or more (Romans 1:1–7), too long for any summary's opening, whose
   * first clause says who speaks, to whom and of what.
   */
  static final int OPENING_CLAUSE_WORDS = 45;

  public static Prose of(String text) {
    char[] shown = new char[text.length()]; // what a reader sees of each character; 0: dropped
    List<Line> lines = lines(text);
    int[] body = body(text, lines);
    boolean verses = verseNumbered(text, lines);
    List<Heading> headings = new ArrayList<>();
    List<int[]> blocks = new ArrayList<>();
    int blockStart = -1;
    for (int i = body[0]; i < body[1]; i++) {
      Line line = lines.get(i);
      boolean blank = line.isBlank(text) || isArt(line.text(text));
      boolean heading = !blank && isHeading(text, lines, i, body);
      if (blank || heading) {
        if (blockStart >= 0) {
          blocks.add(new int[] {blockStart, lines.get(i - 1).end});
          blockStart = -1;
        }
        String title = line.text(text).strip().replaceAll("(?U)\\s+", " ");
        if (heading && PART_HEADING.matcher(title).matches()) {
          headings.add(new Heading(line.start, line.end, title));
        }
        continue;
      }
      if (blockStart < 0) {
        blockStart = line.start;
      }
      showLine(text, line, verses, shown);
    }
    if (blockStart >= 0) {
      blocks.add(new int[] {blockStart, lines.get(body[1] - 1).end});
    }
    List<Extractive.Sentence> sentences = new ArrayList<>();
    for (int[] block : blocks) {
      dropMarkup(text, block[0], block[1], shown);
      sentences.addAll(sentences(text, shown, block[0], block[1], sentences.isEmpty()));
    }
    return new Prose(List.copyOf(sentences), List.copyOf(headings));
  }

  /**
   * The first {@code words} words of the prose (in ROUGE's words), the last sentence cut short if
   * need be: the lead baseline every summary method is measured against.
   */
  public List<Extractive.Sentence> lead(int words) {
    List<Extractive.Sentence> out = new ArrayList<>();
    int left = words;
    for (int i = 0; i < sentences.size() && left > 0; i++) {
      Extractive.Sentence s = sentences.get(i);
      int n = Rouge.wordCount(s.text());
      out.add(
          n <= left ? s : new Extractive.Sentence(s.start(), s.end(), firstWords(s.text(), left)));
      left -= n;
    }
    return out;
  }

  /** The longest prefix of {@code text}, cut at a space, of at most {@code words} words. */
  private static String firstWords(String text, int words) {
    int end = 0;
    while (end < text.length()) {
      int next = text.indexOf(' ', end + 1);
      next = next < 0 ? text.length() : next;
      if (Rouge.wordCount(text.substring(0, next)) > words) {
        break;
      }
      end = next;
    }
    return text.substring(0, end).strip();
  }

  private record Line(int start, int end) {
    String text(String source) {
      return source.substring(start, end);
    }

    boolean isBlank(String source) {
      return text(source).isBlank();
    }
  }

  private static List<Line> lines(String text) {
    List<Line> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= text.length(); i++) {
      if (i == text.length() || text.charAt(i) == '\n') {
        int end = i > start && text.charAt(i - 1) == '\r' ? i - 1 : i;
        lines.add(new Line(start, end));
        start = i + 1;
      }
    }
    return lines;
  }

  /** The lines between Project Gutenberg's start and end markers, or all of them. */
  private static int[] body(String text, List<Line> lines) {
    int from = 0;
    int to = lines.size();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).text(text).strip();
      if (GUTENBERG_START.matcher(line).matches() && from == 0) {
        from = i + 1;
      } else if (GUTENBERG_END.matcher(line).matches() && i >= from) {
        to = i;
        break;
      }
    }
    return new int[] {from, to};
  }

  private static boolean verseNumbered(String text, List<Line> lines) {
    int sequential = 0;
    int nonBlank = 0;
    int previous = 0;
    for (Line line : lines) {
      if (line.isBlank(text)) {
        continue;
      }
      nonBlank++;
      Matcher verse = VERSE_NUMBER.matcher(line.text(text));
      if (verse.find()) {
        String[] number = verse.group().strip().split(":");
        int n = Integer.parseInt(number[number.length - 1]);
        if (n == previous + 1 || n == 1) {
          sequential++;
        }
        previous = n;
      }
    }
    return sequential >= VERSES && sequential >= VERSE_LINES * nonBlank;
  }

  /**
   * Whether at least half of a sentence's tokens are words: letters, an apostrophe or hyphen,
   * punctuation around.
   */
  private static boolean readsAsWords(String sentence) {
    String[] tokens = sentence.split(" ");
    int words = 0;
    for (String token : tokens) {
      if (WORD.matcher(token).matches()) {
        words++;
      }
    }
    return 2 * words >= tokens.length;
  }

  private static final Pattern WORD =
      Pattern.compile("[\\p{Ps}\"'“‘]*[\\p{L}][\\p{L}'’-]*[\\p{Pe}\\p{Po}\"'”’]*");

  /**
   * ASCII art, rules, tables of figures: a line less than half of whose signs are letters, or with
   * one sign five times in a row ("IIIIIII[]", "-----"), which no prose word has.
   */
  private static boolean isArt(String line) {
    int signs = 0;
    int letters = 0;
    int run = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      run = i > 0 && c == line.charAt(i - 1) && !Character.isWhitespace(c) ? run + 1 : 1;
      if (run >= 5) {
        return true;
      }
      if (!Character.isWhitespace(c)) {
        signs++;
        letters += Character.isLetter(c) ? 1 : 0;
      }
    }
    return signs >= 4 && letters * 2 < signs;
  }

  /**
   * A short line standing alone between blank lines (or the text's ends), not ending as a sentence
   * does: a title, a chapter or section heading, a byline.
   */
  private static boolean isHeading(String text, List<Line> lines, int i, int[] body) {
    String line = lines.get(i).text(text).strip();
    boolean alone =
        (i == body[0] || lines.get(i - 1).isBlank(text))
            && (i + 1 >= body[1] || lines.get(i + 1).isBlank(text));
    if (!alone || line.split("\\s+").length > HEADING_MAX_WORDS) {
      return false;
    }
    char last = line.charAt(line.length() - 1);
    return ".!?;,:\"'”’)".indexOf(last) < 0 || PART_HEADING.matcher(line).matches();
  }

  /** Shows a line's characters but its verse number, and its line break as a space. */
  private static void showLine(String text, Line line, boolean verses, char[] shown) {
    int from = line.start;
    String s = line.text(text);
    if (verses) {
      Matcher verse = VERSE_NUMBER.matcher(s);
      if (verse.find()) {
        from += verse.end();
      }
    }
    for (int i = from; i < Math.min(line.end + 1, text.length()); i++) {
      shown[i] = Character.isWhitespace(text.charAt(i)) ? ' ' : text.charAt(i);
    }
    if (verses) {
      Matcher reference = CHAPTER_VERSE.matcher(s);
      while (reference.find()) {
        drop(shown, line.start + reference.start(), line.start + reference.end());
      }
    }
  }

  /**
   * Drops markup's signs and keeps its words: {@code {grok}} → grok, {@code _The_Forever_War_} →
   * The Forever War (a title's joining underscores read as spaces), footnote marks and tags whole.
   */
  private static void dropMarkup(String text, int from, int to, char[] shown) {
    Matcher markup = MARKUP.matcher(text).region(from, to);
    while (markup.find()) {
      int content = firstGroup(markup);
      if (content < 0) {
        drop(shown, markup.start(), markup.end());
        continue;
      }
      drop(shown, markup.start(), markup.start(content));
      drop(shown, markup.end(content), markup.end());
      for (int i = markup.start(content); i < markup.end(content); i++) {
        if (text.charAt(i) == '_' && shown[i] != 0) {
          shown[i] = ' ';
        }
      }
    }
  }

  private static int firstGroup(Matcher m) {
    for (int g = 1; g <= m.groupCount(); g++) {
      if (m.group(g) != null) {
        return g;
      }
    }
    return -1;
  }

  private static void drop(char[] shown, int from, int to) {
    for (int i = from; i < to; i++) {
      shown[i] = 0;
    }
  }

  /**
   * A block's sentences: its shown characters joined (whitespace collapsed), split by java.text's
   * English rules, each mapped back to the original span from its first to its last shown
   * character. In the book's first block, a long first sentence comes as its clauses.
   */
  private static List<Extractive.Sentence> sentences(
      String text, char[] shown, int from, int to, boolean opening) {
    StringBuilder joined = new StringBuilder();
    List<Integer> source = new ArrayList<>();
    for (int i = from; i < to; i++) {
      char c = shown[i];
      if (c == 0 || c == ' ' && (joined.isEmpty() || joined.charAt(joined.length() - 1) == ' ')) {
        continue;
      }
      joined.append(c);
      source.add(i);
    }
    BreakIterator boundaries = BreakIterator.getSentenceInstance(Locale.ENGLISH);
    String block = joined.toString();
    boundaries.setText(block);
    List<Extractive.Sentence> out = new ArrayList<>();
    for (int start = boundaries.first(), end = boundaries.next();
        end != BreakIterator.DONE;
        start = end, end = boundaries.next()) {
      String sentence = block.substring(start, end).strip();
      if (sentence.isEmpty()) {
        continue;
      }
      int first = start + block.substring(start, end).indexOf(sentence.charAt(0));
      int last = first + sentence.length() - 1;
      if (!readsAsWords(sentence)) {
        continue; // ":SMOP: /S·M·O·P/, n.": a dictionary's headword and pronunciation
      }
      if (Character.isLowerCase(sentence.charAt(0)) && !out.isEmpty()) {
        // "What? shall we receive good…": the break rules cut after a question the sentence goes on
        Extractive.Sentence previous = out.remove(out.size() - 1);
        out.add(
            new Extractive.Sentence(
                previous.start(), source.get(last) + 1, previous.text() + " " + sentence));
      } else {
        out.add(new Extractive.Sentence(source.get(first), source.get(last) + 1, sentence));
      }
    }
    if (opening && !out.isEmpty()) {
      Extractive.Sentence head = out.remove(0);
      // back from source offsets to the block's characters (source is ascending)
      int first = Collections.binarySearch(source, head.start());
      int last = Collections.binarySearch(source, head.end() - 1);
      out.addAll(0, clauses(block, source, first, last));
    }
    return out;
  }

  /**
   * The block's characters [first, last] as one sentence, or, if longer than {@link
   * #OPENING_CLAUSE_WORDS} words, as runs of its clauses of at most that many words each.
   */
  private static List<Extractive.Sentence> clauses(
      String block, List<Integer> source, int first, int last) {
    if (Rouge.wordCount(block.substring(first, last + 1)) <= OPENING_CLAUSE_WORDS) {
      return List.of(unit(block, source, first, last));
    }
    List<Extractive.Sentence> out = new ArrayList<>();
    int from = first; // where the run being grown starts
    int cut = -1; // the end of its last clause so far
    for (int i = first; i <= last; i++) {
      boolean clauseEnd =
          i == last
              || (block.charAt(i) == ';' || block.charAt(i) == ':') && block.charAt(i + 1) == ' ';
      if (!clauseEnd) {
        continue;
      }
      if (cut >= from && Rouge.wordCount(block.substring(from, i + 1)) > OPENING_CLAUSE_WORDS) {
        out.add(unit(block, source, from, cut));
        from = cut + 2; // past the clause's sign and the space after it
      }
      cut = i;
    }
    out.add(unit(block, source, from, last));
    return out;
  }

  private static Extractive.Sentence unit(String block, List<Integer> source, int first, int last) {
    return new Extractive.Sentence(
        source.get(first), source.get(last) + 1, block.substring(first, last + 1));
  }
}
