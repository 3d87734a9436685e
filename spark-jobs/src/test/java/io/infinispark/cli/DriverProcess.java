package io.infinispark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./run.sh}'s driver in a JVM of its own (same class path, JVM options and home as run.sh
 * gives it), for tests that kill processes: its output goes to a log file.
 */
final class DriverProcess {
  final Process process;
  final Path log;

  private DriverProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static DriverProcess start(Path log, Map<String, String> env, List<String> arguments)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    String options =
        Files.readAllLines(Path.of("../conf/jvm.properties")).stream()
            .filter(l -> l.startsWith("spark.jvm.options="))
            .findFirst()
            .orElseThrow()
            .substring("spark.jvm.options=".length());
    command.addAll(List.of(options.split("\\s+")));
    command.add("-Dinfinispark.home=" + Path.of("..").toAbsolutePath().normalize());
    command.add(
        "-Dlog4j2.configurationFile=" + Path.of("../conf/log4j2.properties").toAbsolutePath());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(arguments);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectOutput(log.toFile());
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    builder.environment().putAll(env);
    return new DriverProcess(builder.start(), log);
  }

  long pid() {
    return process.pid();
  }

  /**
   * Waits for {@code file} to appear while the driver runs; fails naming the log if it never does.
   */
  void awaitFile(Path file, long minutes) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(minutes);
    while (!Files.exists(file) && process.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertTrue(Files.exists(file), file.getFileName() + " never appeared:\n" + output());
  }

  /** Waits for a successful exit; returns the output. */
  String succeed(long minutes) throws Exception {
    boolean done = process.waitFor(minutes, TimeUnit.MINUTES);
    if (!done) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
    String out = output();
    assertTrue(done, "the driver did not finish in " + minutes + " minutes:\n" + out);
    assertEquals(0, process.exitValue(), out);
    return out;
  }

  String output() throws IOException {
    return Files.readString(log);
  }
}
