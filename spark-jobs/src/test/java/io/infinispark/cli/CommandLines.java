package io.infinispark.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * Runs {@code ./run.sh}'s command line in-process, as {@link Main#main} would, capturing its
 * output.
 */
final class CommandLines {
  static final class Captured {
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    int code;
  }

  private CommandLines() {}

  /** What a test's Spark job runs on: two local cores, no web UI (ports clash between tests). */
  static final List<String> LOCAL_SPARK =
      List.of("--master", "local[2]", "--conf", "spark.ui.enabled=false");

  /** {@link #execute} with {@link #LOCAL_SPARK} appended. */
  static Captured executeOnLocalSpark(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(LOCAL_SPARK);
    return execute(all.toArray(String[]::new));
  }

  static Captured execute(String... args) {
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
}
