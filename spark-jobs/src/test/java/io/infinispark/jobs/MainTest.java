package io.infinispark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line: every option documented, and bad arguments answered with a clear message. */
class MainTest {
  private static final class Captured {
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    int code;
  }

  private static Captured execute(String... args) {
    Captured c = new Captured();
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(new PrintWriter(c.out, true));
    cli.setErr(new PrintWriter(c.err, true));
    cli.setExecutionExceptionHandler(
        (e, commandLine, parsed) -> {
          commandLine.getErr().println("error: " + e.getMessage());
          return 2;
        });
    c.code = cli.execute(args);
    return c;
  }

  @Test
  void helpListsEveryOptionAndSubcommand() {
    Captured c = execute("--help");
    assertEquals(0, c.code);
    for (String option :
        new String[] {"--input", "--output", "--master", "--model", "--conf", "--lanes", "--partitions",
            "--device", "--dtype", "--properties-file", "bench", "train-tokenizer"}) {
      assertTrue(c.out.toString().contains(option), option + " missing from --help");
    }
  }

  @Test
  void aMissingModelDirectoryIsNamedBeforeSparkStarts(@TempDir Path dir) {
    Captured c = execute("--model", dir.resolve("no-model").toString(), "--input", dir.toString());
    assertEquals(2, c.code);
    assertTrue(c.err.toString().contains("model directory does not exist: " + dir.resolve("no-model")), c.err.toString());
  }

  @Test
  void badOptionValuesAreRejectedWithTheirName(@TempDir Path dir) throws Exception {
    Path model = TinyModel.write(dir.resolve("m"), java.util.List.of("some text for the tokenizer"));
    Captured lanes = execute("--model", model.toString(), "--lanes", "-1");
    assertEquals(2, lanes.code);
    assertTrue(lanes.err.toString().contains("lanes must be 0 (auto) or more, got -1"), lanes.err.toString());
    Captured dtype = execute("--model", model.toString(), "--dtype", "int8");
    assertTrue(dtype.err.toString().contains("unknown dtype 'int8'"), dtype.err.toString());
    Files.writeString(dir.resolve("bad.conf"), "spark.master\n");
    Captured props = execute("--model", model.toString(), "--properties-file", dir.resolve("bad.conf").toString());
    assertTrue(props.err.toString().contains("expected 'key value'"), props.err.toString());
  }
}
