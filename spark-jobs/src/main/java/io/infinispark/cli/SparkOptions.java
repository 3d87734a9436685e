package io.infinispark.cli;

import io.infinispark.data.SparkSessions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
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
    if (!ClusterLaunch.embedded(master)) {
      // executors in other JVMs need our code and DJL; Spark's own jars are already there
      Path scratch = Files.createTempDirectory("infinispark-jars");
      scratch.toFile().deleteOnExit();
      settings.putIfAbsent(
          "spark.jars", String.join(",", ClusterLaunch.shippedJars(classPath(), scratch)));
      // libtorch's CPU ops run on spark.task.cpus threads per task: an executor with C cores runs
      // C tasks at once, and each task's own thread team would otherwise take every core
      String taskCpus =
          conf.getOrDefault("spark.task.cpus", settings.getOrDefault("spark.task.cpus", "1"));
      settings.putIfAbsent(
          "spark.executor.extraJavaOptions",
          "-Dai.djl.offline=true -Dai.djl.pytorch.num_threads="
              + taskCpus
              + " -Dai.djl.pytorch.num_interop_threads=1");
    }
    if (ClusterLaunch.localCluster(master)) {
      ClusterLaunch.prepareLocalClusterHome(localClusterHome(), classPath());
    } else if (!ClusterLaunch.embedded(master)) {
      // a real cluster reaches the driver by its host name, not loopback
      settings.remove("spark.driver.bindAddress");
      settings.remove("spark.driver.host");
    }
    settings.putAll(conf);
    if (Rapids.wanted(settings)) {
      Rapids.install(settings);
    }
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

  private static String classPath() {
    return System.getProperty("java.class.path");
  }

  /** Spark's workers read SPARK_HOME from the environment, which only the launcher can set. */
  private static Path localClusterHome() {
    String home = System.getenv("SPARK_HOME");
    if (home == null || home.isBlank()) {
      throw new IllegalArgumentException(
          "--master local-cluster[…] needs SPARK_HOME: run.sh sets it (to"
              + " spark-jobs/target/spark-home, built from the class path when missing); set it"
              + " to a Spark installation or an empty directory");
    }
    return Path.of(home);
  }
}
