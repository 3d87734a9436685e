package io.infinispark.cli;

import io.infinispark.data.SparkSessions;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/** Options every Spark-running command shares: where Spark runs and how it is configured. */
public final class SparkOptions {
  @Option(
      names = "--master",
      defaultValue = "local[*]",
      description = "Spark master: local[*] (embedded, default), spark://host:7077, yarn, k8s://…")
  String master;

  @Option(
      names = "--conf",
      paramLabel = "KEY=VALUE",
      description = "A Spark setting, as in spark-submit (repeatable); overrides --properties-file")
  Map<String, String> conf = new LinkedHashMap<>();

  @Option(
      names = "--properties-file",
      paramLabel = "FILE",
      description = "Spark settings file (key value per line; default: conf/spark-defaults.conf)")
  Path propertiesFile;

  SparkSession start(String appName) throws IOException {
    Map<String, String> settings = new LinkedHashMap<>();
    Path file =
        propertiesFile != null
            ? propertiesFile
            : Defaults.home().resolve("conf/spark-defaults.conf");
    if (propertiesFile != null || Files.exists(file)) {
      settings.putAll(readProperties(file));
    }
    if (!master.startsWith("local")) {
      // executors on a cluster need our code and DJL; Spark's own jars are already there
      settings.putIfAbsent("spark.jars", shippableJars());
      settings.remove("spark.driver.bindAddress");
      settings.remove("spark.driver.host");
    }
    settings.putAll(conf);
    return SparkSessions.create(appName, master, settings);
  }

  static Map<String, String> readProperties(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("properties file does not exist: " + file);
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      String[] kv = trimmed.split("\\s+|=", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException(file + ": expected 'key value', got: " + line);
      }
      out.put(kv[0].strip(), kv[1].strip());
    }
    return out;
  }

  /** Jars on our class path that a Spark cluster lacks: ours, DJL and its natives, picocli. */
  private static String shippableJars() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(p -> p.endsWith(".jar"))
        .filter(
            p ->
                p.contains("infinispark")
                    || p.contains("/ai/djl/")
                    || p.contains("picocli")
                    || p.matches(".*/(model-udfs|datasets|spark-jobs)-[^/]*\\.jar"))
        .collect(Collectors.joining(","));
  }
}
