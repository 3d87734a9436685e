package io.infinispark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.infinispark.data.SparkSessions;
import io.infinispark.pipeline.SmallRun;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every code cell of every notebook in notebooks/ runs, in order, against a small run. */
class NotebooksTest {
  @Test
  void everyNotebooksCodeCellsRunWithoutErrorAgainstASmallRun(@TempDir Path dir) throws Exception {
    SparkSession spark = SparkSessions.forTests();
    List<Path> notebooks;
    try (Stream<Path> files = Files.list(Path.of("../notebooks"))) {
      notebooks = files.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
    }
    assertEquals(4, notebooks.size(), "notebooks: " + notebooks);
    try {
      Path run = SmallRun.create(spark, dir);
      System.setProperty("infinispark.run", run.toString());
      System.setProperty("infinispark.run.b", run.toString());
      System.setProperty("infinispark.passkey", run.toString());
      for (Path notebook : notebooks) {
        List<String> failures = execute(notebook);
        assertTrue(
            failures.isEmpty(), notebook.getFileName() + ":\n" + String.join("\n", failures));
      }
    } finally {
      spark.stop();
    }
  }

  /** Runs the notebook's code cells in one JShell inside this JVM; returns what went wrong. */
  private static List<String> execute(Path notebook) throws Exception {
    JsonNode root = new ObjectMapper().readTree(notebook.toFile());
    assertEquals(
        "java",
        root.path("metadata").path("kernelspec").path("language").asText(),
        "kernel language");
    List<String> failures = new ArrayList<>();
    try (JShell shell = JShell.builder().executionEngine("local").build()) {
      for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
        shell.addToClasspath(entry);
      }
      int cellNumber = 0;
      for (JsonNode cell : root.path("cells")) {
        if (!cell.path("cell_type").asText().equals("code")) {
          continue;
        }
        cellNumber++;
        StringBuilder source = new StringBuilder();
        cell.path("source").forEach(line -> source.append(line.asText()));
        String remaining = source.toString();
        while (!remaining.isBlank()) {
          SourceCodeAnalysis.CompletionInfo next =
              shell.sourceCodeAnalysis().analyzeCompletion(remaining);
          for (SnippetEvent event : shell.eval(next.source())) {
            if (event.status() == Snippet.Status.REJECTED || event.exception() != null) {
              StringBuilder why =
                  new StringBuilder("cell " + cellNumber + ": " + event.snippet().source().strip());
              shell
                  .diagnostics(event.snippet())
                  .forEach(d -> why.append("\n  ").append(d.getMessage(null)));
              if (event.exception() != null) {
                why.append("\n  threw ").append(event.exception());
              }
              failures.add(why.toString());
            }
          }
          remaining = next.remaining();
        }
      }
    }
    return failures;
  }
}
