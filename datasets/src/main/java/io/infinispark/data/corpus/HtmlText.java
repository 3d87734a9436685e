package io.infinispark.data.corpus;

import java.util.Set;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

/**
 * Readable plain text from HTML: paragraphs, headings, list items and table rows become lines
 * separated by blank lines; whitespace inside them is folded; {@code <pre>} keeps its layout.
 */
final class HtmlText {
  private static final Set<String> BLOCKS =
      Set.of(
          "p",
          "div",
          "h1",
          "h2",
          "h3",
          "h4",
          "h5",
          "h6",
          "li",
          "dt",
          "dd",
          "tr",
          "pre",
          "blockquote",
          "table",
          "ul",
          "ol",
          "dl",
          "section",
          "article",
          "br",
          "hr");

  private HtmlText() {}

  static String of(Element root) {
    StringBuilder out = new StringBuilder();
    NodeTraversor.traverse(
        new NodeVisitor() {
          @Override
          public void head(Node node, int depth) {
            if (node instanceof TextNode text) {
              if (insidePre(text)) {
                out.append(text.getWholeText());
                return;
              }
              String value = text.getWholeText().replaceAll("\\s+", " ");
              boolean atSpace =
                  out.length() == 0 || Character.isWhitespace(out.charAt(out.length() - 1));
              out.append(atSpace && value.startsWith(" ") ? value.substring(1) : value);
            } else if (node instanceof Element e && BLOCKS.contains(e.normalName())) {
              breakParagraph(out);
            }
          }

          @Override
          public void tail(Node node, int depth) {
            if (node instanceof Element e && BLOCKS.contains(e.normalName())) {
              breakParagraph(out);
            }
          }
        },
        root);
    return out.toString().replaceAll("[ \\t]+\\n", "\n").replaceAll("\\n{3,}", "\n\n").strip();
  }

  private static boolean insidePre(Node node) {
    for (Node n = node.parentNode(); n != null; n = n.parentNode()) {
      if (n instanceof Element e && e.normalName().equals("pre")) {
        return true;
      }
    }
    return false;
  }

  private static void breakParagraph(StringBuilder out) {
    int n = out.length();
    if (n > 0 && !(n >= 2 && out.charAt(n - 1) == '\n' && out.charAt(n - 2) == '\n')) {
      out.append(out.charAt(n - 1) == '\n' ? "\n" : "\n\n");
    }
  }
}
