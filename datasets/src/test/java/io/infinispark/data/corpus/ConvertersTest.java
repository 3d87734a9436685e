package io.infinispark.data.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.Test;

/** The text converters of the local corpus, on small inputs in each package's own format. */
class ConvertersTest {
  @Test
  void brownTagsAreStrippedAndTheTextReadsNormally() {
    String tagged =
        "\n\n\tThe/at jury/nn said/vbd ``/`` no/at evidence/nn ''/'' that/cs any/dti "
            + "irregularities/nns took/vbd place/nn ./.\n\n\n\tIt/pps didn't/dod* ,/, however/rb ./.\n";
    assertEquals(
        "The jury said \"no evidence\" that any irregularities took place. It didn't, however.",
        BrownText.untag(tagged));
  }

  @Test
  void htmlBecomesParagraphsWithPreformattedBlocksKept() {
    String html =
        "<html><body><h1>Title</h1><p>Some  <b>bold</b>\n text.</p><ul><li>one</li><li>two</li></ul>"
            + "<pre>a  b\n  c</pre></body></html>";
    assertEquals(
        "Title\n\nSome bold text.\n\none\n\ntwo\n\na  b\n  c",
        HtmlText.of(Jsoup.parse(html).body()));
  }

  @Test
  void theBibleIsCutIntoBooksAtChapterHeadings() {
    String bible =
        "\nGenesis 1\n\n  1 In the beginning.\n\nGenesis 2\n\n  1 Thus the heavens.\n"
            + "\n1 Samuel 1\n\n  1 Now there was a certain man\nof Ramathaimzophim 2\n\n";
    List<String[]> books = CorpusSources.bibleBooks(bible);
    assertEquals(List.of("Genesis", "1 Samuel"), books.stream().map(b -> b[0]).toList());
    assertEquals(
        "Genesis 1\n\n  1 In the beginning.\n\nGenesis 2\n\n  1 Thus the heavens.\n\n",
        books.get(0)[1]);
  }

  @Test
  void theSplitHoldsOutWholeBooksAndOneBrownTextInTen() {
    assertEquals(CorpusSplit.HELD_OUT, CorpusSplit.of("jargon-file"));
    assertEquals(CorpusSplit.HELD_OUT, CorpusSplit.of("brown-cr10"));
    assertEquals(CorpusSplit.TRAIN, CorpusSplit.of("brown-cr09"));
    assertEquals(CorpusSplit.TRAIN, CorpusSplit.of("kjv-01-genesis"));
    assertEquals(CorpusSplit.TRAIN, CorpusSplit.of("kjv-bible"));
  }
}
