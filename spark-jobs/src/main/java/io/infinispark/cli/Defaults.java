package io.infinispark.cli;

import io.infinispark.report.Format;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;

/** What every command falls back to: the checkout's bundled model, corpus and run names. */
final class Defaults {
  private Defaults() {}

  /** The project checkout (run.sh sets it), for the bundled defaults. */
  static Path home() {
    return Path.of(System.getProperty("infinispark.home", ".")).toAbsolutePath().normalize();
  }

  /** The bundled default model directory. */
  static Path defaultModel() {
    return home().resolve("model-udfs/models/default");
  }

  /** Where run directories go unless --output says otherwise. */
  static String runsDir(String output) {
    return output != null ? output : Path.of("runs").toAbsolutePath().toString();
  }

  /**
   * {@code id} if it names one directory under the output directory: letters, digits, '.', '_' and
   * '-' only, so a run id can neither climb out of --output ("../x", "/tmp/x") nor carry control
   * characters into the console and the report.
   */
  static String checkRunId(String id) {
    if (!id.matches("[A-Za-z0-9._-]+") || id.matches("\\.+")) {
      throw new IllegalArgumentException(
          "--run-id must be a plain directory name (letters, digits, '.', '_', '-'), got "
              + Format.printable(id));
    }
    return id;
  }

  /** date-time and a random suffix, so two runs started in the same second differ. */
  static String newRunId() {
    String time = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    return time
        + "-"
        + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000) | 0x10000).substring(1);
  }
}
