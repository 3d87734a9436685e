package io.infinispark.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * One JSONL line → a staged documents row plus its reference summaries. Understands plain {@code
 * {"id","title","text"}} lines and BookSum-style ones: the id may be {@code id, doc_id, book_id,
 * bid} or {@code chapter_id}; the text {@code text, chapter, document} or {@code content};
 * references come from {@code summary} (a string or a list), {@code summaries} (a list of strings,
 * or of objects with {@code text} or {@code summary_text}), {@code summary_text}, and any other
 * field named {@code summary_*}.
 */
final class JsonLines {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> ID = List.of("id", "doc_id", "chapter_id", "book_id", "bid");
  private static final List<String> TITLE = List.of("title", "book_title");
  private static final List<String> TEXT = List.of("text", "chapter", "document", "content");

  private JsonLines() {}

  /** A row of {@link DocumentIngest#STAGED}. */
  static Row parse(String line, String path) {
    if (line.isBlank()) {
      return null;
    }
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (IOException e) {
      return failed(
          null, path, "malformed JSON line: " + line.substring(0, Math.min(80, line.length())));
    }
    if (!node.isObject()) {
      return failed(
          null,
          path,
          "JSON line is not an object: " + line.substring(0, Math.min(80, line.length())));
    }
    String id = first(node, ID);
    String text = first(node, TEXT);
    if (id == null || id.isBlank()) {
      return failed(null, path, "missing id (one of " + ID + ")");
    }
    if (text == null) {
      return failed(id, path, "missing text (one of " + TEXT + ")");
    }
    if (text.isBlank()) {
      return failed(id, path, "empty document (only whitespace)");
    }
    return RowFactory.create(
        id,
        first(node, TITLE),
        path,
        (long) text.codePointCount(0, text.length()),
        text,
        null,
        references(node).toArray(Row[]::new));
  }

  private static List<Row> references(JsonNode node) {
    List<Row> refs = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      String name = f.getKey();
      if (!name.equals("summary") && !name.equals("summaries") && !name.startsWith("summary_")) {
        continue;
      }
      JsonNode value = f.getValue();
      if (value.isTextual()) {
        refs.add(RowFactory.create(name, value.asText()));
      } else if (value.isArray()) {
        int i = 0;
        for (JsonNode item : value) {
          String summary =
              item.isTextual()
                  ? item.asText()
                  : first(item, List.of("text", "summary_text", "summary"));
          if (summary != null) {
            refs.add(RowFactory.create(name + "[" + i++ + "]", summary));
          }
        }
      }
    }
    return refs;
  }

  private static String first(JsonNode node, List<String> names) {
    for (String name : names) {
      JsonNode value = node.get(name);
      if (value != null && !value.isNull() && (value.isTextual() || value.isNumber())) {
        return value.asText();
      }
    }
    return null;
  }

  private static Row failed(String id, String path, String reason) {
    return RowFactory.create(id, null, path, 0L, null, reason, null);
  }
}
