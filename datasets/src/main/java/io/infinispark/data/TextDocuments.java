package io.infinispark.data;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** Turns one .txt file's bytes into a documents row (with an error when it can't be used). */
final class TextDocuments {
  private static final int MAX_TITLE = 200;

  private TextDocuments() {}

  /** A row of {@code Tables.withError(Tables.DOCUMENTS)}. */
  static Row toRow(String path, byte[] content) {
    String docId = docId(path);
    if (content.length == 0) {
      return failed(docId, path, "empty file");
    }
    String text;
    try {
      text = decodeStrictly(content);
    } catch (MalformedInputException e) {
      return failed(
          docId, path, "not valid UTF-8 (bad byte sequence near byte " + e.getInputLength() + ")");
    } catch (CharacterCodingException e) {
      return failed(docId, path, "not valid UTF-8: " + e.getMessage());
    }
    if (text.isBlank()) {
      return failed(docId, path, "empty document (only whitespace)");
    }
    return RowFactory.create(
        docId, title(text), path, (long) text.codePointCount(0, text.length()), text, null, null);
  }

  /** The file name without its extension: {@code /books/moby-dick.txt} → {@code moby-dick}. */
  static String docId(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }

  private static String decodeStrictly(byte[] content) throws CharacterCodingException {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer bytes = ByteBuffer.wrap(content);
    CharBuffer chars = CharBuffer.allocate(content.length);
    var result = decoder.decode(bytes, chars, true);
    if (result.isError()) {
      throw new MalformedInputException(bytes.position());
    }
    decoder.flush(chars);
    String text = chars.flip().toString();
    return text.startsWith("\uFEFF") ? text.substring(1) : text; // drop a UTF-8 byte-order mark
  }

  /** The first non-blank line, trimmed and cut to 200 characters. */
  private static String title(String text) {
    for (String line : text.split("\n", 50)) {
      String trimmed = line.strip();
      if (!trimmed.isEmpty()) {
        return trimmed.length() > MAX_TITLE ? trimmed.substring(0, MAX_TITLE) : trimmed;
      }
    }
    return null;
  }

  private static Row failed(String docId, String path, String reason) {
    return RowFactory.create(docId, null, path, 0L, null, reason, null);
  }
}
