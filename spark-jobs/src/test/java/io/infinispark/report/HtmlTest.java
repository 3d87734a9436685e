package io.infinispark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HtmlTest {
  @Test
  void markupAndControlCharactersNeverReachThePageRaw() {
    assertEquals(
        "a\\u0000b\\u001b[31m&lt;i&gt; &amp; &quot;x&#39;\nline\ttab",
        Html.escape("a\u0000b\u001b[31m<i> & \"x'\nline\ttab"));
    SplittableRandom random = new SplittableRandom(System.nanoTime());
    StringBuilder any = new StringBuilder();
    for (int i = 0; i < 10_000; i++) {
      any.append((char) random.nextInt(0x250));
    }
    String escaped = Html.escape(any.toString());
    assertTrue(
        escaped
            .chars()
            .noneMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t'),
        "a control character was written raw");
    assertTrue(escaped.chars().noneMatch(c -> c == '<' || c == '>' || c == '"' || c == '\''));
  }
}
