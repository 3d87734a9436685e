package io.infinispark.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What the layout promises: DJL stays in the executor runtime; commands do not call commands. */
class PackageBoundariesTest {
  private static final Path MAIN = Path.of("src/main/java/io/infinispark");
  private static final Pattern STRING_LITERAL = Pattern.compile("\"(\\\\.|[^\"\\\\\\n])*\"");
  private static final Pattern DJL_NAME = Pattern.compile("\\bai\\.djl\\.");

  private static List<Path> sources() throws IOException {
    try (Stream<Path> files = Files.walk(MAIN)) {
      return files.filter(f -> f.toString().endsWith(".java")).toList();
    }
  }

  @Test
  void onlyTheRuntimePackageImportsDjl() throws IOException {
    List<Path> sources = sources();
    assertTrue(
        sources.size() > 20, "the sources were not found from " + Path.of("").toAbsolutePath());
    List<String> outside =
        sources.stream()
            .filter(f -> !f.startsWith(MAIN.resolve("runtime")))
            .filter(f -> usesDjl(read(f)))
            .map(Path::toString)
            .toList();
    assertEquals(List.of(), outside, "DJL used outside io.infinispark.runtime");
  }

  @Test
  void onlyTheCommandLinePackageKnowsTheCommands() throws IOException {
    List<String> outside =
        sources().stream()
            .filter(f -> !f.startsWith(MAIN.resolve("cli")))
            .filter(f -> read(f).contains("import io.infinispark.cli."))
            .map(Path::toString)
            .toList();
    assertEquals(List.of(), outside, "code outside cli that reaches into the command line");
  }

  /** An import or a fully qualified name of a DJL class; string literals do not count. */
  private static boolean usesDjl(String source) {
    String code = STRING_LITERAL.matcher(source).replaceAll("\"\"");
    return DJL_NAME.matcher(code).find();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
