package io.infinispark.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The books bundled in {@code datasets/sample}, as the tests read them: real text end to end, one
 * place that knows where it lies (tests run from the module directory).
 */
public final class SampleBooks {
  public static final Path DIRECTORY = Path.of("../datasets/sample");

  private SampleBooks() {}

  public static String bible() {
    return read("king-james-bible.txt");
  }

  public static String devilsDictionary() {
    return read("devils-dictionary.txt");
  }

  /** One book of the Bible: from its first heading (e.g. "Job 1") to the next book's. */
  public static String bibleBook(String heading, String nextHeading) {
    String bible = bible();
    return bible.substring(bible.indexOf(heading + "\n"), bible.indexOf(nextHeading + "\n"));
  }

  public static String read(String file) {
    try {
      return Files.readString(DIRECTORY.resolve(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
